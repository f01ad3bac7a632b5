// The MCP client over Streamable HTTP against the official reference server
// (server-everything in its streamableHttp mode, on a free loopback port):
// session id, protocol version header, SSE answers, get-sum, echo, progress,
// cancellation mid-operation, DELETE on close. (Session expiry is not tested
// here: this server answers an unknown session 400, not the spec's 404.)
// Real clock, every wait bounded.
#include <agentio/agent/mcp/client.hpp>
#include <agentio/agentio.hpp>
#include <gtest/gtest.h>

#include "integration/mcp_support.hpp"

using namespace agentio;
using namespace agentio::itest;
using namespace agentio::agent::mcp;
using namespace std::chrono_literals;

namespace {

class McpEverythingHttpTest : public ::testing::Test {
protected:
    void SetUp() override {
        const std::string missing = everything_missing();
        ASSERT_TRUE(missing.empty()) << missing;
        server_ = std::make_unique<EverythingHttp>();
    }
    std::unique_ptr<HttpClientTransport> transport() {
        HttpClientOptions options;
        options.url = server_->url();
        options.name = "everything";
        return std::make_unique<HttpClientTransport>(options);
    }
    std::unique_ptr<EverythingHttp> server_;
};

}  // namespace

TEST_F(McpEverythingHttpTest, TheHandshakeGetsASessionAndToolsAnswer) {
    run([](std::unique_ptr<HttpClientTransport> transport) -> Task<> {
        HttpClientTransport* wire = transport.get();
        Task<Client> connecting = Client::connect(std::move(transport));
        Client client = co_await wait_for(std::move(connecting), 30s);
        EXPECT_TRUE(is_supported_protocol_version(client.protocol_version()));
        EXPECT_FALSE(wire->session_id().empty());
        const std::vector<ToolInfo> tools = co_await wait_for(client.list_tools(), 30s);
        EXPECT_GE(tools.size(), 3u);
        const CallToolResult sum = co_await wait_for(client.call_tool("get-sum", sum_arguments(2, 3)), 30s);
        EXPECT_EQ(sum.text(), "The sum of 2 and 3 is 5.");
        Json message = {{"message", "over http"}};
        const CallToolResult echo = co_await wait_for(client.call_tool("echo", message), 30s);
        EXPECT_EQ(echo.text(), "Echo: over http");
        co_await wait_for(client.close(), 30s);
    }(transport()));
}

TEST_F(McpEverythingHttpTest, TheLongRunningOperationStreamsItsProgress) {
    run([](std::unique_ptr<HttpClientTransport> transport) -> Task<> {
        Task<Client> connecting = Client::connect(std::move(transport));
        Client client = co_await wait_for(std::move(connecting), 30s);
        std::vector<double> steps;
        CallOptions options;
        options.on_progress = [&](const Progress& progress) { steps.push_back(progress.progress); };
        const CallToolResult result = co_await wait_for(
            client.call_tool("trigger-long-running-operation", long_run_arguments(0.3, 3), options), 30s);
        EXPECT_NE(result.text().find("Long running operation completed"), std::string::npos) << result.text();
        EXPECT_EQ(steps, (std::vector<double>{1, 2, 3}));
        co_await wait_for(client.close(), 30s);
    }(transport()));
}

TEST_F(McpEverythingHttpTest, CancellingACallMidOperationLeavesTheSessionUsable) {
    run([](std::unique_ptr<HttpClientTransport> transport) -> Task<> {
        Task<Client> connecting = Client::connect(std::move(transport));
        Client client = co_await wait_for(std::move(connecting), 30s);
        Event first_step;
        CallOptions options;
        options.on_progress = [&](const Progress&) { first_step.set(); };
        auto call = create_task(client.call_tool("trigger-long-running-operation", long_run_arguments(60, 600), options));
        co_await wait_for(first_step.wait(), 30s);
        call.cancel();
        bool cancelled = false;
        try {
            co_await shield(call);
        } catch (const CancelledError&) {
            cancelled = true;
        }
        EXPECT_TRUE(cancelled);
        const CallToolResult sum = co_await wait_for(client.call_tool("get-sum", sum_arguments(40, 2)), 30s);
        EXPECT_EQ(sum.text(), "The sum of 40 and 2 is 42.");
        co_await wait_for(client.close(), 30s);
    }(transport()));
}

TEST_F(McpEverythingHttpTest, TheServersToolsWorkAsAgentToolsOverHttp) {
    run([](std::unique_ptr<HttpClientTransport> transport) -> Task<> {
        Task<Client> connecting = Client::connect(std::move(transport));
        Client client = co_await wait_for(std::move(connecting), 30s);
        const std::vector<agent::Tool> tools = co_await wait_for(client.agent_tools(), 30s);
        for (const agent::Tool& tool : tools) {
            if (tool.name() != "echo") continue;
            const agent::ToolResult result = co_await wait_for(tool.invoke(R"({"message":"tool"})"), 30s);
            EXPECT_EQ(result.content, "Echo: tool");
        }
        co_await wait_for(client.close(), 30s);
    }(transport()));
}
