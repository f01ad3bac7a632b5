// server_fixture.hpp: run a test body against a fresh http::Server on a free
// loopback port, with routes the test file adds; shut down afterwards.
#pragma once

#include <agentio/agentio.hpp>
#include <agentio/http/server.hpp>

namespace agentio::testkit {

template <class AddRoutes, class Body>
void with_http_server(http::ServerOptions options, AddRoutes add_routes, Body body, LoopOptions loop = {}) {
    run([&]() -> Task<> {
        http::Server server(options);
        add_routes(server);
        server.start("127.0.0.1", 0);
        co_await body(server);
        co_await server.shutdown(std::chrono::seconds(1));
    }(), loop);
}

}  // namespace agentio::testkit
