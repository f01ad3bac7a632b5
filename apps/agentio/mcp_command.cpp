// mcp_command.cpp: `agentio mcp`, a look at an MCP server from the shell,
// what a user reaches for when wiring a server into an agent:
//
//     agentio mcp inspect http://127.0.0.1:3001/mcp            # tools (with schemas), resources, prompts
//     agentio mcp inspect --stdio "npx -y @modelcontextprotocol/server-everything"
//     agentio mcp call http://127.0.0.1:3001/mcp echo '{"message":"hi"}'
//     agentio mcp call --stdio "./my_server" add '{"a":2,"b":3}' --json
//
// A server is a Streamable HTTP URL or, with --stdio, a command started as a
// child process (split on spaces; quotes group words). `call` exits 1 when
// the tool reports an error (isError), as a failed request does.
#include <fmt/core.h>

#include <memory>
#include <string>
#include <vector>

#include "agentio/agent/mcp/client.hpp"
#include "agentio/agent/mcp/http_client_transport.hpp"
#include "agentio/agent/mcp/process_transport.hpp"
#include "agentio/core/run.hpp"
#include "command_words.hpp"
#include "commands.hpp"

namespace agentio::cli {
namespace {

namespace mcp = agent::mcp;
using agent::Json;

struct McpFlags {
    std::string stdio;                 // a command line, or empty for a URL
    std::vector<std::string> words;    // [URL] then the subcommand's own words
    std::vector<std::string> headers;  // "Name: value", for HTTP
    bool json = false;
};

// The transport the flags name; `words` loses its URL when it had one.
std::unique_ptr<mcp::Transport> open_transport(McpFlags& flags) {
    if (!flags.stdio.empty()) {
        mcp::ProcessOptions options;
        options.command = split_command(flags.stdio, "--stdio");
        options.capture_stderr = true;
        return mcp::ProcessTransport::spawn(std::move(options));
    }
    if (flags.words.empty()) throw CLI::ValidationError("server", "name a server: a URL, or --stdio \"COMMAND\"");
    mcp::HttpClientOptions options;
    options.url = flags.words.front();
    flags.words.erase(flags.words.begin());
    for (const std::string& header : flags.headers) {
        const std::size_t colon = header.find(':');
        if (colon == std::string::npos || colon == 0)
            throw CLI::ValidationError("--header", "'" + header + "' is not \"Name: value\"");
        std::string value = header.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        options.headers.set(header.substr(0, colon), value);
    }
    return std::make_unique<mcp::HttpClientTransport>(std::move(options));
}

Task<mcp::Client> connect(std::unique_ptr<mcp::Transport> transport) {
    mcp::ClientOptions options;
    options.name = "agentio-cli";
    Task<mcp::Client> connecting = mcp::Client::connect(std::move(transport), std::move(options));
    co_return co_await std::move(connecting);
}

std::string one_line(std::string text) {
    for (char& c : text)
        if (c == '\n' || c == '\r') c = ' ';
    return text;
}

void print_inspection(const mcp::Client& client, const std::vector<mcp::ToolInfo>& tools,
                      const std::vector<mcp::ResourceInfo>& resources,
                      const std::vector<mcp::ResourceTemplateInfo>& templates, const std::vector<mcp::PromptInfo>& prompts) {
    fmt::print("server: {} {} (MCP {})\n", client.server_info().value("name", "?"), client.server_info().value("version", "?"),
               client.protocol_version());
    if (!client.instructions().empty()) fmt::print("instructions: {}\n", one_line(client.instructions()));
    fmt::print("\ntools ({}):\n", tools.size());
    for (const mcp::ToolInfo& tool : tools) {
        fmt::print("  {}{}\n", tool.name, tool.description.empty() ? "" : " - " + one_line(tool.description));
        fmt::print("    input: {}\n", tool.input_schema.dump());
    }
    fmt::print("\nresources ({}):\n", resources.size());
    for (const mcp::ResourceInfo& resource : resources)
        fmt::print("  {} ({}{}){}\n", resource.uri, resource.name, resource.mime_type.empty() ? "" : ", " + resource.mime_type,
                   resource.description.empty() ? "" : " - " + one_line(resource.description));
    fmt::print("\nresource templates ({}):\n", templates.size());
    for (const mcp::ResourceTemplateInfo& entry : templates)
        fmt::print("  {} ({}){}\n", entry.uri_template, entry.name,
                   entry.description.empty() ? "" : " - " + one_line(entry.description));
    fmt::print("\nprompts ({}):\n", prompts.size());
    for (const mcp::PromptInfo& prompt : prompts) {
        std::string arguments;
        for (const mcp::PromptArgument& argument : prompt.arguments)
            arguments += (arguments.empty() ? "" : ", ") + argument.name + (argument.required ? "*" : "");
        fmt::print("  {}({}){}\n", prompt.name, arguments, prompt.description.empty() ? "" : " - " + one_line(prompt.description));
    }
}

Task<int> inspect(McpFlags flags) {
    std::unique_ptr<mcp::Transport> transport = open_transport(flags);
    if (!flags.words.empty()) throw CLI::ValidationError("inspect", "unexpected '" + flags.words.front() + "'");
    Task<mcp::Client> connecting = connect(std::move(transport));
    mcp::Client client = co_await std::move(connecting);
    Task<std::vector<mcp::ToolInfo>> listing_tools = client.list_tools();
    const std::vector<mcp::ToolInfo> tools = co_await std::move(listing_tools);
    Task<std::vector<mcp::ResourceInfo>> listing_resources = client.list_resources();
    const std::vector<mcp::ResourceInfo> resources = co_await std::move(listing_resources);
    Task<std::vector<mcp::ResourceTemplateInfo>> listing_templates = client.list_resource_templates();
    const std::vector<mcp::ResourceTemplateInfo> templates = co_await std::move(listing_templates);
    Task<std::vector<mcp::PromptInfo>> listing_prompts = client.list_prompts();
    const std::vector<mcp::PromptInfo> prompts = co_await std::move(listing_prompts);
    if (flags.json) {
        Json out = {{"server", client.server_info()}, {"protocolVersion", client.protocol_version()}};
        out["tools"] = Json::array();
        for (const mcp::ToolInfo& tool : tools) out["tools"].push_back(tool.to_json());
        out["resources"] = Json::array();
        for (const mcp::ResourceInfo& resource : resources) out["resources"].push_back(resource.to_json());
        out["resourceTemplates"] = Json::array();
        for (const mcp::ResourceTemplateInfo& entry : templates) out["resourceTemplates"].push_back(entry.to_json());
        out["prompts"] = Json::array();
        for (const mcp::PromptInfo& prompt : prompts) out["prompts"].push_back(prompt.to_json());
        fmt::print("{}\n", out.dump(2));
    } else {
        print_inspection(client, tools, resources, templates, prompts);
    }
    co_await client.close();
    co_return exit_done;
}

Task<int> call(McpFlags flags) {
    std::unique_ptr<mcp::Transport> transport = open_transport(flags);
    if (flags.words.empty() || flags.words.size() > 2)
        throw CLI::ValidationError("call", "give the tool's name and, optionally, its arguments as a JSON object");
    Json arguments = Json::object();
    if (flags.words.size() == 2) {
        try {
            arguments = Json::parse(flags.words[1]);
        } catch (const std::exception& e) {
            throw CLI::ValidationError("arguments", std::string("not JSON: ") + e.what());
        }
        if (!arguments.is_object()) throw CLI::ValidationError("arguments", "must be a JSON object, got " + arguments.dump());
    }
    Task<mcp::Client> connecting = connect(std::move(transport));
    mcp::Client client = co_await std::move(connecting);
    Task<mcp::CallToolResult> calling = client.call_tool(flags.words[0], std::move(arguments));
    const mcp::CallToolResult result = co_await std::move(calling);
    co_await client.close();
    if (flags.json) fmt::print("{}\n", result.to_json().dump(2));
    else fmt::print("{}\n", result.for_model());
    co_return result.is_error ? exit_some_failed : exit_done;
}

int run_mcp(const McpFlags& flags, bool inspecting) {
    try {
        return agentio::run(inspecting ? inspect(flags) : call(flags));
    } catch (const CLI::ValidationError& e) {
        fmt::print(stderr, "agentio mcp: {}\n", e.what());
        return exit_bad_usage;
    }
}

Subcommand add_mcp_command(CLI::App& app) {
    auto flags = std::make_shared<McpFlags>();
    CLI::App* sub = app.add_subcommand("mcp", "Look at an MCP server: list what it offers, call a tool");
    sub->require_subcommand(1);
    const auto common = [&](CLI::App* command) {
        command->add_option("--stdio", flags->stdio, "Start this command and speak MCP on its stdin/stdout");
        command->add_option("--header", flags->headers, "An HTTP header for every request (\"Authorization: Bearer ...\")");
        command->add_flag("--json", flags->json, "Print JSON instead of text");
    };
    CLI::App* inspect_command = sub->add_subcommand("inspect", "List the server's tools (with input schemas), resources and prompts");
    inspect_command->add_option("server", flags->words, "The server's Streamable HTTP URL (or use --stdio)");
    common(inspect_command);
    CLI::App* call_command = sub->add_subcommand("call", "Call one tool and print its result");
    call_command->add_option("words", flags->words, "[URL] TOOL [ARGUMENTS-JSON]")->required();
    common(call_command);
    return {sub, [flags, inspect_command] { return run_mcp(*flags, inspect_command->parsed()); },
            {"agentio mcp inspect http://127.0.0.1:3001/mcp", "agentio mcp call --stdio \"./server\" add '{\"a\":2,\"b\":3}'"}};
}

const Registration mcp_registration{70, add_mcp_command};

}  // namespace
}  // namespace agentio::cli
