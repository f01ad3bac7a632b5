// server.cpp: the handlers of one server session: lifecycle, tools/list, tools/call, logging.
//
// Invariants:
// - The tools and options are immutable once the Server is built and shared
//   (shared_ptr to const) by every session, so a session may outlive the
//   Server object that made it.
// - Each session has its own lifecycle flag; handlers are plain lambdas that
//   forward to coroutine functions taking their state by value (no capture
//   lives in a coroutine frame that could outlive it).
#include "agentio/agent/mcp/server.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <stdexcept>
#include <unordered_map>

#include "agentio/agent/mcp/pipe_transport.hpp"
#include "agentio/agent/mcp/protocol.hpp"

namespace agentio::agent::mcp {

struct Server::State {
    std::vector<Tool> tools;
    std::unordered_map<std::string, std::size_t> index;  // name -> position in tools
    ServerOptions options;
};

namespace {

struct Lifecycle {
    bool initialized = false;  // initialize was answered
    std::string log_level = "info";
};

// Cursors are opaque to clients; ours carry the offset of the next page
// behind a prefix, so that a cursor from elsewhere is told apart.
constexpr std::string_view kCursorPrefix = "agentio-tools:";

std::string cursor_for(std::size_t offset) { return std::string(kCursorPrefix) + std::to_string(offset); }

std::size_t offset_of(const Json& cursor, std::size_t tool_count) {
    const auto invalid = [&] { return RpcError(error_code::invalid_params, "invalid cursor: " + cursor.dump()); };
    if (!cursor.is_string()) throw invalid();
    const std::string& text = cursor.get_ref<const std::string&>();
    if (!text.starts_with(kCursorPrefix)) throw invalid();
    std::size_t offset = 0;
    const char* first = text.data() + kCursorPrefix.size();
    const char* last = text.data() + text.size();
    const auto [end, error] = std::from_chars(first, last, offset);
    if (error != std::errc() || end != last || first == last || offset > tool_count) throw invalid();
    return offset;
}

Json tool_entry(const Tool& tool) {
    Json entry = {{"name", tool.name()}, {"inputSchema", tool.parameters()}};
    if (!tool.description().empty()) entry["description"] = tool.description();
    return entry;
}

Json initialize_result(const Server::State& server, const std::string& version) {
    Json capabilities = Json::object();
    capabilities["tools"] = {{"listChanged", false}};
    capabilities["logging"] = Json::object();
    Json result = {{"protocolVersion", version},
                   {"capabilities", std::move(capabilities)},
                   {"serverInfo", {{"name", server.options.name}, {"version", server.options.version}}}};
    if (!server.options.instructions.empty()) result["instructions"] = server.options.instructions;
    return result;
}

void require_initialized(const Lifecycle& lifecycle, const std::string& method) {
    if (!lifecycle.initialized)
        throw RpcError(error_code::invalid_request, method + " before initialize: the session is not initialized yet");
}

Task<Json> handle_initialize(std::shared_ptr<const Server::State> server, std::shared_ptr<Lifecycle> lifecycle,
                             Json params) {
    if (lifecycle->initialized) throw RpcError(error_code::invalid_request, "initialize: the session is already initialized");
    const auto requested = params.find("protocolVersion");
    if (requested == params.end() || !requested->is_string())
        throw RpcError(error_code::invalid_params, "initialize: params.protocolVersion must be a string");
    const std::string& asked = requested->get_ref<const std::string&>();
    const std::string version = is_supported_protocol_version(asked) ? asked : std::string(latest_protocol_version);
    lifecycle->initialized = true;
    co_return initialize_result(*server, version);
}

Task<Json> handle_list(std::shared_ptr<const Server::State> server, std::shared_ptr<Lifecycle> lifecycle,
                       Json params) {
    require_initialized(*lifecycle, "tools/list");
    const std::size_t count = server->tools.size();
    std::size_t offset = 0;
    if (const auto cursor = params.find("cursor"); cursor != params.end() && !cursor->is_null())
        offset = offset_of(*cursor, count);
    const std::size_t end = std::min(count, offset + server->options.page_size);
    Json tools = Json::array();
    for (std::size_t i = offset; i < end; ++i) tools.push_back(tool_entry(server->tools[i]));
    Json result = {{"tools", std::move(tools)}};
    if (end < count) result["nextCursor"] = cursor_for(end);
    co_return result;
}

Task<Json> handle_call(std::shared_ptr<const Server::State> server, std::shared_ptr<Lifecycle> lifecycle,
                       Json params) {
    require_initialized(*lifecycle, "tools/call");
    const auto name = params.find("name");
    if (name == params.end() || !name->is_string())
        throw RpcError(error_code::invalid_params, "tools/call: params.name must be a string");
    const auto found = server->index.find(name->get_ref<const std::string&>());
    if (found == server->index.end())
        throw RpcError(error_code::invalid_params, "Unknown tool: " + name->get<std::string>());
    std::string arguments = "{}";
    if (const auto given = params.find("arguments"); given != params.end() && !given->is_null()) {
        if (!given->is_object()) throw RpcError(error_code::invalid_params, "tools/call: params.arguments must be an object");
        arguments = given->dump();
    }
    const Tool& tool = server->tools[found->second];
    ToolResult outcome = co_await tool.invoke(arguments);
    Json content = Json::array();
    content.push_back({{"type", "text"}, {"text", std::move(outcome.content)}});
    co_return Json{{"content", std::move(content)}, {"isError", outcome.is_error}};
}

Task<Json> handle_set_level(std::shared_ptr<Lifecycle> lifecycle, Json params) {
    require_initialized(*lifecycle, "logging/setLevel");
    static constexpr std::array<std::string_view, 8> kLevels = {"debug", "info", "notice", "warning",
                                                                "error", "critical", "alert", "emergency"};
    const auto level = params.find("level");
    if (level == params.end() || !level->is_string() ||
        std::find(kLevels.begin(), kLevels.end(), level->get_ref<const std::string&>()) == kLevels.end())
        throw RpcError(error_code::invalid_params,
                       "logging/setLevel: params.level must be one of debug, info, notice, warning, error, "
                       "critical, alert, emergency");
    lifecycle->log_level = level->get<std::string>();
    co_return Json::object();
}

}  // namespace

Server::Server(std::vector<Tool> tools, ServerOptions options) {
    if (options.page_size == 0) throw std::invalid_argument("mcp::Server: page_size must be at least 1");
    auto state = std::make_shared<State>();
    for (std::size_t i = 0; i < tools.size(); ++i) {
        if (!state->index.emplace(tools[i].name(), i).second)
            throw std::invalid_argument("mcp::Server: two tools are named '" + tools[i].name() + "'");
    }
    state->tools = std::move(tools);
    state->options = std::move(options);
    state_ = std::move(state);
}

Session Server::session(std::unique_ptr<Transport> transport) const {
    // A client that sends garbage gets -32700 and may go on: a server does
    // not hang up on a client's mistake.
    Session session(std::move(transport), SessionOptions{.fail_on_garbage = false});
    auto lifecycle = std::make_shared<Lifecycle>();
    std::shared_ptr<const State> server = state_;
    session.on_request("initialize", [server, lifecycle](Json params, RequestContext&) {
        return handle_initialize(server, lifecycle, std::move(params));
    });
    session.on_request("tools/list", [server, lifecycle](Json params, RequestContext&) {
        return handle_list(server, lifecycle, std::move(params));
    });
    session.on_request("tools/call", [server, lifecycle](Json params, RequestContext&) {
        return handle_call(server, lifecycle, std::move(params));
    });
    session.on_request("logging/setLevel",
                       [lifecycle](Json params, RequestContext&) { return handle_set_level(lifecycle, std::move(params)); });
    session.on_notification("notifications/initialized", [](const Json&) {});
    return session;
}

Task<> Server::serve(std::unique_ptr<Transport> transport) const {
    Session session = this->session(std::move(transport));
    session.start();
    // Cancelled here, the Session's destructor stops its reader and handlers.
    co_await session.closed();
    Task<> closing = session.close();
    co_await std::move(closing);
}

Task<> Server::serve_stdio() const {
    std::unique_ptr<Transport> transport = PipeTransport::stdio();
    Task<> serving = serve(std::move(transport));
    co_await std::move(serving);
}

const ServerOptions& Server::options() const noexcept { return state_->options; }
const std::vector<Tool>& Server::tools() const noexcept { return state_->tools; }

}  // namespace agentio::agent::mcp
