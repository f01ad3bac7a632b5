// server.hpp: mcp::Server, tools, resources and prompts offered to other
// agent runtimes over MCP.
//
// compile-context: extern std::vector<agent::Tool> tools; extern http::Server http_server;
//     mcp::Server server(tools, {.name = "weather", .version = "1.0.0"});
//     server.add_resource({.uri = "docs://readme", .name = "readme"},
//         [](std::string uri, mcp::ServerContext&) -> Task<std::vector<mcp::ResourceContents>> {
//             co_return std::vector{mcp::ResourceContents::of_text(uri, "# Weather")};
//         });
//     co_await server.serve_stdio();                     // one client on stdin/stdout, until EOF
//     // or, over Streamable HTTP (streamable_http_server.hpp):
//     mcp::StreamableHttpServer endpoint(server);
//     endpoint.mount(http_server);                       // POST/GET/DELETE /mcp
//
// A Server holds what it offers and what initialize tells about it; each
// client connection is one Session (session.hpp) made by session(), with the
// handlers below. A Server is a handle: copies share what was added, and one
// Server serves any number of sessions at once (which share each tool's
// concurrency limit). Add everything before the first session starts.
//
// What each session promises (MCP revisions 2025-11-25 and 2025-06-18):
// - initialize: answered with the client's requested revision when we speak
//   it, else our latest (the client decides whether to go on); capabilities
//   for what was added (tools always; resources with subscribe, prompts and
//   completions when there are any; logging); serverInfo; instructions when
//   set. A second initialize is refused (-32600).
// - Before initialize, every request but ping is refused with -32600 naming
//   the method: the spec's lifecycle comes first.
// - tools/list, resources/list, resources/templates/list, prompts/list: in
//   the order added, page_size per page, with an opaque nextCursor while
//   more remain; a cursor we did not issue is -32602.
// - tools/call: the handler's CallToolResult. An agent::Tool's arguments are
//   checked against its schema and a failure is a result with isError (the
//   spec's tool execution error, SEP-1303), as is any exception a handler
//   throws other than RpcError (sent as the JSON-RPC error it names). An
//   unknown tool, or a call without a name, is -32602. The peer's
//   notifications/cancelled cancels the handler's task and no answer is sent.
// - resources/read: the resource with that exact uri, else the first
//   template that matches it, else -32002 (the spec's "resource not found").
//   resources/subscribe and unsubscribe track the uri per session, and
//   notify_resource_updated() tells the sessions subscribed to it.
// - prompts/get: a prompt's required argument missing is -32602; an unknown
//   prompt too. completion/complete asks the argument's Completer (none: no values).
// - logging/setLevel: a known level is accepted and filters
//   ServerContext::log() from then on (an unknown one is -32602).
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "agentio/agent/mcp/prompts.hpp"
#include "agentio/agent/mcp/protocol.hpp"
#include "agentio/agent/mcp/resources.hpp"
#include "agentio/agent/mcp/server_context.hpp"
#include "agentio/agent/mcp/session.hpp"
#include "agentio/agent/tool.hpp"

namespace agentio::agent::mcp {

struct ServerOptions {
    std::string name = "agentio";
    std::string version = "0.1.0";
    // Told to the client in initialize: how to use these tools; empty: none.
    std::string instructions = {};
    // Entries per page of every list (at least 1).
    std::size_t page_size = 50;
};

// Runs one tools/call with the client's arguments (an object, {} when none).
using ToolHandler = std::function<Task<CallToolResult>(Json arguments, ServerContext& context)>;
// Reads one resource; `uri` as the client asked for it.
using ResourceReader = std::function<Task<std::vector<ResourceContents>>(std::string uri, ServerContext& context)>;
// Reads a resource of a template, with the template's variables taken from the uri.
using TemplateReader =
    std::function<Task<std::vector<ResourceContents>>(std::string uri, UriVariables variables, ServerContext& context)>;
// Fills in a prompt: the client's arguments, the required ones present.
using PromptHandler =
    std::function<Task<PromptResult>(std::map<std::string, std::string> arguments, ServerContext& context)>;
// Suggests values for one argument given what the user typed so far and the
// other arguments already chosen (completion/complete). At most 100 are sent.
using Completer = std::function<Task<std::vector<std::string>>(std::string partial,
                                                               std::map<std::string, std::string> chosen)>;

class Server {
public:
    explicit Server(ServerOptions options = {});
    // Throws std::invalid_argument naming a tool that appears twice or a page size of 0.
    Server(std::vector<Tool> tools, ServerOptions options);

    // Each add_ throws std::invalid_argument naming a name or uri added twice.
    // An agent tool: its schema, its validation, its limits (tool.hpp).
    void add_tool(Tool tool);
    // A tool of MCP's own shape: `info.input_schema` is sent exactly as given;
    // the handler reads the arguments itself.
    void add_tool(ToolInfo info, ToolHandler handler);
    void add_resource(ResourceInfo info, ResourceReader reader);
    // `completers` by variable name, for completion/complete.
    void add_resource_template(ResourceTemplateInfo info, TemplateReader reader,
                               std::map<std::string, Completer> completers = {});
    // `completers` by argument name, for completion/complete.
    void add_prompt(PromptInfo info, PromptHandler handler, std::map<std::string, Completer> completers = {});

    // Sends notifications/resources/updated to every session subscribed to `uri`.
    void notify_resource_updated(const std::string& uri) const;

    // A session on `transport` with this server's handlers, not started yet.
    Session session(std::unique_ptr<Transport> transport) const;
    // Serves one client on `transport` until it leaves (or the task is
    // cancelled), then closes the transport.
    Task<> serve(std::unique_ptr<Transport> transport) const;
    // serve() on our own stdin/stdout: the MCP stdio transport. Log to stderr only.
    Task<> serve_stdio() const;

    const ServerOptions& options() const noexcept;

    struct State;

private:
    std::shared_ptr<State> state_;
};

}  // namespace agentio::agent::mcp
