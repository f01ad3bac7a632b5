// server_state.hpp: what an mcp::Server holds, and what each of its sessions
// knows about its client; shared by server.cpp (lifecycle, registration) and
// server_requests.cpp (the request handlers).
#pragma once

#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "agentio/agent/mcp/server.hpp"

namespace agentio::agent::mcp {

namespace detail {

struct ClientState {
    std::string peer;
    bool initialized = false;  // initialize was answered
    std::string protocol_version;
    Json capabilities = Json::object();
    Json info = Json::object();
    LogLevel log_level = LogLevel::info;
    std::set<std::string> subscriptions;  // resource uris
    Session::Notifier notify;             // for what no request asked for
};

}  // namespace detail

struct Server::State {
    struct ToolEntry {
        ToolInfo info;
        ToolHandler handler;
    };
    struct ResourceEntry {
        ResourceInfo info;
        ResourceReader reader;
    };
    struct TemplateEntry {
        ResourceTemplateInfo info;
        TemplateReader reader;
        std::map<std::string, Completer> completers;
    };
    struct PromptEntry {
        PromptInfo info;
        PromptHandler handler;
        std::map<std::string, Completer> completers;
    };

    ServerOptions options;
    std::vector<ToolEntry> tools;
    std::unordered_map<std::string, std::size_t> tool_index;  // name -> position
    std::vector<ResourceEntry> resources;
    std::unordered_map<std::string, std::size_t> resource_index;  // uri -> position
    std::vector<TemplateEntry> templates;
    std::vector<PromptEntry> prompts;
    std::unordered_map<std::string, std::size_t> prompt_index;  // name -> position
    // Every session's client, for notify_resource_updated(); dead ones are
    // pruned as new sessions start.
    std::vector<std::weak_ptr<detail::ClientState>> clients;
};

namespace detail {

using ServerState = std::shared_ptr<Server::State>;
using Client = std::shared_ptr<ClientState>;

// The handlers of server_requests.cpp, one per method; each may assume the
// session is initialized (the caller checked).
Task<Json> list_tools(ServerState server, Client client, Json params, RequestContext& request);
Task<Json> call_tool(ServerState server, Client client, Json params, RequestContext& request);
Task<Json> list_resources(ServerState server, Client client, Json params, RequestContext& request);
Task<Json> list_resource_templates(ServerState server, Client client, Json params, RequestContext& request);
Task<Json> read_resource(ServerState server, Client client, Json params, RequestContext& request);
Task<Json> subscribe(ServerState server, Client client, Json params, RequestContext& request);
Task<Json> unsubscribe(ServerState server, Client client, Json params, RequestContext& request);
Task<Json> list_prompts(ServerState server, Client client, Json params, RequestContext& request);
Task<Json> get_prompt(ServerState server, Client client, Json params, RequestContext& request);
Task<Json> complete(ServerState server, Client client, Json params, RequestContext& request);

}  // namespace detail

}  // namespace agentio::agent::mcp
