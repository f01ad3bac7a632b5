// mcp_conformance_client.cpp: the MCP conformance suite's "everything
// client", written with agentio's public MCP client API.
//
//     MCP_CONFORMANCE_SCENARIO=tools_call mcp_conformance_client http://127.0.0.1:P/mcp
//
// The suite starts a server playing one scenario, then this program with the
// server's URL; MCP_CONFORMANCE_SCENARIO names the scenario and
// MCP_CONFORMANCE_CONTEXT (JSON), when set, carries what it needs (a
// pre-registered client's credentials). Every scenario is the same short
// session, with what the scenario tests switched on: connect (authorizing
// over OAuth when the server asks), list the tools, call the one the
// scenario names (or the first), close. Exit status 0 when it all worked;
// else 1 and the error on stderr.
//
// From tests/mcp-conformance:
//     conformance client --suite core --command build/release/bin/mcp_conformance_client
// (ctest runs the scenarios one at a time: tests/mcp-conformance/run_suite.sh)
#include <agentio/agent/mcp/client.hpp>
#include <agentio/agent/mcp/http_client_transport.hpp>
#include <agentio/agent/mcp/oauth.hpp>
#include <agentio/agentio.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

using namespace agentio;
using namespace std::chrono_literals;
namespace mcp = agentio::agent::mcp;
using agent::Json;

namespace {

// The URL the suite's authorization servers accept as a client id document (SEP-991).
constexpr const char* kClientMetadataUrl = "https://conformance-test.local/client-metadata.json";

std::string environment(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

// The browser's part of an authorization: the suite's authorization server
// redirects at once, so following its redirect stands in for the user.
Task<std::string> follow_redirect(std::string authorization_url) {
    http::Client http;
    http::ClientResponse response = co_await http.get(authorization_url);
    co_await response.text();
    const auto location = response.header("Location");
    if (response.status() / 100 != 3 || !location)
        throw std::runtime_error("the authorization endpoint did not redirect (HTTP " + std::to_string(response.status()) + ")");
    co_return std::string(*location);
}

mcp::HttpClientOptions transport_options(const std::string& url, const std::string& scenario) {
    mcp::HttpClientOptions options;
    options.url = url;
    options.name = scenario;
    if (scenario.starts_with("auth/")) {
        mcp::OAuthOptions oauth;
        oauth.client_name = "agentio-conformance-client";
        oauth.redirect_uri = "http://localhost:3000/callback";
        oauth.client_metadata_url = kClientMetadataUrl;
        oauth.authorize = follow_redirect;
        const std::string context = environment("MCP_CONFORMANCE_CONTEXT");
        if (!context.empty()) {
            const Json given = Json::parse(context);
            oauth.client_id = given.value("client_id", "");
            oauth.client_secret = given.value("client_secret", "");
        }
        options.oauth = std::make_shared<mcp::OAuth>(std::move(oauth));
    }
    return options;
}

mcp::ClientOptions client_options(const std::string& scenario) {
    mcp::ClientOptions options;
    options.name = "agentio-conformance-client";
    options.version = "1.0.0";
    if (scenario.starts_with("elicitation")) {
        // Accept with nothing typed in: the schema's defaults are the answer.
        options.on_elicitation = [](std::string message, Json) -> Task<mcp::ElicitResult> {
            std::cout << "elicitation: " << message << '\n';
            mcp::ElicitResult answer;
            answer.action = "accept";
            answer.content = Json::object();
            co_return answer;
        };
    }
    return options;
}

// The tool a scenario's server expects to be called, with its arguments.
std::pair<std::string, Json> tool_call_for(const std::string& scenario, const std::vector<mcp::ToolInfo>& tools) {
    if (scenario == "tools_call") return {"add_numbers", {{"a", 5}, {"b", 3}}};
    if (scenario == "initialize" || tools.empty()) return {"", nullptr};
    return {tools.front().name, Json::object()};
}

Task<> run_scenario(std::string url, std::string scenario) {
    mcp::HttpClientOptions transport = transport_options(url, scenario);
    mcp::ClientOptions options = client_options(scenario);
    auto http_transport = std::make_unique<mcp::HttpClientTransport>(std::move(transport));
    Task<mcp::Client> connecting = mcp::Client::connect(std::move(http_transport), std::move(options));
    mcp::Client client = co_await std::move(connecting);
    std::cout << "connected: " << client.server_info().dump() << " speaking " << client.protocol_version() << '\n';
    const std::vector<mcp::ToolInfo> tools = co_await client.list_tools();
    std::cout << "tools: " << tools.size() << '\n';
    const auto [name, arguments] = tool_call_for(scenario, tools);
    if (!name.empty()) {
        Task<mcp::CallToolResult> calling = client.call_tool(name, arguments);
        const mcp::CallToolResult result = co_await std::move(calling);
        std::cout << name << ": " << result.text() << (result.is_error ? " (error)" : "") << '\n';
    }
    co_await client.close();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: MCP_CONFORMANCE_SCENARIO=NAME mcp_conformance_client URL\n";
        return 2;
    }
    const std::string scenario = environment("MCP_CONFORMANCE_SCENARIO");
    try {
        agentio::run(run_scenario(argv[1], scenario));
    } catch (const std::exception& error) {
        std::cerr << "mcp_conformance_client (" << scenario << "): " << error.what() << '\n';
        return 1;
    }
    return 0;
}
