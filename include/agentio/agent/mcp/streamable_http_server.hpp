// streamable_http_server.hpp: StreamableHttpServer, an mcp::Server on an
// http::Server endpoint (MCP's Streamable HTTP transport, server side).
//
// compile-context: extern std::vector<agent::Tool> tools;
//     mcp::Server tools_server(tools, {.name = "weather"});
//     mcp::StreamableHttpServer endpoint(tools_server);
//     http::Server http;
//     endpoint.mount(http);                  // POST and DELETE on /mcp
//     http.start("127.0.0.1", 8080);
//
// What it promises (MCP 2025-11-25 and 2025-06-18, "Streamable HTTP"):
// - POST /mcp carries one JSON-RPC message. A request is answered as an SSE
//   stream (the response, preceded by the notifications about that request,
//   e.g. progress), or as one application/json body with json_response. A
//   notification or a response is accepted with 202 and no body.
// - An initialize request without Mcp-Session-Id starts a new session: its
//   answer carries the new Mcp-Session-Id (128 random bits, hex). Every other
//   message must carry it: missing is 400, unknown (or ended) is 404, so the
//   client knows to initialize again.
// - MCP-Protocol-Version, when sent after initialize, must name a revision we
//   speak: else 400. Absent, the spec's default revision is assumed.
// - The Origin header, when present, must be a loopback origin (localhost,
//   127.0.0.1, [::1], any port) or one of allowed_origins: else 403, against
//   DNS rebinding. Accept must offer application/json and (unless
//   json_response) text/event-stream: else 406. Content-Type must be
//   application/json: else 415. A body that is not JSON-RPC is 400 with the
//   JSON-RPC error in the body.
// - GET is answered 405 by the router (no server-initiated stream: the tools
//   send nothing unasked). DELETE with the session's id ends the session,
//   cancelling its running calls.
// - A client that drops a response stream does not cancel the request (the
//   spec says so); the late answer is dropped. Only notifications/cancelled
//   cancels.
// - At most max_sessions sessions at once: initialize beyond that is 503.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "agentio/agent/mcp/server.hpp"
#include "agentio/http/server.hpp"

namespace agentio::agent::mcp {

struct StreamableHttpOptions {
    std::string path = "/mcp";
    // Origins accepted besides the loopback ones, exactly as browsers send
    // them: "https://app.example.com". "*" accepts any origin (a server that
    // is not on loopback and checks its callers another way).
    std::vector<std::string> allowed_origins = {};
    // Answer requests with one JSON body instead of an SSE stream (progress
    // notifications are then not delivered).
    bool json_response = false;
    std::size_t max_sessions = 1024;
};

class StreamableHttpServer {
public:
    explicit StreamableHttpServer(Server server, StreamableHttpOptions options = {});
    // Ends the sessions without awaiting them (close() awaits).
    ~StreamableHttpServer();
    StreamableHttpServer(const StreamableHttpServer&) = delete;
    StreamableHttpServer& operator=(const StreamableHttpServer&) = delete;

    // Adds the POST and DELETE routes on options.path. The routes share this
    // endpoint's state, which lives as long as the routes do.
    void mount(http::Server& http) const;
    // Ends every session.
    Task<> close();
    std::size_t session_count() const noexcept;

    struct State;

private:
    std::shared_ptr<State> state_;
};

}  // namespace agentio::agent::mcp
