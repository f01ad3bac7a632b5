// server.cpp: registration, the session's lifecycle (initialize, logging
// level) and what a handler's ServerContext does.
//
// Invariants:
// - Each session has its own ClientState; handlers are plain lambdas that
//   forward to coroutine functions taking their state by value (no capture
//   lives in a coroutine frame that could outlive it).
// - The server's state is shared by every session it made, so a session may
//   outlive the Server object that made it.
#include "agentio/agent/mcp/server.hpp"

#include <algorithm>
#include <stdexcept>

#include "agentio/agent/mcp/content.hpp"
#include "agentio/agent/mcp/pipe_transport.hpp"
#include "server_state.hpp"

namespace agentio::agent::mcp {

using detail::Client;
using detail::ClientState;
using detail::ServerState;

namespace {

Json initialize_result(const Server::State& server, const std::string& version) {
    Json capabilities = Json::object();
    capabilities["tools"] = {{"listChanged", false}};
    if (!server.resources.empty() || !server.templates.empty())
        capabilities["resources"] = {{"subscribe", true}, {"listChanged", false}};
    if (!server.prompts.empty()) capabilities["prompts"] = {{"listChanged", false}};
    if (!server.prompts.empty() || !server.templates.empty()) capabilities["completions"] = Json::object();
    capabilities["logging"] = Json::object();
    Json result = {{"protocolVersion", version},
                   {"capabilities", std::move(capabilities)},
                   {"serverInfo", {{"name", server.options.name}, {"version", server.options.version}}}};
    if (!server.options.instructions.empty()) result["instructions"] = server.options.instructions;
    return result;
}

Task<Json> initialize(ServerState server, Client client, Json params) {
    if (client->initialized) throw RpcError(error_code::invalid_request, "initialize: the session is already initialized");
    const auto requested = params.find("protocolVersion");
    if (requested == params.end() || !requested->is_string())
        throw RpcError(error_code::invalid_params, "initialize: params.protocolVersion must be a string");
    const std::string& asked = requested->get_ref<const std::string&>();
    client->protocol_version = is_supported_protocol_version(asked) ? asked : std::string(latest_protocol_version);
    if (const auto capabilities = params.find("capabilities"); capabilities != params.end() && capabilities->is_object())
        client->capabilities = *capabilities;
    if (const auto info = params.find("clientInfo"); info != params.end() && info->is_object()) client->info = *info;
    client->initialized = true;
    co_return initialize_result(*server, client->protocol_version);
}

Task<Json> set_level(Client client, Json params) {
    const auto level = params.find("level");
    const std::optional<LogLevel> parsed =
        level != params.end() && level->is_string() ? parse_log_level(level->get_ref<const std::string&>()) : std::nullopt;
    if (!parsed)
        throw RpcError(error_code::invalid_params,
                       "logging/setLevel: params.level must be one of debug, info, notice, warning, error, "
                       "critical, alert, emergency");
    client->log_level = *parsed;
    co_return Json::object();
}

using Handler = Task<Json> (*)(ServerState, Client, Json, RequestContext&);

// The methods a session answers once initialized.
constexpr std::pair<const char*, Handler> kHandlers[] = {
    {"tools/list", detail::list_tools},
    {"tools/call", detail::call_tool},
    {"resources/list", detail::list_resources},
    {"resources/templates/list", detail::list_resource_templates},
    {"resources/read", detail::read_resource},
    {"resources/subscribe", detail::subscribe},
    {"resources/unsubscribe", detail::unsubscribe},
    {"prompts/list", detail::list_prompts},
    {"prompts/get", detail::get_prompt},
    {"completion/complete", detail::complete},
};

void require_initialized(const ClientState& client, const std::string& method) {
    if (!client.initialized)
        throw RpcError(error_code::invalid_request, method + " before initialize: the session is not initialized yet");
}

template <class Index>
void claim(Index& index, const std::string& key, std::size_t position, const char* what) {
    if (key.empty()) throw std::invalid_argument(std::string("mcp::Server: a ") + what + " needs a name");
    if (!index.emplace(key, position).second)
        throw std::invalid_argument(std::string("mcp::Server: two ") + what + "s are named '" + key + "'");
}

// An agent tool over MCP: its validation and limits apply; what it returns is text.
Task<CallToolResult> run_agent_tool(Tool tool, Json arguments) {
    ToolResult outcome = co_await tool.invoke_parsed(std::move(arguments));
    CallToolResult result;
    result.content.push_back(content::text(std::move(outcome.content)));
    result.is_error = outcome.is_error;
    co_return result;
}

}  // namespace

Server::Server(ServerOptions options) : state_(std::make_shared<State>()) {
    if (options.page_size == 0) throw std::invalid_argument("mcp::Server: page_size must be at least 1");
    state_->options = std::move(options);
}

Server::Server(std::vector<Tool> tools, ServerOptions options) : Server(std::move(options)) {
    for (Tool& tool : tools) add_tool(std::move(tool));
}

void Server::add_tool(Tool tool) {
    ToolInfo info;
    info.name = tool.name();
    info.description = tool.description();
    info.input_schema = tool.parameters();
    add_tool(std::move(info), [tool](Json arguments, ServerContext&) { return run_agent_tool(tool, std::move(arguments)); });
}

void Server::add_tool(ToolInfo info, ToolHandler handler) {
    claim(state_->tool_index, info.name, state_->tools.size(), "tool");
    state_->tools.push_back({std::move(info), std::move(handler)});
}

void Server::add_resource(ResourceInfo info, ResourceReader reader) {
    claim(state_->resource_index, info.uri, state_->resources.size(), "resource");
    state_->resources.push_back({std::move(info), std::move(reader)});
}

void Server::add_resource_template(ResourceTemplateInfo info, TemplateReader reader,
                                   std::map<std::string, Completer> completers) {
    const bool taken = std::any_of(state_->templates.begin(), state_->templates.end(),
                                   [&](const State::TemplateEntry& entry) { return entry.info.uri_template == info.uri_template; });
    if (taken) throw std::invalid_argument("mcp::Server: the resource template '" + info.uri_template + "' is added twice");
    state_->templates.push_back({std::move(info), std::move(reader), std::move(completers)});
}

void Server::add_prompt(PromptInfo info, PromptHandler handler, std::map<std::string, Completer> completers) {
    claim(state_->prompt_index, info.name, state_->prompts.size(), "prompt");
    state_->prompts.push_back({std::move(info), std::move(handler), std::move(completers)});
}

void Server::notify_resource_updated(const std::string& uri) const {
    for (const std::weak_ptr<ClientState>& weak : state_->clients) {
        const Client client = weak.lock();
        if (client && client->subscriptions.contains(uri))
            client->notify("notifications/resources/updated", {{"uri", uri}});
    }
}

Session Server::session(std::unique_ptr<Transport> transport) const {
    // A client that sends garbage gets -32700 and may go on: a server does
    // not hang up on a client's mistake.
    Session session(std::move(transport), SessionOptions{.fail_on_garbage = false});
    auto client = std::make_shared<ClientState>();
    client->peer = session.peer();
    client->notify = session.notifier();
    std::erase_if(state_->clients, [](const std::weak_ptr<ClientState>& weak) { return weak.expired(); });
    state_->clients.push_back(client);

    ServerState server = state_;
    session.on_request("initialize", [server, client](Json params, RequestContext&) {
        return initialize(server, client, std::move(params));
    });
    session.on_request("logging/setLevel", [client](Json params, RequestContext&) {
        require_initialized(*client, "logging/setLevel");
        return set_level(client, std::move(params));
    });
    for (const auto& [method, handler] : kHandlers) {
        session.on_request(method, [server, client, method = std::string(method), handler = handler](
                                       Json params, RequestContext& request) {
            require_initialized(*client, method);
            return handler(server, client, std::move(params), request);
        });
    }
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

// ---- ServerContext ----

const Json& ServerContext::client_capabilities() const noexcept { return client_->capabilities; }
const Json& ServerContext::client_info() const noexcept { return client_->info; }
const std::string& ServerContext::protocol_version() const noexcept { return client_->protocol_version; }

bool ServerContext::client_supports(std::string_view capability) const {
    const auto found = client_->capabilities.find(std::string(capability));
    return found != client_->capabilities.end() && !found->is_null();
}

Task<> ServerContext::log(LogLevel level, Json data, std::string logger) {
    if (level < client_->log_level) co_return;
    Json params = {{"level", to_string(level)}, {"data", std::move(data)}};
    if (!logger.empty()) params["logger"] = std::move(logger);
    try {
        Task<> sending = request_.notify("notifications/message", std::move(params));
        co_await std::move(sending);
    } catch (const std::exception&) {
        // Logging is advisory: a client gone away hears of nothing anyway.
    }
}

Task<> ServerContext::report_progress(double progress, std::optional<double> total, std::string message) {
    Task<> reporting = request_.report_progress(progress, total, std::move(message));
    co_await std::move(reporting);
}

Task<Json> ServerContext::create_message(Json params) {
    if (!client_supports("sampling"))
        throw ProtocolError(client_->peer + " did not declare the sampling capability: it cannot be asked for "
                                            "sampling/createMessage");
    Task<Json> asking = request_.request("sampling/createMessage", std::move(params));
    co_return co_await std::move(asking);
}

Task<ElicitResult> ServerContext::elicit(std::string message, Json requested_schema) {
    if (!client_supports("elicitation"))
        throw ProtocolError(client_->peer + " did not declare the elicitation capability: it cannot be asked for "
                                            "elicitation/create");
    Json params = {{"message", std::move(message)}, {"requestedSchema", std::move(requested_schema)}};
    Task<Json> asking = request_.request("elicitation/create", std::move(params));
    Json answer = co_await std::move(asking);
    co_return ElicitResult::from_json(answer, client_->peer);
}

void ServerContext::close_stream() { request_.close_stream(); }

}  // namespace agentio::agent::mcp
