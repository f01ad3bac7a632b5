// server.hpp: http::Server, an HTTP/1.1 server (plain or TLS) on the loop.
//
//     http::Server server;
//     server.route("GET", "/", [](http::Request&) -> Task<http::Response> {
//         co_return http::Response::text("hello\n");
//     });
//     server.start("127.0.0.1", 8080);   // binds now, serves from the running loop
//     // ... until it is time to stop:
//     co_await server.shutdown();          // graceful
//
// One task per connection. Requests on a connection are answered in order
// (pipelined requests wait in the buffer). Keep-alive unless the client or
// the handler says close.
//
// Bad input never crashes or stalls the server: a malformed head or body
// framing is answered 400, a head over the limits 431, a body over max_body
// 413, a head that takes longer than header_timeout 408 (slowloris), a
// transfer coding other than chunked 501, a handler that throws 500 (and the
// error goes to the loop's exception handler); then the connection closes.
// A body the handler did not read is still read (up to 64 KiB) before the
// answer goes out, so broken framing in it gets its 400 instead of the
// handler's answer. A malformed request pipelined behind valid ones is
// answered in turn: the valid ones first, then its error, then the close.
// A peer that resets mid-request only ends its own connection.
//
// shutdown(grace): stop accepting, close idle keep-alive connections, let
// requests in progress finish (their responses say Connection: close) for
// up to `grace`, then cancel what is left.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "agentio/core/clock.hpp"
#include "agentio/core/task.hpp"
#include "agentio/http/parser.hpp"
#include "agentio/http/router.hpp"
#include "agentio/net/tcp_listener.hpp"
#include "agentio/net/tls_context.hpp"

namespace agentio::http {

struct ServerState;  // internal

struct ServerOptions {
    // Requests are always parsed strictly (RFC 9112 to the letter, see
    // head_parser.hpp): limits.lenient is ignored.
    Limits limits;
    // From a connection's first byte (or its opening) to a complete head.
    Duration header_timeout = std::chrono::seconds(10);
    // How long an idle keep-alive connection is kept.
    Duration keep_alive_timeout = std::chrono::seconds(75);
    // Longest wait for the next piece of a request body, or for the client to
    // take the next piece of a response.
    Duration io_timeout = std::chrono::seconds(60);
    // Room for request bodies read whole (Request::text()), all connections
    // together: a body waits for its room (FIFO, up to io_timeout, then 503)
    // until earlier requests end; one larger than all of it is 413. A
    // chunked body takes room for limits.max_body. So many large uploads at
    // once cost at most this much memory, never the process.
    std::uint64_t body_budget = 256ull << 20;
    // Serve TLS with this context (TlsContext::server(cert, key)).
    std::optional<net::TlsContext> tls;
    // Log each handler error to the loop's exception handler.
    bool report_handler_errors = true;
};

class Server {
public:
    explicit Server(ServerOptions options = {});
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    void route(std::string method, std::string path, Handler handler);
    Router& router() noexcept;

    // Binds `ip`:`port` (0: a free port) and starts accepting on the running
    // loop. The server object must outlive the loop's use of it (shutdown()).
    void start(std::string_view ip, std::uint16_t port);
    // start() and then wait until shutdown() is called.
    Task<> serve(std::string_view ip, std::uint16_t port);
    std::uint16_t port() const noexcept;

    // Graceful stop (see the file comment). Idempotent.
    Task<> shutdown(Duration grace = std::chrono::seconds(10));

    std::size_t open_connections() const noexcept;

private:
    std::shared_ptr<ServerState> state_;
};

}  // namespace agentio::http
