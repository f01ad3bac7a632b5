// sim::Script: parsing (errors name file:line and the key) and which rule
// answers which request.
#include <agentio/core/errors.hpp>
#include <agentio/sim/script.hpp>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

using namespace agentio;

namespace {

llm::ChatRequest conversation(std::vector<llm::Message> messages, std::string model = "sim-small") {
    llm::ChatRequest request;
    request.model = std::move(model);
    request.messages = std::move(messages);
    return request;
}

std::string parse_error(std::string_view text) {
    try {
        sim::Script::parse(text, "replies.jsonl");
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(ScriptTest, RulesParseWithContentToolCallsAndConditions) {
    const sim::Script script = sim::Script::parse(
        "# a comment\n"
        "\n"
        R"({"match": {"contains": "weather", "model": "sim-small"}, "reply": {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}, {"id": "call_x", "name": "get_time", "arguments": "{}"}], "interleave": true}})"
        "\n"
        R"({"match": {"has_tool_results": true}, "reply": {"content": "It is 18 degrees."}})"
        "\r\n"
        R"({"reply": {"content": "fallback"}})",
        "replies.jsonl");
    ASSERT_EQ(script.rules().size(), 3u);
    const sim::ScriptRule& calls = script.rules()[0];
    EXPECT_EQ(calls.line, 3u);
    EXPECT_EQ(calls.contains, "weather");
    EXPECT_EQ(calls.model, "sim-small");
    ASSERT_EQ(calls.reply.tool_calls.size(), 2u);
    EXPECT_EQ(calls.reply.tool_calls[0].name, "get_weather");
    EXPECT_EQ(calls.reply.tool_calls[0].arguments, R"({"city":"Paris"})");  // a JSON value is written compactly
    EXPECT_EQ(calls.reply.tool_calls[0].id, "");                          // derived per request
    EXPECT_EQ(calls.reply.tool_calls[1].id, "call_x");
    EXPECT_TRUE(calls.reply.interleave);
    EXPECT_FALSE(calls.reply.content.has_value());
    EXPECT_EQ(script.rules()[1].line, 4u);
    EXPECT_EQ(script.rules()[1].has_tool_results, true);
    EXPECT_EQ(script.rules()[2].reply.content, "fallback");
}

TEST(ScriptTest, ErrorsNameTheFileTheLineAndTheProblem) {
    EXPECT_EQ(parse_error("\n{\"reply\": {\"content\": \"x\"}\n").rfind("replies.jsonl:2: not JSON", 0), 0u)
        << parse_error("\n{\"reply\": {\"content\": \"x\"}\n");
    EXPECT_EQ(parse_error(R"({"match": {"contians": "x"}, "reply": {"content": "x"}})"),
              "replies.jsonl:1: unknown condition \"contians\" (known: model, contains, last_user_contains, "
              "last_user_regex, has_tool_results, has_tools)");
    EXPECT_EQ(parse_error(R"({"match": {"contains": 3}, "reply": {"content": "x"}})"),
              "replies.jsonl:1: match.contains: expected a string, got number");
    EXPECT_EQ(parse_error(R"({"match": {}})"), "replies.jsonl:1: no \"reply\"");
    EXPECT_EQ(parse_error(R"({"reply": {}})"), "replies.jsonl:1: reply: needs \"content\" or \"tool_calls\"");
    EXPECT_EQ(parse_error(R"({"reply": {"tool_calls": [{"arguments": "{}"}]}})"),
              "replies.jsonl:1: reply.tool_calls[0]: no \"name\"");
    EXPECT_EQ(parse_error(R"({"reply": {"content": "x", "delay": 3}})"),
              "replies.jsonl:1: unknown key \"reply.delay\" (known: content, tool_calls, interleave)");
    EXPECT_EQ(parse_error(R"({"match": {"last_user_regex": "(unclosed"}, "reply": {"content": "x"}})")
                  .rfind("replies.jsonl:1: match.last_user_regex: invalid regular expression \"(unclosed\"", 0),
              0u);
    EXPECT_EQ(parse_error("[1, 2]"), "replies.jsonl:1: a rule is a JSON object, got array");
}

TEST(ScriptTest, LoadReadsAFileAndNamesItWhenMissing) {
    const std::string path = ::testing::TempDir() + "sim_script_test.jsonl";
    {
        std::ofstream file(path);
        file << R"({"reply": {"content": "from a file"}})" << "\n" << R"({"reply": 5})" << "\n";
    }
    try {
        sim::Script::load(path);
        ADD_FAILURE() << "a bad second line loaded";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()).rfind(path + ":2: reply: expected an object", 0), 0u) << e.what();
    }
    {
        std::ofstream file(path);
        file << R"({"reply": {"content": "from a file"}})" << "\n";
    }
    EXPECT_EQ(sim::Script::load(path).rules().at(0).reply.content, "from a file");
    std::remove(path.c_str());
    try {
        sim::Script::load(path);
        ADD_FAILURE() << "a missing file loaded";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
}

TEST(ScriptTest, ContainsLooksAtTheMessagesSinceTheLastAssistantTurn) {
    const sim::Script script = sim::Script::parse(
        R"({"match": {"contains": "weather"}, "reply": {"content": "calls"}})"
        "\n"
        R"({"match": {"contains": "18 degrees"}, "reply": {"content": "answer"}})",
        "s");
    llm::ChatRequest request = conversation({llm::Message::user("What is the weather in Paris?")});
    ASSERT_NE(script.match(request), nullptr);
    EXPECT_EQ(script.match(request)->reply.content, "calls");

    // After the assistant's tool call, the newest input is the tool results:
    // the question no longer matches, the result does.
    llm::Message call;
    call.role = "assistant";
    call.tool_calls.push_back({"call_1", "function", "get_weather", "{}"});
    request.messages.push_back(call);
    request.messages.push_back(llm::Message::tool("call_1", R"({"temperature": "18 degrees"})"));
    ASSERT_NE(script.match(request), nullptr);
    EXPECT_EQ(script.match(request)->reply.content, "answer");

    request.messages.push_back(llm::Message::assistant("It is 18 degrees."));
    request.messages.push_back(llm::Message::user("Thanks!"));
    EXPECT_EQ(script.match(request), nullptr);
}

TEST(ScriptTest, ConditionsCombineAndTheFirstMatchingRuleWins) {
    const sim::Script script = sim::Script::parse(
        R"({"match": {"model": "sim-large", "last_user_contains": "hello"}, "reply": {"content": "large hello"}})"
        "\n"
        R"({"match": {"last_user_regex": "^hel+o\\b"}, "reply": {"content": "regex hello"}})"
        "\n"
        R"({"match": {"has_tool_results": true}, "reply": {"content": "after tools"}})"
        "\n"
        R"({"match": {"has_tools": true}, "reply": {"content": "has tools"}})"
        "\n"
        R"({"reply": {"content": "anything"}})",
        "s");
    auto answer = [&](const llm::ChatRequest& request) { return *script.match(request)->reply.content; };
    EXPECT_EQ(answer(conversation({llm::Message::user("hello there")}, "sim-large")), "large hello");
    EXPECT_EQ(answer(conversation({llm::Message::user("hello there")}, "sim-small")), "regex hello");
    EXPECT_EQ(answer(conversation({llm::Message::user("say hello")}, "sim-small")), "anything");
    EXPECT_EQ(answer(conversation({llm::Message::user("x"), llm::Message::tool("call_1", "result")})), "after tools");
    llm::ChatRequest with_tools = conversation({llm::Message::user("x")});
    with_tools.tools.push_back({"get_weather", "", llm::Json::object(), std::nullopt});
    EXPECT_EQ(answer(with_tools), "has tools");
}

}  // namespace
