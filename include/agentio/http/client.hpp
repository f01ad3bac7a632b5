// client.hpp: http::Client, an HTTP/1.1 client with per-origin keep-alive pools.
//
// compile-context: extern std::string url, json; void consume(std::string_view);
//     http::Client client;
//     auto resp = co_await client.get("https://example.com/");
//     std::string body = co_await resp.text();
//
//     auto stream = co_await client.post(url, json, http::Headers::of("Content-Type", "application/json"));
//     while (auto piece = co_await stream.body().next()) consume(*piece);
//
// - Connections are pooled per origin (see connection_pool.hpp) and shared
//   by every task using the client; one Client per program is the intent.
// - Timeouts: `connect_timeout` covers DNS, TCP, the proxy tunnel and TLS;
//   `read_timeout` bounds each wait for the next bytes of the response;
//   `total_timeout` the whole exchange, body included. Each expires as
//   TimeoutError naming the request and which timeout it was. An enclosing
//   timeout scope applies as well (it cancels the request).
// - A request that finds its reused keep-alive connection closed by the
//   server (no response byte came back) is sent once more on a new
//   connection, if its method is idempotent (GET, HEAD, PUT, DELETE, OPTIONS).
// - TLS verifies the server's certificate and host name by default.
// - `Accept-Encoding: gzip, deflate` is sent and decoded unless turned off or
//   the caller set Accept-Encoding.
// - Proxies from HTTPS_PROXY/HTTP_PROXY/NO_PROXY by default (proxy.hpp).
#pragma once

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "agentio/core/clock.hpp"
#include "agentio/core/task.hpp"
#include "agentio/http/client_response.hpp"
#include "agentio/http/headers.hpp"
#include "agentio/http/parser.hpp"
#include "agentio/http/proxy.hpp"
#include "agentio/net/tls_context.hpp"

namespace agentio::http {

struct ClientOptions {
    std::size_t max_connections_per_origin = 100;
    Duration idle_timeout = std::chrono::seconds(30);
    std::optional<Duration> connect_timeout = std::chrono::seconds(30);
    std::optional<Duration> read_timeout;
    std::optional<Duration> total_timeout;
    net::TlsClientOptions tls;
    bool decompress = true;
    // Proxies; nullopt: read the environment when the client is made.
    std::optional<ProxyConfig> proxy;
    // Sent with every request unless the request sets the same header.
    Headers default_headers;
    // Responses are read with Limits::lenient on (bare LF line ends, obs-fold),
    // as RFC 9112 lets a client read what real servers send; set it to false
    // for a client as strict as the server.
    Limits limits{.lenient = true};
};

struct ClientRequest {
    std::string method = "GET";
    std::string url;
    Headers headers;
    std::string body;
    // The response may stay open for as long as the server likes (an event
    // stream it pushes on): its connection is not counted against
    // max_connections_per_origin, so such streams never starve the origin's
    // other requests (with a limit of one, one stream would take the only
    // connection for good).
    bool long_lived = false;
};

class Client {
public:
    explicit Client(ClientOptions options = {});
    ~Client();
    Client(Client&&) noexcept;
    Client& operator=(Client&&) noexcept;

    Task<ClientResponse> send(ClientRequest request);
    Task<ClientResponse> get(std::string url, Headers headers = {});
    Task<ClientResponse> post(std::string url, std::string body, Headers headers = {});

    const ClientOptions& options() const noexcept;
    // Idle keep-alive connections now held.
    std::size_t idle_connections() const noexcept;
    // Closes the idle connections (leased ones close when released).
    void close() noexcept;

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace agentio::http
