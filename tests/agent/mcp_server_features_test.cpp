// server.hpp beyond tools: resources (templates, subscriptions), prompts,
// completions, and what a handler does with its client through ServerContext
// (log messages filtered by level, elicitation awaited mid-call), against a
// scripted client on a memory link.
#include <agentio/agent/mcp/content.hpp>
#include <agentio/agent/mcp/server.hpp>
#include <gtest/gtest.h>

#include <stdexcept>

#include "agent/mcp_test_support.hpp"
#include "core/test_support.hpp"

using namespace agentio;
using namespace agentio::testkit;
using namespace agentio::agent::mcp;
using namespace std::chrono_literals;

// A named namespace: the test files of one target are compiled in batches,
// where anonymous namespaces of two files meet.
namespace mcp_server_features {

// Messages are built outside the coroutines: g++ 12 cannot compile braced
// JSON literals inside a co_await expression.
Json request(int id, const std::string& method, Json params = Json::object()) {
    return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

Json initialize(Json capabilities) {
    Json params = {{"protocolVersion", "2025-11-25"},
                   {"capabilities", std::move(capabilities)},
                   {"clientInfo", {{"name", "scripted"}, {"version", "1"}}}};
    return request(0, "initialize", std::move(params));
}

const Json kIdsStartingWithAl = Json::parse(R"(["alice","albert"])");

Json response(const Json& id, Json result) { return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}}; }

ToolInfo tool_named(std::string name) {
    ToolInfo info;
    info.name = std::move(name);
    info.input_schema = {{"type", "object"}};
    return info;
}

Server features_server() {
    Server server({.name = "features"});
    server.add_resource({.uri = "docs://readme", .name = "readme", .mime_type = "text/markdown"},
                        [](std::string uri, ServerContext&) -> Task<std::vector<ResourceContents>> {
                            co_return std::vector{ResourceContents::of_text(uri, "# Read me", "text/markdown")};
                        });
    server.add_resource_template(
        {.uri_template = "users://{id}/profile", .name = "profile"},
        [](std::string uri, UriVariables variables, ServerContext&) -> Task<std::vector<ResourceContents>> {
            co_return std::vector{ResourceContents::of_text(uri, "profile of " + variables["id"])};
        },
        {{"id", [](std::string partial, std::map<std::string, std::string>) -> Task<std::vector<std::string>> {
              std::vector<std::string> ids;
              for (const char* id : {"alice", "albert", "bob"})
                  if (std::string_view(id).starts_with(partial)) ids.emplace_back(id);
              co_return ids;
          }}});
    server.add_prompt({.name = "greet", .description = "Greets someone", .arguments = {{"who", "Whom to greet", true}}},
                      [](std::map<std::string, std::string> arguments, ServerContext&) -> Task<PromptResult> {
                          PromptResult result;
                          result.messages.push_back({"user", content::text("Say hello to " + arguments["who"])});
                          co_return result;
                      });
    server.add_tool(tool_named("chatty"), [](Json, ServerContext& context) -> Task<CallToolResult> {
        co_await context.log(LogLevel::info, "an info line");
        co_await context.log(LogLevel::error, "an error line");
        CallToolResult result;
        result.content.push_back(content::text("said"));
        co_return result;
    });
    server.add_tool(tool_named("ask"), [](Json, ServerContext& context) -> Task<CallToolResult> {
        Json schema = {{"type", "object"}, {"properties", {{"name", {{"type", "string"}}}}}};
        ElicitResult answer = co_await context.elicit("Your name?", std::move(schema));
        CallToolResult result;
        result.content.push_back(content::text(answer.action + " " + answer.content.dump()));
        co_return result;
    });
    server.add_tool(tool_named("refuse"), [](Json, ServerContext&) -> Task<CallToolResult> {
        throw RpcError(error_code::invalid_params, "not like that");
        co_return CallToolResult{};
    });
    return server;
}

struct Fixture {
    Server server = features_server();
    Session session;
    RawPeer client;

    explicit Fixture(std::pair<std::unique_ptr<MemoryTransport>, RawPeer> link = memory_peer())
        : session(server.session(std::move(link.first))), client(std::move(link.second)) {
        session.start();
    }

    Task<Json> ask(Json message) {
        co_await client.write(message);
        co_return co_await client.read();
    }

    Task<Json> start(Json capabilities = Json::object()) {
        Json answer = co_await ask(initialize(std::move(capabilities)));
        co_return answer["result"];
    }
};

TEST(McpServerFeaturesTest, CapabilitiesNameWhatWasAdded) {
    run_virtual([]() -> Task<> {
        Fixture fixture;
        Json result = co_await fixture.start();
        const Json& capabilities = result["capabilities"];
        EXPECT_EQ(capabilities["resources"]["subscribe"], true);
        EXPECT_TRUE(capabilities.contains("prompts"));
        EXPECT_TRUE(capabilities.contains("completions"));
        EXPECT_TRUE(capabilities.contains("logging"));
        co_await fixture.session.close();
    }());
}

TEST(McpServerFeaturesTest, ResourcesAreReadByUriOrTemplateAndAnUnknownOneIsNotFound) {
    run_virtual([]() -> Task<> {
        Fixture fixture;
        co_await fixture.start();
        Json listed = co_await fixture.ask(request(1, "resources/list"));
        EXPECT_EQ(listed["result"]["resources"][0]["uri"], "docs://readme");
        EXPECT_EQ(listed["result"]["resources"][0]["mimeType"], "text/markdown");
        Json templates = co_await fixture.ask(request(2, "resources/templates/list"));
        EXPECT_EQ(templates["result"]["resourceTemplates"][0]["uriTemplate"], "users://{id}/profile");

        const Json readme_uri = {{"uri", "docs://readme"}};
        Json readme = co_await fixture.ask(request(3, "resources/read", readme_uri));
        EXPECT_EQ(readme["result"]["contents"][0]["text"], "# Read me");
        const Json profile_uri = {{"uri", "users://alice/profile"}};
        Json profile = co_await fixture.ask(request(4, "resources/read", profile_uri));
        EXPECT_EQ(profile["result"]["contents"][0]["text"], "profile of alice");
        EXPECT_EQ(profile["result"]["contents"][0]["uri"], "users://alice/profile");

        const Json missing_uri = {{"uri", "users://alice/photo"}};
        Json missing = co_await fixture.ask(request(5, "resources/read", missing_uri));
        EXPECT_EQ(missing["error"]["code"], -32002);
        EXPECT_EQ(missing["error"]["data"]["uri"], "users://alice/photo");
        co_await fixture.session.close();
    }());
}

TEST(McpServerFeaturesTest, OnlySubscribedSessionsHearOfAnUpdateUntilTheyUnsubscribe) {
    run_virtual([]() -> Task<> {
        Fixture fixture;
        co_await fixture.start();
        const Json uri = {{"uri", "docs://readme"}};
        Json subscribed = co_await fixture.ask(request(1, "resources/subscribe", uri));
        EXPECT_EQ(subscribed["result"], Json::object());
        fixture.server.notify_resource_updated("docs://other");  // nobody listens to this one
        fixture.server.notify_resource_updated("docs://readme");
        Json update = co_await fixture.client.read();
        EXPECT_EQ(update["method"], "notifications/resources/updated");
        EXPECT_EQ(update["params"]["uri"], "docs://readme");

        Json unsubscribed = co_await fixture.ask(request(2, "resources/unsubscribe", uri));
        EXPECT_EQ(unsubscribed["result"], Json::object());
        fixture.server.notify_resource_updated("docs://readme");
        // The next message is the ping's answer: no update came before it.
        Json pong = co_await fixture.ask(request(3, "ping"));
        EXPECT_EQ(pong["id"], 3);
        co_await fixture.session.close();
    }());
}

TEST(McpServerFeaturesTest, APromptNeedsItsRequiredArgumentsAndFillsThemIn) {
    run_virtual([]() -> Task<> {
        Fixture fixture;
        co_await fixture.start();
        const Json without = {{"name", "greet"}};
        Json refused = co_await fixture.ask(request(1, "prompts/get", without));
        EXPECT_EQ(refused["error"]["code"], error_code::invalid_params);
        EXPECT_NE(refused["error"]["message"].get<std::string>().find("'who'"), std::string::npos);
        const Json with = {{"name", "greet"}, {"arguments", {{"who", "Ada"}}}};
        Json prompt = co_await fixture.ask(request(2, "prompts/get", with));
        EXPECT_EQ(prompt["result"]["messages"][0]["role"], "user");
        EXPECT_EQ(prompt["result"]["messages"][0]["content"]["text"], "Say hello to Ada");
        const Json unknown = {{"name", "nope"}};
        Json missing = co_await fixture.ask(request(3, "prompts/get", unknown));
        EXPECT_EQ(missing["error"]["code"], error_code::invalid_params);
        co_await fixture.session.close();
    }());
}

TEST(McpServerFeaturesTest, CompletionAsksTheArgumentsCompleterAndIsEmptyWithoutOne) {
    run_virtual([]() -> Task<> {
        Fixture fixture;
        co_await fixture.start();
        const Json of_template = {{"ref", {{"type", "ref/resource"}, {"uri", "users://{id}/profile"}}},
                                  {"argument", {{"name", "id"}, {"value", "al"}}}};
        Json ids = co_await fixture.ask(request(1, "completion/complete", of_template));
        EXPECT_EQ(ids["result"]["completion"]["values"], kIdsStartingWithAl);
        EXPECT_EQ(ids["result"]["completion"]["hasMore"], false);
        const Json of_prompt = {{"ref", {{"type", "ref/prompt"}, {"name", "greet"}}},
                                {"argument", {{"name", "who"}, {"value", "A"}}}};
        Json none = co_await fixture.ask(request(2, "completion/complete", of_prompt));
        EXPECT_EQ(none["result"]["completion"]["values"], Json::array());
        co_await fixture.session.close();
    }());
}

TEST(McpServerFeaturesTest, LogMessagesBelowTheClientsLevelAreNotSent) {
    run_virtual([]() -> Task<> {
        Fixture fixture;
        co_await fixture.start();
        const Json warning = {{"level", "warning"}};
        co_await fixture.ask(request(1, "logging/setLevel", warning));
        const Json call = {{"name", "chatty"}};
        co_await fixture.client.write(request(2, "tools/call", call));
        Json log = co_await fixture.client.read();
        EXPECT_EQ(log["method"], "notifications/message");
        EXPECT_EQ(log["params"]["level"], "error");
        EXPECT_EQ(log["params"]["data"], "an error line");
        Json result = co_await fixture.client.read();
        EXPECT_EQ(result["id"], 2);
        EXPECT_EQ(result["result"]["content"][0]["text"], "said");
        co_await fixture.session.close();
    }());
}

TEST(McpServerFeaturesTest, AToolAwaitsTheClientsElicitationAnswerMidCall) {
    run_virtual([]() -> Task<> {
        Fixture fixture;
        const Json capabilities = {{"elicitation", Json::object()}};
        co_await fixture.start(capabilities);
        const Json call = {{"name", "ask"}};
        co_await fixture.client.write(request(1, "tools/call", call));
        Json question = co_await fixture.client.read();
        EXPECT_EQ(question["method"], "elicitation/create");
        EXPECT_EQ(question["params"]["message"], "Your name?");
        const Json answer = {{"action", "accept"}, {"content", {{"name", "Ada"}}}};
        co_await fixture.client.write(response(question["id"], answer));
        Json result = co_await fixture.client.read();
        EXPECT_EQ(result["id"], 1);
        EXPECT_EQ(result["result"]["content"][0]["text"], R"(accept {"name":"Ada"})");
        co_await fixture.session.close();
    }());
}

TEST(McpServerFeaturesTest, AClientWithoutElicitationIsNotAskedAndTheToolFails) {
    run_virtual([]() -> Task<> {
        Fixture fixture;
        co_await fixture.start();
        const Json call = {{"name", "ask"}};
        Json result = co_await fixture.ask(request(1, "tools/call", call));
        EXPECT_EQ(result["result"]["isError"], true);
        EXPECT_NE(result["result"]["content"][0]["text"].get<std::string>().find("elicitation capability"),
                  std::string::npos);
        co_await fixture.session.close();
    }());
}

TEST(McpServerFeaturesTest, AnRpcErrorFromAToolIsAProtocolErrorNotAToolResult) {
    run_virtual([]() -> Task<> {
        Fixture fixture;
        co_await fixture.start();
        const Json call = {{"name", "refuse"}};
        Json answer = co_await fixture.ask(request(1, "tools/call", call));
        EXPECT_EQ(answer["error"]["code"], error_code::invalid_params);
        EXPECT_EQ(answer["error"]["message"], "not like that");
        co_await fixture.session.close();
    }());
}

TEST(McpServerFeaturesTest, UriTemplatesMatchWholeSegments) {
    EXPECT_EQ(match_uri_template("users://{id}/profile", "users://42/profile"), (UriVariables{{"id", "42"}}));
    EXPECT_EQ(match_uri_template("a/{x}-{y}", "a/1-2"), (UriVariables{{"x", "1"}, {"y", "2"}}));
    EXPECT_EQ(match_uri_template("file:///{path}", "file:///etc/hosts"), (UriVariables{{"path", "etc/hosts"}}));
    EXPECT_FALSE(match_uri_template("users://{id}/profile", "users://a/b/profile"));
    EXPECT_FALSE(match_uri_template("users://{id}/profile", "users:///profile"));
    EXPECT_FALSE(match_uri_template("users://{id}/profile", "users://42/profile/more"));
    EXPECT_FALSE(match_uri_template("users://{id", "users://42"));
}

}  // namespace mcp_server_features
