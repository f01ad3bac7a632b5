// server.cpp: sim::Server, the Service (service.hpp) on an http::Server.
//
// The State owns the http::Server; the Service is shared by the route
// handlers and the streams in flight. Moving a sim::Server moves the pointer
// only, so the http::Server's address (which its tasks rely on) never changes.
#include "agentio/sim/server.hpp"

#include "agentio/http/server.hpp"
#include "service.hpp"

namespace agentio::sim {

struct Server::State {
    State(std::shared_ptr<detail::Service> s, http::ServerOptions options) : service(std::move(s)), http(std::move(options)) {}

    std::shared_ptr<detail::Service> service;
    http::Server http;
};

Task<Server> Server::start(Config config) {
    Script script = config.script_path.empty() ? Script() : Script::load(config.script_path);
    auto service = std::make_shared<detail::Service>(config, std::move(script));
    // A request's body is held about five times over while it is parsed
    // (the bytes, simdjson's padded copy, the JSON document, the request's
    // strings): a budget of one largest body (64 MiB) keeps any number of
    // large requests at once to about 300 MB; small ones still pass.
    http::ServerOptions options;
    options.body_budget = options.limits.max_body;
    auto state = std::make_shared<State>(service, std::move(options));
    detail::Service::add_routes(service, state->http);
    state->http.start(config.host, config.port);
    co_return Server(std::move(state));
}

Server::Server(std::shared_ptr<State> state) : state_(std::move(state)) {}
Server::Server(Server&&) noexcept = default;
Server& Server::operator=(Server&&) noexcept = default;
Server::~Server() = default;

std::uint16_t Server::port() const noexcept { return state_->http.port(); }

std::string Server::base_url() const {
    const std::string& host = state_->service->config().host;
    // An IPv6 literal needs brackets in a URL; a wildcard address is reached on loopback.
    std::string shown = host;
    if (host == "0.0.0.0" || host.empty()) shown = "127.0.0.1";
    else if (host == "::") shown = "[::1]";
    else if (host.find(':') != std::string::npos) shown = "[" + host + "]";
    return "http://" + shown + ":" + std::to_string(port()) + "/v1";
}

const Config& Server::config() const noexcept { return state_->service->config(); }

Stats Server::stats() const noexcept { return state_->service->stats(); }

Task<> Server::shutdown(Duration grace) {
    std::shared_ptr<State> state = state_;
    co_await state->http.shutdown(grace);
}

}  // namespace agentio::sim
