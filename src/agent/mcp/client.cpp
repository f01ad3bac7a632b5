// client.cpp: the MCP handshake, the tool requests and the agent-tool adapter.
//
// The State outlives every handle and agent tool that uses it (shared_ptr);
// re-initializing after a session expiry swaps nothing but the negotiated
// fields, so tools made before keep working.
#include "agentio/agent/mcp/client.hpp"

#include <set>

#include "agentio/core/capture.hpp"

namespace agentio::agent::mcp {

struct Client::State {
    explicit State(std::unique_ptr<Transport> transport) : session(std::move(transport)) {}
    Session session;
    ClientOptions options;
    std::string protocol_version;
    Json server_info = Json::object();
    Json server_capabilities = Json::object();
    std::string instructions;

    Task<> initialize() {
        Json capabilities = options.capabilities;
        if (options.on_elicitation) capabilities["elicitation"] = Json::object();
        if (options.on_sampling) capabilities["sampling"] = Json::object();
        Json params = {{"protocolVersion", options.protocol_version},
                       {"capabilities", std::move(capabilities)},
                       {"clientInfo", {{"name", options.name}, {"version", options.version}}}};
        // Every request below is named before it is awaited: g++ 12 leaks the
        // temporaries of a co_await expression that throws (here the
        // request's frame, and with it the whole session).
        Task<Json> asking = session.request("initialize", std::move(params));
        Json result = co_await std::move(asking);
        if (!result.is_object() || !result.contains("protocolVersion") || !result["protocolVersion"].is_string())
            throw ProtocolError(session.peer() + ": the initialize result has no protocolVersion: " + result.dump());
        const std::string version = result["protocolVersion"].get<std::string>();
        // 2025-03-26 too: what a client uses of it is the same (servers that
        // send JSON-RPC batches, which it allowed, are rare).
        if (!is_supported_protocol_version(version) && version != "2025-03-26")
            throw ProtocolError(session.peer() + " speaks MCP revision " + version + ", which this client does not (it speaks " +
                                std::string(supported_protocol_versions[0]) + ", " +
                                std::string(supported_protocol_versions[1]) + " and 2025-03-26)");
        protocol_version = version;
        if (result.contains("serverInfo") && result["serverInfo"].is_object()) server_info = result["serverInfo"];
        if (result.contains("capabilities") && result["capabilities"].is_object())
            server_capabilities = result["capabilities"];
        if (result.contains("instructions") && result["instructions"].is_string())
            instructions = result["instructions"].get<std::string>();
        session.transport().set_protocol_version(protocol_version);
        Task<> notifying = session.notify("notifications/initialized");
        co_await std::move(notifying);
    }

    // A request, sent again once in a new session if the server forgot ours.
    Task<Json> request(std::string method, Json params, RequestOptions options) {
        try {
            Task<Json> asking = session.request(method, params, options);
            co_return co_await std::move(asking);
        } catch (const SessionExpired&) {
        }
        co_await initialize();
        Task<Json> again = session.request(std::move(method), std::move(params), std::move(options));
        co_return co_await std::move(again);
    }
};

namespace {

Task<Json> answer_elicitation(std::function<Task<ElicitResult>(std::string, Json)> handler, bool apply_defaults,
                              std::string peer, Json params) {
    const auto message = params.find("message");
    const auto schema = params.find("requestedSchema");
    if (message == params.end() || !message->is_string() || schema == params.end() || !schema->is_object())
        throw RpcError(error_code::invalid_params,
                       "elicitation/create: params.message must be a string and params.requestedSchema an object");
    Task<ElicitResult> asking = handler(message->get<std::string>(), *schema);
    ElicitResult answer = co_await std::move(asking);
    if (answer.action == "accept" && apply_defaults) {
        if (!answer.content.is_object()) answer.content = Json::object();
        const Json defaults = elicitation_defaults(*schema);
        for (const auto& [field, value] : defaults.items())
            if (!answer.content.contains(field)) answer.content[field] = value;
    }
    if (answer.action != "accept" && answer.action != "decline" && answer.action != "cancel")
        throw RpcError(error_code::internal_error, "the elicitation handler answered '" + answer.action + "' to " + peer +
                                                       " (accept, decline or cancel)");
    co_return answer.to_json();
}

}  // namespace

Json elicitation_defaults(const Json& requested_schema) {
    Json defaults = Json::object();
    const auto properties = requested_schema.find("properties");
    if (properties == requested_schema.end() || !properties->is_object()) return defaults;
    for (const auto& [name, property] : properties->items())
        if (property.is_object() && property.contains("default")) defaults[name] = property["default"];
    return defaults;
}

Task<Client> Client::connect(std::unique_ptr<Transport> transport) { return connect(std::move(transport), ClientOptions{}); }

Task<Client> Client::connect(std::unique_ptr<Transport> transport, ClientOptions options) {
    auto state = std::make_shared<State>(std::move(transport));
    state->options = std::move(options);
    if (state->options.on_log) {
        state->session.on_notification("notifications/message", [log = state->options.on_log](const Json& params) {
            LogMessage message;
            message.level = params.value("level", "");
            message.logger = params.value("logger", "");
            message.data = params.contains("data") ? params["data"] : Json();
            log(message);
        });
    }
    if (state->options.on_elicitation) {
        state->session.on_request("elicitation/create",
                                  [handler = state->options.on_elicitation, defaults = state->options.apply_elicitation_defaults,
                                   peer = state->session.peer()](Json params, RequestContext&) {
                                      return answer_elicitation(handler, defaults, peer, std::move(params));
                                  });
    }
    if (state->options.on_sampling) {
        state->session.on_request("sampling/createMessage", [handler = state->options.on_sampling](Json params, RequestContext&) {
            return handler(std::move(params));
        });
    }
    state->session.start();
    Task<> initializing = state->initialize();
    Outcome<void> handshake = co_await capture(std::move(initializing));
    if (!handshake) {
        // Cancelled: the Session's destructor stops the reader and the
        // transport goes with it; no await may follow a cancellation here.
        if (!handshake.cancelled()) co_await state->session.close();
        handshake.value();
    }
    co_return Client(std::move(state));
}

const std::string& Client::protocol_version() const noexcept { return state_->protocol_version; }
const Json& Client::server_info() const noexcept { return state_->server_info; }
const Json& Client::server_capabilities() const noexcept { return state_->server_capabilities; }
const std::string& Client::instructions() const noexcept { return state_->instructions; }
const std::string& Client::peer() const noexcept { return state_->session.peer(); }
bool Client::is_open() const noexcept { return state_->session.is_open(); }

Task<Json> Client::request(std::string method, Json params, RequestOptions options) {
    const std::shared_ptr<State> state = state_;
    Task<Json> asking = state->request(std::move(method), std::move(params), std::move(options));
    co_return co_await std::move(asking);
}

Task<ToolPage> Client::list_tools_page(std::optional<std::string> cursor) {
    const std::shared_ptr<State> state = state_;
    Json params = Json::object();
    if (cursor) params["cursor"] = *cursor;
    Task<Json> asking = state->request("tools/list", std::move(params), {});
    const Json result = co_await std::move(asking);
    const std::string& peer = state->session.peer();
    if (!result.is_object() || !result.contains("tools") || !result["tools"].is_array())
        throw ProtocolError(peer + ": the tools/list result has no \"tools\" array");
    ToolPage page;
    for (const Json& entry : result["tools"]) page.tools.push_back(ToolInfo::from_json(entry, peer));
    if (result.contains("nextCursor") && result["nextCursor"].is_string())
        page.next_cursor = result["nextCursor"].get<std::string>();
    co_return page;
}

Task<CallToolResult> Client::call_tool(std::string name, Json arguments, CallOptions options) {
    const std::shared_ptr<State> state = state_;
    Json params = {{"name", std::move(name)}, {"arguments", std::move(arguments)}};
    RequestOptions request_options;
    request_options.on_progress = std::move(options.on_progress);
    Task<Json> asking = state->request("tools/call", std::move(params), std::move(request_options));
    Json result = co_await std::move(asking);
    co_return CallToolResult::from_json(std::move(result), state->session.peer());
}

namespace {

// Every entry of a paged list (`method`, its entries under `key`), read as
// `Info`; none when the server did not declare `capability` (null: ask anyway).
template <class Info>
Task<std::vector<Info>> list_all(std::shared_ptr<Client::State> state, const char* capability, std::string method,
                                 std::string key) {
    std::vector<Info> infos;
    if (capability != nullptr && !state->server_capabilities.contains(capability)) co_return infos;
    const std::string& peer = state->session.peer();
    std::set<std::string> cursors_seen;
    Json params = Json::object();
    for (;;) {
        Task<Json> asking = state->request(method, params, {});
        const Json result = co_await std::move(asking);
        const auto list = result.find(key);
        if (!result.is_object() || list == result.end() || !list->is_array())
            throw ProtocolError(peer + ": the " + method + " result has no \"" + key + "\" array");
        for (const Json& entry : *list) infos.push_back(Info::from_json(entry, peer));
        const auto next = result.find("nextCursor");
        if (next == result.end() || !next->is_string()) break;
        if (!cursors_seen.insert(next->get<std::string>()).second)
            throw ProtocolError(peer + ": " + method + " returned the cursor " + next->dump() + " twice");
        params["cursor"] = *next;
    }
    co_return infos;
}

}  // namespace

Task<std::vector<ToolInfo>> Client::list_tools() { return list_all<ToolInfo>(state_, nullptr, "tools/list", "tools"); }

Task<std::vector<ResourceInfo>> Client::list_resources() {
    return list_all<ResourceInfo>(state_, "resources", "resources/list", "resources");
}

Task<std::vector<ResourceTemplateInfo>> Client::list_resource_templates() {
    return list_all<ResourceTemplateInfo>(state_, "resources", "resources/templates/list", "resourceTemplates");
}

Task<std::vector<PromptInfo>> Client::list_prompts() {
    return list_all<PromptInfo>(state_, "prompts", "prompts/list", "prompts");
}

Task<std::vector<ResourceContents>> Client::read_resource(std::string uri) {
    const std::shared_ptr<State> state = state_;
    Json params = {{"uri", std::move(uri)}};
    Task<Json> asking = state->request("resources/read", std::move(params), {});
    const Json result = co_await std::move(asking);
    const auto contents = result.find("contents");
    if (!result.is_object() || contents == result.end() || !contents->is_array())
        throw ProtocolError(peer() + ": the resources/read result has no \"contents\" array");
    std::vector<ResourceContents> read;
    for (const Json& entry : *contents) read.push_back(ResourceContents::from_json(entry, peer()));
    co_return read;
}

Task<PromptResult> Client::get_prompt(std::string name, std::map<std::string, std::string> arguments) {
    const std::shared_ptr<State> state = state_;
    Json params = {{"name", std::move(name)}, {"arguments", arguments}};
    Task<Json> asking = state->request("prompts/get", std::move(params), {});
    const Json result = co_await std::move(asking);
    co_return PromptResult::from_json(result, peer());
}

Task<> Client::set_logging_level(std::string level) {
    const std::shared_ptr<State> state = state_;
    Json params = {{"level", std::move(level)}};
    Task<Json> asking = state->request("logging/setLevel", std::move(params), {});
    co_await std::move(asking);
}

Task<> Client::ping() {
    const std::shared_ptr<State> state = state_;
    Task<Json> asking = state->request("ping", Json::object(), {});
    co_await std::move(asking);
}

Task<std::vector<Tool>> Client::agent_tools(AgentToolOptions options) {
    const std::vector<ToolInfo> infos = co_await list_tools();
    std::vector<Tool> tools;
    tools.reserve(infos.size());
    for (const ToolInfo& info : infos) {
        auto function = [client = *this, name = info.name, on_progress = options.on_progress](Json arguments) mutable
            -> Task<ToolResult> {
            CallOptions call;
            if (on_progress) call.on_progress = [&on_progress, &name](const Progress& p) { on_progress(name, p); };
            const CallToolResult result = co_await client.call_tool(name, std::move(arguments), std::move(call));
            co_return ToolResult{result.for_model(), result.is_error};
        };
        tools.emplace_back(info.name, info.description, info.input_schema, std::move(function), options.tool);
    }
    co_return tools;
}

Task<> Client::close() {
    const std::shared_ptr<State> state = state_;
    co_await state->session.close();
}

}  // namespace agentio::agent::mcp
