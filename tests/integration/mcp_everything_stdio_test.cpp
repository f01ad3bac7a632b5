// The MCP client over stdio against the official reference server
// (@modelcontextprotocol/server-everything, pinned): handshake, tools/list,
// get-sum, echo, the long-running operation with progress, cancellation in
// the middle of it, and the server's tools as agent tools. Real clock, every
// wait bounded.
#include <agentio/agent/mcp/client.hpp>
#include <agentio/agentio.hpp>
#include <gtest/gtest.h>

#include <algorithm>

#include "integration/mcp_support.hpp"

using namespace agentio;
using namespace agentio::itest;
using namespace agentio::agent::mcp;
using namespace std::chrono_literals;

namespace {

class McpEverythingStdioTest : public ::testing::Test {
protected:
    void SetUp() override {
        const std::string missing = everything_missing();
        ASSERT_TRUE(missing.empty()) << missing;
    }
};

bool has_tool(const std::vector<ToolInfo>& tools, const std::string& name) {
    return std::any_of(tools.begin(), tools.end(), [&](const ToolInfo& tool) { return tool.name == name; });
}

// One statement per await: g++ 12 mishandles temporaries that live across a
// co_await in one full expression.
Task<Client> start_everything() {
    std::unique_ptr<Transport> transport = ProcessTransport::spawn(everything_stdio());
    Task<Client> connecting = Client::connect(std::move(transport));
    Client client = co_await wait_for(std::move(connecting), 30s);
    co_return client;
}

}  // namespace

TEST_F(McpEverythingStdioTest, TheHandshakeAgreesOnARevisionAndListsTheTools) {
    run([]() -> Task<> {
        Client client = co_await start_everything();
        EXPECT_TRUE(is_supported_protocol_version(client.protocol_version())) << client.protocol_version();
        EXPECT_FALSE(client.server_info().value("name", "").empty());
        const std::vector<ToolInfo> tools = co_await wait_for(client.list_tools(), 30s);
        EXPECT_TRUE(has_tool(tools, "get-sum"));
        EXPECT_TRUE(has_tool(tools, "echo"));
        EXPECT_TRUE(has_tool(tools, "trigger-long-running-operation"));
        co_await client.close();
    }());
}

TEST_F(McpEverythingStdioTest, GetSumAndEchoAnswerWithText) {
    run([]() -> Task<> {
        Client client = co_await start_everything();
        const CallToolResult sum = co_await wait_for(client.call_tool("get-sum", sum_arguments(2, 3)), 30s);
        EXPECT_FALSE(sum.is_error);
        EXPECT_EQ(sum.text(), "The sum of 2 and 3 is 5.");
        Json message = {{"message", "héllo"}};
        const CallToolResult echo = co_await wait_for(client.call_tool("echo", message), 30s);
        EXPECT_EQ(echo.text(), "Echo: héllo");
        co_await client.close();
    }());
}

TEST_F(McpEverythingStdioTest, AnUnknownToolOrBadArgumentsAreReportedNotHung) {
    run([]() -> Task<> {
        Client client = co_await start_everything();
        bool refused = false;
        try {
            const CallToolResult result = co_await wait_for(client.call_tool("no-such-tool"), 30s);
            refused = result.is_error;  // older revisions answer with a tool error
        } catch (const RpcError& error) {
            refused = true;
            EXPECT_NE(std::string(error.what()).find("mcp server 'everything'"), std::string::npos);
        }
        EXPECT_TRUE(refused);
        Json wrong = {{"a", "two"}};
        bool bad_arguments = false;
        try {
            bad_arguments = (co_await wait_for(client.call_tool("get-sum", wrong), 30s)).is_error;
        } catch (const RpcError&) {
            bad_arguments = true;
        }
        EXPECT_TRUE(bad_arguments);
        co_await client.close();
    }());
}

TEST_F(McpEverythingStdioTest, TheLongRunningOperationReportsProgressStepByStep) {
    run([]() -> Task<> {
        Client client = co_await start_everything();
        std::vector<double> steps;
        CallOptions options;
        options.on_progress = [&](const Progress& progress) {
            steps.push_back(progress.progress);
            EXPECT_EQ(progress.total, 3.0);
        };
        const CallToolResult result =
            co_await wait_for(client.call_tool("trigger-long-running-operation", long_run_arguments(0.3, 3), options), 30s);
        EXPECT_FALSE(result.is_error);
        EXPECT_NE(result.text().find("Long running operation completed"), std::string::npos) << result.text();
        EXPECT_EQ(steps, (std::vector<double>{1, 2, 3}));
        co_await client.close();
    }());
}

TEST_F(McpEverythingStdioTest, CancellingACallMidOperationStopsWaitingAndTheConnectionGoesOn) {
    run([]() -> Task<> {
        Client client = co_await start_everything();
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
        // The server took the notification in stride and still answers.
        const CallToolResult sum = co_await wait_for(client.call_tool("get-sum", sum_arguments(20, 22)), 30s);
        EXPECT_EQ(sum.text(), "The sum of 20 and 22 is 42.");
        co_await client.close();
    }());
}

TEST_F(McpEverythingStdioTest, TheServersToolsBecomeAgentToolsUnchanged) {
    run([]() -> Task<> {
        Client client = co_await start_everything();
        const std::vector<agent::Tool> tools = co_await wait_for(client.agent_tools(), 30s);
        const std::vector<ToolInfo> infos = co_await client.list_tools();
        EXPECT_EQ(tools.size(), infos.size());
        const auto sum = std::find_if(tools.begin(), tools.end(), [](const agent::Tool& t) { return t.name() == "get-sum"; });
        EXPECT_NE(sum, tools.end());
        if (sum != tools.end()) {
            const auto info = std::find_if(infos.begin(), infos.end(), [](const ToolInfo& t) { return t.name == "get-sum"; });
            EXPECT_EQ(sum->parameters(), info->input_schema);
            EXPECT_EQ(sum->description(), info->description);
            const agent::ToolResult result = co_await wait_for(sum->invoke(R"({"a":1,"b":2})"), 30s);
            EXPECT_FALSE(result.is_error);
            EXPECT_EQ(result.content, "The sum of 1 and 2 is 3.");
        }
        co_await client.close();
    }());
}

TEST_F(McpEverythingStdioTest, CloseEndsTheServerProcess) {
    run([]() -> Task<> {
        auto transport = ProcessTransport::spawn(everything_stdio());
        ProcessTransport* process = transport.get();
        Task<Client> connecting = Client::connect(std::move(transport));
        Client client = co_await wait_for(std::move(connecting), 30s);
        co_await wait_for(client.close(), 30s);
        EXPECT_TRUE(process->wait_status().has_value());
    }());
}
