// http_client_transport.hpp: HttpClientTransport, the client side of MCP's
// Streamable HTTP transport, on http::Client.
//
//     mcp::HttpClientOptions options;
//     options.url = "http://127.0.0.1:3001/mcp";
//     options.name = "everything";
//     auto client = co_await mcp::Client::connect(std::make_unique<mcp::HttpClientTransport>(options));
//
// Every message is POSTed to the endpoint with
// `Accept: application/json, text/event-stream`. The answer to a request is a
// JSON body or an SSE stream that carries the server's notifications and
// requests about it, then the response; notifications and responses are
// answered 202. After initialize, every request carries `Mcp-Session-Id` (when
// the server assigned one) and `MCP-Protocol-Version`. After initialization a
// GET opens the server's own event stream (server-initiated notifications,
// logging); a 405 means the server has none.
//
// What it promises:
// - An SSE response stream that ends before the response is resumed with a
//   GET carrying Last-Event-ID when the server gave event ids (up to
//   `max_resumptions` times, waiting the server's `retry` delay); otherwise
//   the waiting request fails with TransportError: never a hang.
// - HTTP 404 to a request that carried our session id is SessionExpired (the
//   session id is forgotten, so the next initialize starts a new session;
//   mcp::Client does that and resends the request once).
// - With `oauth`, a POST (or a resumption) refused with 401, or 403 with
//   insufficient_scope, is authorized and sent again, at most
//   OAuthOptions::max_authorizations times; then AuthorizationError.
// - Any other HTTP error is TransportError with the status and an excerpt of
//   the body; a JSON-RPC error body that answers the request is delivered as
//   that error instead (the caller sees RpcError with the server's code).
// - close(): stops the streams, sends DELETE with the session id (a 405 is
//   fine: the server does not let clients end sessions), bounded by
//   `close_timeout`.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "agentio/agent/mcp/oauth.hpp"
#include "agentio/agent/mcp/transport.hpp"
#include "agentio/core/clock.hpp"
#include "agentio/http/client.hpp"

namespace agentio::agent::mcp {

struct HttpClientOptions {
    // The MCP endpoint: "http://127.0.0.1:3001/mcp".
    std::string url;
    // The server's name in messages ("mcp server 'NAME'"); default: the URL.
    std::string name = {};
    // Sent with every request (Authorization, ...).
    http::Headers headers = {};
    http::ClientOptions http = {};
    // Authorization at a protected server (oauth.hpp): a request refused
    // with 401 (or 403 insufficient_scope) is authorized and sent again.
    // Shared, so that several connections to one server share its tokens.
    std::shared_ptr<OAuth> oauth = nullptr;
    // Open the GET stream for server-initiated messages after initialization
    // (a server that refuses it, even for want of authorization, is not asked
    // again). Its connection is its own, outside http's per-origin limit
    // (http::ClientRequest::long_lived), so requests never wait behind it.
    bool listen = true;
    int max_resumptions = 3;
    Duration close_timeout = std::chrono::seconds(5);
};

class HttpClientTransport final : public Transport {
public:
    explicit HttpClientTransport(HttpClientOptions options);
    ~HttpClientTransport() override;

    Task<std::optional<Incoming>> receive() override;
    Task<> send(Outgoing message) override;
    Task<> close() override;
    const std::string& peer() const noexcept override;
    void set_request_failure(RequestFailure failure) override;
    void set_protocol_version(const std::string& version) override;

    // The session id the server assigned, or empty.
    const std::string& session_id() const noexcept;

    struct State;

private:
    std::shared_ptr<State> state_;
};

}  // namespace agentio::agent::mcp
