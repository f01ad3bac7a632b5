// server.hpp: mcp::Server, agent tools offered to other agent runtimes over MCP.
//
// compile-context: extern std::vector<agent::Tool> tools; extern http::Server http_server;
//     mcp::Server server(tools, {.name = "weather", .version = "1.0.0"});
//     co_await server.serve_stdio();                     // one client on stdin/stdout, until EOF
//     // or, over Streamable HTTP (streamable_http_server.hpp):
//     mcp::StreamableHttpServer endpoint(server);
//     endpoint.mount(http_server);                       // POST/DELETE /mcp
//
// A Server holds the tools and what initialize tells about them; each client
// connection is one Session (session.hpp) made by session(), with the
// handlers below. One Server serves any number of sessions at once; the
// sessions share the tools (and so each tool's concurrency limit).
//
// What each session promises (MCP revisions 2025-11-25 and 2025-06-18):
// - initialize: answered with the client's requested revision when we speak
//   it, else our latest (the client decides whether to go on); capabilities
//   {tools:{listChanged:false}, logging:{}}; serverInfo; instructions when set.
//   A second initialize is refused (-32600).
// - Before initialize, every request but ping is refused with -32600 naming
//   the method: the spec's lifecycle comes first.
// - tools/list: the tools in the order given, page_size per page, with an
//   opaque nextCursor while more remain; a cursor we did not issue is -32602.
// - tools/call: the tool's ToolResult as {content:[{type:"text",text}],
//   isError}; arguments that fail the tool's schema come back as a result
//   with isError (the spec's tool execution error, SEP-1303), an unknown tool
//   or a call without a name as -32602. The peer's notifications/cancelled
//   cancels the tool's task and no answer is sent.
// - logging/setLevel: a known level is accepted (an unknown one is -32602);
//   the tools send no log messages of their own yet.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "agentio/agent/mcp/session.hpp"
#include "agentio/agent/tool.hpp"

namespace agentio::agent::mcp {

struct ServerOptions {
    std::string name = "agentio";
    std::string version = "0.1.0";
    // Told to the client in initialize: how to use these tools; empty: none.
    std::string instructions = {};
    // Tools per tools/list page (at least 1).
    std::size_t page_size = 50;
};

class Server {
public:
    // Throws std::invalid_argument naming a tool that appears twice or a page size of 0.
    explicit Server(std::vector<Tool> tools, ServerOptions options = {});

    // A session on `transport` with this server's handlers, not started yet.
    Session session(std::unique_ptr<Transport> transport) const;
    // Serves one client on `transport` until it leaves (or the task is
    // cancelled), then closes the transport.
    Task<> serve(std::unique_ptr<Transport> transport) const;
    // serve() on our own stdin/stdout: the MCP stdio transport. Log to stderr only.
    Task<> serve_stdio() const;

    const ServerOptions& options() const noexcept;
    const std::vector<Tool>& tools() const noexcept;

    struct State;

private:
    std::shared_ptr<const State> state_;
};

}  // namespace agentio::agent::mcp
