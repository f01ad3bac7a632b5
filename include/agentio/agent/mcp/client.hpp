// client.hpp: mcp::Client, a connection to one MCP server, and its tools as agent tools.
//
//     mcp::ProcessOptions everything = mcp::ProcessOptions::for_command("npx", "@modelcontextprotocol/server-everything");
//     everything.name = "everything";   // how errors name the server
//     auto client = co_await mcp::Client::connect(mcp::ProcessTransport::spawn(everything));
//     for (const auto& tool : co_await client.list_tools()) std::cout << tool.name << '\n';
//     llm::Json arguments = {{"a", 2}, {"b", 3}};
//     auto result = co_await client.call_tool("get-sum", arguments);
//     std::vector<agent::Tool> tools = co_await client.agent_tools();   // for an agent
//
// connect() runs the MCP handshake: initialize (offering
// ClientOptions::protocol_version, 2025-11-25 by default), version check (a
// server answering with a revision this client does not speak, one other than
// 2025-11-25, 2025-06-18 and 2025-03-26, is refused with ProtocolError and the
// connection closed), then notifications/initialized.
//
// Promises (on top of Session's, session.hpp):
// - list_tools() (and the other lists) follow nextCursor until the last
//   page (a cursor seen twice is a ProtocolError: a looping server cannot
//   hang us).
// - call_tool(): a tool's own failure comes back as a result with is_error
//   set (the spec's tool execution error), a protocol failure (unknown tool,
//   bad params) as RpcError, a dead server as TransportError. Cancelling the
//   calling task sends notifications/cancelled and throws CancelledError;
//   on_progress receives the server's progress notifications.
// - The server's own requests: elicitation/create and
//   sampling/createMessage go to ClientOptions' handlers (declared as
//   capabilities when set; without one, the server is told -32601).
// - Logging: notifications/message goes to ClientOptions::on_log;
//   set_logging_level() asks the server for a minimum level.
// - Streamable HTTP: when the server forgets our session (HTTP 404), the
//   client initializes a new session and sends the request once more.
// - agent_tools(): each server tool as an agent::Tool with the server's name,
//   description and input schema unchanged; the tool's function calls
//   tools/call (text joined, structured content when there is no text,
//   isError as is_error; progress and cancellation pass through).
//   A Client is a handle: its copies and its agent tools share one
//   connection, which stays open until close() (or the last copy goes).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agentio/agent/mcp/prompts.hpp"
#include "agentio/agent/mcp/protocol.hpp"
#include "agentio/agent/mcp/resources.hpp"
#include "agentio/agent/mcp/session.hpp"
#include "agentio/agent/tool.hpp"

namespace agentio::agent::mcp {

struct ClientOptions {
    std::string name = "agentio";
    std::string version = "0.1.0";
    // The revision offered in initialize.
    std::string protocol_version = std::string(latest_protocol_version);
    // Server-sent log messages (notifications/message).
    std::function<void(const LogMessage&)> on_log = nullptr;
    // Answers the server's elicitation/create (form mode): the message and
    // the requested schema; declares the elicitation capability when set.
    std::function<Task<ElicitResult>(std::string message, Json requested_schema)> on_elicitation = nullptr;
    // Fills in, before an accepted elicitation answer goes back, every field
    // the answer left out that the schema gives a default (SEP-1034).
    bool apply_elicitation_defaults = true;
    // Answers the server's sampling/createMessage (its params as sent; the
    // result: role, content, model, stopReason); declares sampling when set.
    std::function<Task<Json>(Json params)> on_sampling = nullptr;
    // Extra client capabilities to declare (roots, ... need handlers this
    // client does not have: leave empty unless you add them).
    Json capabilities = Json::object();
};

// The defaults an elicitation schema gives its properties: {"name": "John Doe", ...}.
Json elicitation_defaults(const Json& requested_schema);

struct CallOptions {
    ProgressCallback on_progress = nullptr;
};

struct AgentToolOptions {
    // Progress of any call: the tool's name and the notification.
    std::function<void(const std::string& tool, const Progress& progress)> on_progress = nullptr;
    // Timeout, retries, concurrency limit of each tool (agent::ToolOptions);
    // strict mode is off: a server's schemas are not written for it.
    ToolOptions tool = {.timeout = std::nullopt, .retry = {.max_retries = 0}, .max_concurrency = 0, .blocking = false,
                        .strict = false};
};

class Client {
public:
    // Takes a transport, runs the handshake; the connection is ready when it returns.
    // (Two overloads rather than `options = {}`: g++ 12 copies a default
    // aggregate argument built in a calling coroutine bitwise, and a string
    // in it would point into the caller's frame.)
    static Task<Client> connect(std::unique_ptr<Transport> transport);
    static Task<Client> connect(std::unique_ptr<Transport> transport, ClientOptions options);

    const std::string& protocol_version() const noexcept;
    const Json& server_info() const noexcept;          // {"name": ..., "version": ...}
    const Json& server_capabilities() const noexcept;
    const std::string& instructions() const noexcept;  // empty when none
    const std::string& peer() const noexcept;

    Task<ToolPage> list_tools_page(std::optional<std::string> cursor = std::nullopt);
    Task<std::vector<ToolInfo>> list_tools();
    Task<CallToolResult> call_tool(std::string name, Json arguments = Json::object(), CallOptions options = {});

    // Resources and prompts, every page (a server without the capability has
    // none: the list is empty, no request is sent).
    Task<std::vector<ResourceInfo>> list_resources();
    Task<std::vector<ResourceTemplateInfo>> list_resource_templates();
    Task<std::vector<ResourceContents>> read_resource(std::string uri);
    Task<std::vector<PromptInfo>> list_prompts();
    Task<PromptResult> get_prompt(std::string name, std::map<std::string, std::string> arguments = {});
    Task<> set_logging_level(std::string level);
    Task<> ping();
    // Any other request, for what this class does not wrap.
    Task<Json> request(std::string method, Json params = Json::object(), RequestOptions options = {});

    Task<std::vector<Tool>> agent_tools(AgentToolOptions options = {});

    bool is_open() const noexcept;
    Task<> close();

    struct State;

private:
    explicit Client(std::shared_ptr<State> state) : state_(std::move(state)) {}
    std::shared_ptr<State> state_;
};

}  // namespace agentio::agent::mcp
