// server.hpp: one server session against a scripted client: the lifecycle,
// version negotiation, paged tools/list, tools/call and its errors,
// cancellation, logging; then our own client against it in memory.
#include <agentio/agent/mcp/client.hpp>
#include <agentio/agent/mcp/server.hpp>
#include <gtest/gtest.h>

#include <stdexcept>

#include "agent/mcp_test_support.hpp"
#include "core/test_support.hpp"

using namespace agentio;
using namespace agentio::testkit;
using namespace agentio::agent::mcp;
using namespace std::chrono_literals;

namespace {

struct AddArgs {
    int a = 0;
    int b = 0;
    static auto describe() {
        return agent::fields(agent::field("a", &AddArgs::a, "first term"), agent::field("b", &AddArgs::b, "second term"));
    }
};

struct Probe {
    int started = 0;
    int finished = 0;
};

std::vector<agent::Tool> test_tools(std::shared_ptr<Probe> probe) {
    std::vector<agent::Tool> tools;
    tools.push_back(agent::Tool::from("add", "Adds two integers",
                                      [](AddArgs args) -> Task<std::string> { co_return std::to_string(args.a + args.b); }));
    tools.push_back(agent::Tool::from("slow", "Takes ten seconds", [probe]() -> Task<std::string> {
        ++probe->started;
        co_await sleep(10s);
        ++probe->finished;
        co_return "done";
    }));
    tools.push_back(agent::Tool::from("fail", "Always fails", []() -> Task<std::string> {
        throw std::runtime_error("the disk is full");
        co_return "";
    }));
    return tools;
}

// Messages are built outside the coroutines: g++ 12 cannot compile braced
// JSON literals inside a co_await expression.
Json request(int id, const std::string& method, Json params = Json::object()) {
    return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

Json notification(const std::string& method, Json params = Json::object()) {
    return {{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}};
}

Json initialize_params(const std::string& version) {
    return {{"protocolVersion", version},
            {"capabilities", Json::object()},
            {"clientInfo", {{"name", "scripted"}, {"version", "1"}}}};
}

Json call_params(const std::string& name, Json arguments) {
    return {{"name", name}, {"arguments", std::move(arguments)}};
}

// A server session on one end of a memory link and the scripted client at the other.
struct Fixture {
    std::shared_ptr<Probe> probe = std::make_shared<Probe>();
    Server server;
    Session session;
    RawPeer client;

    explicit Fixture(ServerOptions options = {}, std::pair<std::unique_ptr<MemoryTransport>, RawPeer> link = memory_peer())
        : server(test_tools(probe), std::move(options)),
          session(server.session(std::move(link.first))),
          client(std::move(link.second)) {
        session.start();
    }

    Task<Json> ask(Json message) {
        co_await client.write(message);
        co_return co_await client.read();
    }

    Task<> initialize() {
        Json answer = co_await ask(request(0, "initialize", initialize_params("2025-11-25")));
        EXPECT_TRUE(answer.contains("result")) << answer.dump();
        co_await client.write(notification("notifications/initialized"));
    }
};

}  // namespace

TEST(McpServerTest, InitializeAnswersTheRequestedRevisionWithServerInfoAndToolsCapability) {
    run_virtual([]() -> Task<> {
        Fixture fixture({.name = "calc", .version = "2.1", .instructions = "Use add for sums."});
        Json answer = co_await fixture.ask(request(1, "initialize", initialize_params("2025-06-18")));
        EXPECT_EQ(answer["id"], 1);
        const Json& result = answer["result"];
        EXPECT_EQ(result["protocolVersion"], "2025-06-18");
        EXPECT_EQ(result["serverInfo"]["name"], "calc");
        EXPECT_EQ(result["serverInfo"]["version"], "2.1");
        EXPECT_EQ(result["instructions"], "Use add for sums.");
        EXPECT_EQ(result["capabilities"]["tools"]["listChanged"], false);
        EXPECT_TRUE(result["capabilities"].contains("logging"));
        co_await fixture.session.close();
    }());
}

TEST(McpServerTest, AnUnknownRequestedRevisionIsAnsweredWithOurLatest) {
    run_virtual([]() -> Task<> {
        Fixture fixture;
        Json answer = co_await fixture.ask(request(1, "initialize", initialize_params("2024-01-01")));
        EXPECT_EQ(answer["result"]["protocolVersion"], std::string(latest_protocol_version));
        co_await fixture.session.close();
    }());
}

TEST(McpServerTest, RequestsBeforeInitializeAreRefusedButPingIsAnswered) {
    run_virtual([]() -> Task<> {
        Fixture fixture;
        Json refused = co_await fixture.ask(request(1, "tools/list"));
        EXPECT_EQ(refused["error"]["code"], error_code::invalid_request);
        EXPECT_NE(refused["error"]["message"].get<std::string>().find("tools/list before initialize"), std::string::npos);
        Json pong = co_await fixture.ask(request(2, "ping"));
        EXPECT_EQ(pong["result"], Json::object());
        co_await fixture.session.close();
    }());
}

TEST(McpServerTest, ASecondInitializeIsRefused) {
    run_virtual([]() -> Task<> {
        Fixture fixture;
        co_await fixture.initialize();
        Json again = co_await fixture.ask(request(1, "initialize", initialize_params("2025-11-25")));
        EXPECT_EQ(again["error"]["code"], error_code::invalid_request);
        co_await fixture.session.close();
    }());
}

TEST(McpServerTest, ToolsListIsPagedWithCursorsUntilTheLastPage) {
    run_virtual([]() -> Task<> {
        Fixture fixture({.page_size = 2});
        co_await fixture.initialize();
        Json first = co_await fixture.ask(request(1, "tools/list"));
        EXPECT_EQ(first["result"]["tools"].size(), 2u);
        EXPECT_EQ(first["result"]["tools"][0]["name"], "add");
        EXPECT_EQ(first["result"]["tools"][0]["description"], "Adds two integers");
        EXPECT_EQ(first["result"]["tools"][0]["inputSchema"]["properties"]["a"]["type"], "integer");
        EXPECT_EQ(first["result"]["tools"][1]["name"], "slow");
        EXPECT_TRUE(first["result"]["nextCursor"].is_string());
        const Json cursor = {{"cursor", first["result"]["nextCursor"]}};
        Json second = co_await fixture.ask(request(2, "tools/list", cursor));
        EXPECT_EQ(second["result"]["tools"].size(), 1u);
        EXPECT_EQ(second["result"]["tools"][0]["name"], "fail");
        EXPECT_FALSE(second["result"].contains("nextCursor"));
        co_await fixture.session.close();
    }());
}

TEST(McpServerTest, ACursorTheServerDidNotIssueIsInvalidParams) {
    run_virtual([]() -> Task<> {
        Fixture fixture;
        co_await fixture.initialize();
        for (const char* bad : {"bogus", "agentio-tools:99", "agentio-tools:", "agentio-tools:1x"}) {
            const Json params = {{"cursor", bad}};
            Json answer = co_await fixture.ask(request(1, "tools/list", params));
            EXPECT_EQ(answer["error"]["code"], error_code::invalid_params) << bad;
        }
        co_await fixture.session.close();
    }());
}

TEST(McpServerTest, ToolsCallAnswersTheToolsTextAsContent) {
    run_virtual([]() -> Task<> {
        Fixture fixture;
        co_await fixture.initialize();
        const Json arguments = {{"a", 2}, {"b", 40}};
        Json answer = co_await fixture.ask(request(7, "tools/call", call_params("add", arguments)));
        EXPECT_EQ(answer["id"], 7);
        const Json expected = Json::parse(R"({"content":[{"type":"text","text":"42"}],"isError":false})");
        EXPECT_EQ(answer["result"], expected);
        co_await fixture.session.close();
    }());
}

TEST(McpServerTest, ArgumentsThatFailTheSchemaAndFailingToolsComeBackAsToolErrors) {
    run_virtual([]() -> Task<> {
        Fixture fixture;
        co_await fixture.initialize();
        const Json wrong = {{"a", "two"}, {"b", 3}};
        Json invalid = co_await fixture.ask(request(1, "tools/call", call_params("add", wrong)));
        EXPECT_EQ(invalid["result"]["isError"], true);
        EXPECT_NE(invalid["result"]["content"][0]["text"].get<std::string>().find("a"), std::string::npos);
        Json failed = co_await fixture.ask(request(2, "tools/call", call_params("fail", Json::object())));
        EXPECT_EQ(failed["result"]["isError"], true);
        EXPECT_NE(failed["result"]["content"][0]["text"].get<std::string>().find("the disk is full"), std::string::npos);
        co_await fixture.session.close();
    }());
}

TEST(McpServerTest, AnUnknownToolOrAMissingNameIsInvalidParams) {
    run_virtual([]() -> Task<> {
        Fixture fixture;
        co_await fixture.initialize();
        Json unknown = co_await fixture.ask(request(1, "tools/call", call_params("nope", Json::object())));
        EXPECT_EQ(unknown["error"]["code"], error_code::invalid_params);
        EXPECT_EQ(unknown["error"]["message"], "Unknown tool: nope");
        Json unnamed = co_await fixture.ask(request(2, "tools/call", Json::object()));
        EXPECT_EQ(unnamed["error"]["code"], error_code::invalid_params);
        Json bad_arguments = co_await fixture.ask(request(3, "tools/call", call_params("add", Json::array())));
        EXPECT_EQ(bad_arguments["error"]["code"], error_code::invalid_params);
        co_await fixture.session.close();
    }());
}

TEST(McpServerTest, CancelledNotificationStopsTheToolAndNoAnswerIsSent) {
    run_virtual([]() -> Task<> {
        Fixture fixture;
        co_await fixture.initialize();
        co_await fixture.client.write(request(5, "tools/call", call_params("slow", Json::object())));
        co_await sleep(1s);
        EXPECT_EQ(fixture.probe->started, 1);
        const Json cancel = {{"requestId", 5}, {"reason", "the user gave up"}};
        co_await fixture.client.write(notification("notifications/cancelled", cancel));
        co_await sleep(20s);
        // The next thing the client reads is the answer to its ping, not to the call.
        Json pong = co_await fixture.ask(request(6, "ping"));
        EXPECT_EQ(pong["id"], 6);
        EXPECT_EQ(fixture.probe->finished, 0);
        co_await fixture.session.close();
    }());
}

TEST(McpServerTest, LoggingSetLevelAcceptsTheSpecLevelsOnly) {
    run_virtual([]() -> Task<> {
        Fixture fixture;
        co_await fixture.initialize();
        const Json good = {{"level", "warning"}};
        Json accepted = co_await fixture.ask(request(1, "logging/setLevel", good));
        EXPECT_EQ(accepted["result"], Json::object());
        const Json bad = {{"level", "loud"}};
        Json refused = co_await fixture.ask(request(2, "logging/setLevel", bad));
        EXPECT_EQ(refused["error"]["code"], error_code::invalid_params);
        co_await fixture.session.close();
    }());
}

TEST(McpServerTest, AnUnknownMethodIsMethodNotFound) {
    run_virtual([]() -> Task<> {
        Fixture fixture;
        co_await fixture.initialize();
        Json answer = co_await fixture.ask(request(1, "roots/list"));  // a client's method
        EXPECT_EQ(answer["error"]["code"], error_code::method_not_found);
        co_await fixture.session.close();
    }());
}

TEST(McpServerTest, TwoToolsWithOneNameOrAPageSizeOfZeroAreRefused) {
    auto probe = std::make_shared<Probe>();
    std::vector<agent::Tool> tools = test_tools(probe);
    tools.push_back(tools.front());
    EXPECT_THROW(Server(tools, {}), std::invalid_argument);
    EXPECT_THROW(Server(test_tools(probe), {.page_size = 0}), std::invalid_argument);
}

TEST(McpServerTest, OurClientListsAndCallsTheServersToolsAcrossPages) {
    run_virtual([]() -> Task<> {
        auto probe = std::make_shared<Probe>();
        Server server(test_tools(probe), {.name = "calc", .page_size = 1});
        auto link = memory_pair();
        Task<> serving_task = server.serve(std::move(link.second));
        auto serving = create_task(std::move(serving_task));
        Task<Client> connecting = Client::connect(std::move(link.first));
        Client client = co_await std::move(connecting);
        EXPECT_EQ(client.server_info()["name"], "calc");
        const std::vector<ToolInfo> tools = co_await client.list_tools();
        EXPECT_EQ(tools.size(), 3u);
        EXPECT_EQ(tools.back().name, "fail");
        const Json arguments = {{"a", 20}, {"b", 22}};
        const CallToolResult sum = co_await client.call_tool("add", arguments);
        EXPECT_EQ(sum.text(), "42");
        EXPECT_FALSE(sum.is_error);
        co_await client.close();
        co_await serving;  // the server ends when its client leaves
    }());
}
