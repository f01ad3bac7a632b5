// server_requests.cpp: what an initialized server session answers: the lists,
// tools/call, resources/read and subscriptions, prompts/get, completion/complete.
//
// Invariants:
// - A handler copies the user's function out of the server's state before
//   calling it, so the function (and a coroutine lambda's captures) lives in
//   this frame for the whole call whatever is added to the server meanwhile.
#include <charconv>

#include "agentio/agent/mcp/content.hpp"
#include "server_state.hpp"

namespace agentio::agent::mcp::detail {

namespace {

// The spec's error for a resource that does not exist.
constexpr int kResourceNotFound = -32002;
// completion/complete sends at most this many values.
constexpr std::size_t kMaxCompletions = 100;

// Cursors are opaque to clients; ours carry the offset of the next page
// behind a prefix naming the list, so a cursor from elsewhere is told apart.
std::string cursor_for(std::string_view list, std::size_t offset) {
    return "agentio-" + std::string(list) + ":" + std::to_string(offset);
}

std::size_t offset_of(std::string_view list, const Json& cursor, std::size_t count) {
    const auto invalid = [&] { return RpcError(error_code::invalid_params, "invalid cursor: " + cursor.dump()); };
    if (!cursor.is_string()) throw invalid();
    const std::string& text = cursor.get_ref<const std::string&>();
    const std::string prefix = "agentio-" + std::string(list) + ":";
    if (!text.starts_with(prefix)) throw invalid();
    std::size_t offset = 0;
    const char* first = text.data() + prefix.size();
    const char* last = text.data() + text.size();
    const auto [end, error] = std::from_chars(first, last, offset);
    if (error != std::errc() || end != last || first == last || offset > count) throw invalid();
    return offset;
}

// One page of `entries` as {key: [...], nextCursor?}.
template <class Entry, class Describe>
Json page(const std::vector<Entry>& entries, const Json& params, std::size_t page_size, const char* key,
          Describe describe) {
    std::size_t offset = 0;
    if (const auto cursor = params.find("cursor"); cursor != params.end() && !cursor->is_null())
        offset = offset_of(key, *cursor, entries.size());
    const std::size_t end = std::min(entries.size(), offset + page_size);
    Json items = Json::array();
    for (std::size_t i = offset; i < end; ++i) items.push_back(describe(entries[i]));
    Json result = {{key, std::move(items)}};
    if (end < entries.size()) result["nextCursor"] = cursor_for(key, end);
    return result;
}

const std::string& string_param(const Json& params, const char* name, const char* method) {
    const auto found = params.find(name);
    if (found == params.end() || !found->is_string())
        throw RpcError(error_code::invalid_params, std::string(method) + ": params." + name + " must be a string");
    return found->get_ref<const std::string&>();
}

// An object of strings ({"arg1": "hello"}), as prompts and completions take them.
std::map<std::string, std::string> string_map(const Json& params, const char* name, const char* method) {
    std::map<std::string, std::string> values;
    const auto found = params.find(name);
    if (found == params.end() || found->is_null()) return values;
    if (!found->is_object())
        throw RpcError(error_code::invalid_params, std::string(method) + ": params." + name + " must be an object");
    for (const auto& [key, value] : found->items()) {
        if (!value.is_string())
            throw RpcError(error_code::invalid_params,
                           std::string(method) + ": params." + name + "." + key + " must be a string");
        values[key] = value.get<std::string>();
    }
    return values;
}

Json read_result(const std::vector<ResourceContents>& contents) {
    Json list = Json::array();
    for (const ResourceContents& item : contents) list.push_back(item.to_json());
    return {{"contents", std::move(list)}};
}

using ReadContents = std::function<Task<std::vector<ResourceContents>>(ServerContext&)>;

// What reads `uri`: its resource's reader, else that of the first template
// matching it, bound to the uri (and the template's variables).
ReadContents reader_for(const Server::State& server, const std::string& uri) {
    if (const auto found = server.resource_index.find(uri); found != server.resource_index.end())
        return [reader = server.resources[found->second].reader, uri](ServerContext& context) { return reader(uri, context); };
    for (const Server::State::TemplateEntry& entry : server.templates) {
        std::optional<UriVariables> variables = match_uri_template(entry.info.uri_template, uri);
        if (!variables) continue;
        return [reader = entry.reader, uri, variables = std::move(*variables)](ServerContext& context) {
            return reader(uri, variables, context);
        };
    }
    throw RpcError(kResourceNotFound, "Resource not found: " + uri, Json{{"uri", uri}});
}

// The completers of what a completion/complete `ref` names: a prompt's or a
// resource template's.
const std::map<std::string, Completer>& completers_for(const Server::State& server, const Json& ref) {
    const std::string& type = string_param(ref, "type", "completion/complete (ref)");
    if (type == "ref/prompt") {
        const std::string& name = string_param(ref, "name", "completion/complete (ref)");
        const auto found = server.prompt_index.find(name);
        if (found == server.prompt_index.end()) throw RpcError(error_code::invalid_params, "Unknown prompt: " + name);
        return server.prompts[found->second].completers;
    }
    if (type == "ref/resource") {
        const std::string& uri = string_param(ref, "uri", "completion/complete (ref)");
        for (const Server::State::TemplateEntry& entry : server.templates)
            if (entry.info.uri_template == uri) return entry.completers;
        throw RpcError(error_code::invalid_params, "Unknown resource template: " + uri);
    }
    throw RpcError(error_code::invalid_params, "completion/complete: unknown ref type '" + type + "'");
}

}  // namespace

Task<Json> list_tools(ServerState server, Client, Json params, RequestContext&) {
    co_return page(server->tools, params, server->options.page_size, "tools",
                   [](const Server::State::ToolEntry& entry) { return entry.info.to_json(); });
}

Task<Json> call_tool(ServerState server, Client client, Json params, RequestContext& request) {
    const std::string& name = string_param(params, "name", "tools/call");
    const auto found = server->tool_index.find(name);
    if (found == server->tool_index.end()) throw RpcError(error_code::invalid_params, "Unknown tool: " + name);
    Json arguments = Json::object();
    if (const auto given = params.find("arguments"); given != params.end() && !given->is_null()) {
        if (!given->is_object()) throw RpcError(error_code::invalid_params, "tools/call: params.arguments must be an object");
        arguments = std::move(*given);
    }
    const ToolHandler handler = server->tools[found->second].handler;
    ServerContext context(request, std::move(client));
    CallToolResult result;
    try {
        Task<CallToolResult> calling = handler(std::move(arguments), context);
        result = co_await std::move(calling);
    } catch (const RpcError&) {
        throw;
    } catch (const std::exception& error) {
        // A tool that fails tells the model why, as a result (SEP-1303).
        result = CallToolResult{};
        result.content.push_back(content::text(error.what()));
        result.is_error = true;
    }
    co_return std::move(result).to_json();
}

Task<Json> list_resources(ServerState server, Client, Json params, RequestContext&) {
    co_return page(server->resources, params, server->options.page_size, "resources",
                   [](const Server::State::ResourceEntry& entry) { return entry.info.to_json(); });
}

Task<Json> list_resource_templates(ServerState server, Client, Json params, RequestContext&) {
    co_return page(server->templates, params, server->options.page_size, "resourceTemplates",
                   [](const Server::State::TemplateEntry& entry) { return entry.info.to_json(); });
}

Task<Json> read_resource(ServerState server, Client client, Json params, RequestContext& request) {
    const ReadContents reader = reader_for(*server, string_param(params, "uri", "resources/read"));
    ServerContext context(request, std::move(client));
    Task<std::vector<ResourceContents>> reading = reader(context);
    co_return read_result(co_await std::move(reading));
}

Task<Json> subscribe(ServerState, Client client, Json params, RequestContext&) {
    client->subscriptions.insert(string_param(params, "uri", "resources/subscribe"));
    co_return Json::object();
}

Task<Json> unsubscribe(ServerState, Client client, Json params, RequestContext&) {
    client->subscriptions.erase(string_param(params, "uri", "resources/unsubscribe"));
    co_return Json::object();
}

Task<Json> list_prompts(ServerState server, Client, Json params, RequestContext&) {
    co_return page(server->prompts, params, server->options.page_size, "prompts",
                   [](const Server::State::PromptEntry& entry) { return entry.info.to_json(); });
}

Task<Json> get_prompt(ServerState server, Client client, Json params, RequestContext& request) {
    const std::string& name = string_param(params, "name", "prompts/get");
    const auto found = server->prompt_index.find(name);
    if (found == server->prompt_index.end()) throw RpcError(error_code::invalid_params, "Unknown prompt: " + name);
    std::map<std::string, std::string> arguments = string_map(params, "arguments", "prompts/get");
    const Server::State::PromptEntry& entry = server->prompts[found->second];
    for (const PromptArgument& argument : entry.info.arguments) {
        if (argument.required && !arguments.contains(argument.name))
            throw RpcError(error_code::invalid_params,
                           "prompts/get: prompt '" + name + "' needs the argument '" + argument.name + "'");
    }
    const PromptHandler handler = entry.handler;
    ServerContext context(request, std::move(client));
    Task<PromptResult> getting = handler(std::move(arguments), context);
    PromptResult result = co_await std::move(getting);
    co_return result.to_json();
}

Task<Json> complete(ServerState server, Client, Json params, RequestContext&) {
    const auto ref = params.find("ref");
    const auto argument = params.find("argument");
    if (ref == params.end() || !ref->is_object() || argument == params.end() || !argument->is_object())
        throw RpcError(error_code::invalid_params, "completion/complete: params.ref and params.argument must be objects");
    const std::map<std::string, Completer>& completers = completers_for(*server, *ref);
    const std::string& argument_name = string_param(*argument, "name", "completion/complete (argument)");
    std::string partial = argument->value("value", "");
    std::map<std::string, std::string> chosen;
    if (const auto context = params.find("context"); context != params.end() && context->is_object())
        chosen = string_map(*context, "arguments", "completion/complete (context)");
    std::vector<std::string> values;
    if (const auto found = completers.find(argument_name); found != completers.end()) {
        const Completer completer = found->second;
        Task<std::vector<std::string>> completing = completer(std::move(partial), std::move(chosen));
        values = co_await std::move(completing);
    }
    const std::size_t total = values.size();
    if (values.size() > kMaxCompletions) values.resize(kMaxCompletions);
    Json completion = {{"values", values}, {"total", total}, {"hasMore", total > kMaxCompletions}};
    co_return Json{{"completion", std::move(completion)}};
}

}  // namespace agentio::agent::mcp::detail
