// streamable_http_server.hpp: StreamableHttpServer, an mcp::Server on an
// http::Server endpoint (MCP's Streamable HTTP transport, server side).
//
// compile-context: extern std::vector<agent::Tool> tools;
//     mcp::Server tools_server(tools, {.name = "weather"});
//     mcp::StreamableHttpServer endpoint(tools_server);
//     http::Server http;
//     endpoint.mount(http);                  // POST, GET and DELETE on /mcp
//     http.start("127.0.0.1", 8080);
//
// What it promises (MCP 2025-11-25 and 2025-06-18, "Streamable HTTP"):
// - POST /mcp carries one JSON-RPC message. A request is answered as an SSE
//   stream (the response, preceded by what the server sends about that
//   request: progress, log messages, its own sampling or elicitation
//   requests), or as one application/json body: always with json_response,
//   and otherwise when the response is ready within json_answer_window with
//   nothing sent about the request before it (a quick call then costs one
//   write, not a head, a priming event, the event and the last chunk). A
//   notification or a response is accepted with 202 and no body.
// - An initialize request without Mcp-Session-Id starts a new session: its
//   answer carries the new Mcp-Session-Id (128 random bits, hex). Every other
//   message must carry it: missing is 400, unknown (or ended) is 404, so the
//   client knows to initialize again.
// - MCP-Protocol-Version, when sent after initialize, must name a revision we
//   speak (or 2025-03-26): else 400. Absent, the spec's default is assumed.
// - Resumable streams (SEP-1699): every event has an id; to a client of
//   2025-11-25 each stream opens with a priming event (an id, `retry`, no
//   data). A stream whose client went away, or that a handler ended with
//   ServerContext::close_stream(), keeps its events: GET with Last-Event-ID
//   sends the rest, the response included. A disconnection never cancels a
//   request (the spec says so); only notifications/cancelled does.
// - GET without Last-Event-ID opens the session's standalone stream: what no
//   request asked for (resource updates), kept while no GET is open. A
//   second one while the first is open is 409.
// - DELETE with the session's id ends the session, cancelling its running calls.
// - Against DNS rebinding: an Origin header must be a loopback origin
//   (localhost, 127.0.0.1, [::1], any port) or in allowed_origins, and a
//   client connecting from loopback must send a loopback Host or one in
//   allowed_hosts: else 403. Accept must offer application/json and (unless
//   json_response) text/event-stream: else 406. Content-Type must be
//   application/json: else 415. A body that is not JSON-RPC is 400 with the
//   JSON-RPC error in the body.
// - A session that has had no message for session_idle_timeout, with no call
//   running and no stream open, is ended (its client's next message gets 404
//   and initializes again, as our Client does). At most max_sessions
//   sessions at once: initialize beyond that, after idle ones are ended, is
//   503. So clients that open sessions and walk away hold them for a while,
//   not for ever.
#pragma once

#include <chrono>
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
    // Host headers accepted from clients on loopback besides the loopback
    // names ("mcp.internal:8080"); "*" accepts any (a reverse proxy on this
    // machine that forwards its public name).
    std::vector<std::string> allowed_hosts = {};
    // Answer requests with one JSON body instead of an SSE stream (progress
    // notifications are then not delivered).
    bool json_response = false;
    // Otherwise a response ready this soon after its request, with nothing
    // about the request before it, is one JSON body; later ones, and those a
    // notification or a request to the client precedes, are SSE streams.
    // Zero: every answer is a stream.
    std::chrono::milliseconds json_answer_window{1};
    std::size_t max_sessions = 1024;
    // A session silent this long, with no call running and no stream being
    // written, ends when a new session is made. Zero: sessions never idle out.
    std::chrono::milliseconds session_idle_timeout = std::chrono::minutes(30);
    // A stream silent this long gets an SSE comment: proxies keep it open,
    // and a connection whose client is gone is found out. Zero: never.
    std::chrono::milliseconds keepalive = std::chrono::seconds(15);
    // Told to clients in priming events: how long to wait before resuming a
    // stream that ended without its response.
    std::chrono::milliseconds retry{1000};
    // Per session: events kept per stream for resumption, and streams kept.
    std::size_t max_replay_events = 1024;
    std::size_t max_replay_streams = 256;
};

class StreamableHttpServer {
public:
    explicit StreamableHttpServer(Server server, StreamableHttpOptions options = {});
    // Ends the sessions without awaiting them (close() awaits).
    ~StreamableHttpServer();
    StreamableHttpServer(const StreamableHttpServer&) = delete;
    StreamableHttpServer& operator=(const StreamableHttpServer&) = delete;

    // Adds the POST, GET and DELETE routes on options.path. The routes share
    // this endpoint's state, which lives as long as the routes do.
    void mount(http::Server& http) const;
    // Ends every session.
    Task<> close();
    std::size_t session_count() const noexcept;

    struct State;

private:
    std::shared_ptr<State> state_;
};

}  // namespace agentio::agent::mcp
