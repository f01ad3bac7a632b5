// sim::Server playing the model for an agent, through llm::Client on the
// virtual clock: the tools the message names are called, plain and
// streamed (the deltas reassemble into the same calls), the results come
// back verbatim in the answer, scripted replies win, the policy switches,
// and a tool_choice the API refuses is a 400.
#include <agentio/agentio.hpp>
#include <agentio/llm/client.hpp>
#include <agentio/llm/errors.hpp>
#include <agentio/sim/server.hpp>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <unistd.h>

#include "sim/sim_fixture.hpp"

using namespace agentio;
using namespace std::chrono_literals;
using agentio::testkit::Answer;
using agentio::testkit::Json;
using agentio::testkit::post;
using agentio::testkit::sse_data;

namespace {

sim::Config sim_config(sim::ToolPolicy policy = sim::ToolPolicy::automatic) {
    sim::Config config;
    config.latency.time_to_first_token = 100ms;
    config.latency.inter_token = 5ms;
    config.tool_policy = policy;
    return config;
}

llm::Tool tool(std::string name, std::string description, const char* parameters) {
    llm::Tool t;
    t.name = std::move(name);
    t.description = std::move(description);
    t.parameters = llm::Json::parse(parameters);
    return t;
}

std::vector<llm::Tool> tools() {
    return {tool("get_weather", "Get the current weather for a city",
                 R"({"type": "object", "properties": {"city": {"type": "string"},
                     "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["city", "unit"]})"),
            tool("get_time", "Get the current time in a time zone",
                 R"({"type": "object", "properties": {"timezone": {"type": "string"}}, "required": ["timezone"]})"),
            tool("add", "Add two numbers",
                 R"({"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}, "required": ["a", "b"]})")};
}

llm::ChatRequest ask(std::string text) {
    llm::ChatRequest request;
    request.model = "gpt-4o-mini";
    request.messages = {llm::Message::user(std::move(text))};
    request.tools = tools();
    return request;
}

// A streamed reply, read to its end: the assembled response and the usage.
struct StreamedReply {
    llm::ChatResponse response;
    std::int64_t completion_tokens = 0;
};

Task<StreamedReply> stream_whole(llm::Client& client, llm::ChatRequest request) {
    llm::ChatStream stream = co_await client.chat_stream(std::move(request));
    while (co_await stream.next()) {
    }
    StreamedReply out;
    out.response = stream.response();
    if (out.response.usage) out.completion_tokens = out.response.usage->completion_tokens;
    co_return out;
}

TEST(SimToolPolicyTest, AnAgentTurnRunsOnTheDefaultSimulatorCallsThenAnswersWithTheResults) {
    llm::ChatResponse calls;
    llm::ChatResponse answer;
    agentio::testkit::with_sim_virtual(sim_config(), [&](sim::Server& server, http::Client&) -> Task<> {
        llm::Client client(agentio::testkit::llm_client_for(server));
        llm::ChatRequest request = ask("What's the weather in 'Paris', in celsius?");
        calls = co_await client.chat(request);
        // The agent runs the tools and sends the results back.
        llm::Message turn = calls.choices.at(0).message;
        request.messages.push_back(turn);
        for (const llm::ToolCall& call : turn.tool_calls) request.messages.push_back(llm::Message::tool(call.id, "18 degrees in Paris."));
        answer = co_await client.chat(request);
    });
    ASSERT_EQ(calls.choices.size(), 1u);
    EXPECT_EQ(calls.choices[0].finish_reason, "tool_calls");
    EXPECT_FALSE(calls.choices[0].message.content.has_value());
    ASSERT_EQ(calls.tool_calls().size(), 1u);
    const llm::ToolCall& call = calls.tool_calls()[0];
    EXPECT_EQ(call.name, "get_weather");
    EXPECT_EQ(Json::parse(call.arguments), Json::parse(R"({"city": "Paris", "unit": "celsius"})"));
    EXPECT_EQ(call.id.rfind("call_", 0), 0u);

    EXPECT_EQ(answer.choices.at(0).finish_reason, "stop");
    EXPECT_TRUE(answer.tool_calls().empty());
    EXPECT_EQ(answer.text(), "get_weather: 18 degrees in Paris.");
}

TEST(SimToolPolicyTest, StreamedToolCallDeltasReassembleIntoTheSameCallsAsThePlainReply) {
    llm::ChatResponse plain;
    StreamedReply streamed;
    agentio::testkit::with_sim_virtual(sim_config(), [&](sim::Server& server, http::Client&) -> Task<> {
        llm::Client client(agentio::testkit::llm_client_for(server));
        const llm::ChatRequest request = ask("The weather in Paris and the time in Tokyo? Also add 3 and 4.");
        plain = co_await client.chat(request);
        streamed = co_await stream_whole(client, request);
    });
    ASSERT_EQ(plain.tool_calls().size(), 3u);
    EXPECT_EQ(plain.tool_calls()[0].name, "get_weather");
    EXPECT_EQ(plain.tool_calls()[1].name, "get_time");
    EXPECT_EQ(plain.tool_calls()[2].name, "add");
    EXPECT_EQ(plain.tool_calls()[2].arguments, R"({"a":3,"b":4})");
    EXPECT_EQ(streamed.response.tool_calls(), plain.tool_calls());
    EXPECT_EQ(streamed.response.choices.at(0).finish_reason, "tool_calls");
    ASSERT_TRUE(plain.usage.has_value());
    EXPECT_EQ(streamed.completion_tokens, plain.usage->completion_tokens);
    EXPECT_GT(plain.usage->completion_tokens, 3) << "a name and the argument fragments of each call";
}

TEST(SimToolPolicyTest, OnTheWireEachCallStartsWithItsIdTypeAndNameThenArgumentFragmentsFollowInOrder) {
    // The body written by hand, so its property order (b before a) is the request's own.
    const std::string body = R"({"model": "sim-small", "stream": true,
        "messages": [{"role": "user", "content": "add 3 and 4"}],
        "tools": [{"type": "function", "function": {"name": "add", "description": "Add two numbers",
                   "parameters": {"type": "object", "properties": {"b": {"type": "number"}, "a": {"type": "number"}}}}}]})";
    Answer answer;
    agentio::testkit::with_sim_virtual(sim_config(), [&](sim::Server& server, http::Client& client) -> Task<> {
        answer = co_await post(client, server, "/v1/chat/completions", body);
    });
    ASSERT_EQ(answer.status, 200) << answer.body;
    std::string arguments;
    int starts = 0;
    int fragments = 0;
    std::string finish;
    for (const std::string& data : sse_data(answer.body)) {
        if (data == "[DONE]") continue;
        const Json chunk = Json::parse(data);
        if (chunk["choices"].empty()) continue;
        const Json& choice = chunk["choices"][0];
        if (!choice["finish_reason"].is_null()) finish = choice["finish_reason"];
        if (!choice["delta"].contains("tool_calls")) continue;
        const Json& delta = choice["delta"]["tool_calls"][0];
        EXPECT_EQ(delta["index"], 0);
        if (delta.contains("id")) {
            ++starts;
            EXPECT_EQ(fragments, 0) << "the id comes first";
            EXPECT_EQ(delta["type"], "function");
            EXPECT_EQ(delta["function"]["name"], "add");
            EXPECT_EQ(delta["function"]["arguments"], "");
        } else {
            ++fragments;
            arguments += delta["function"]["arguments"].get<std::string>();
        }
    }
    EXPECT_EQ(starts, 1);
    EXPECT_GE(fragments, 2);
    EXPECT_EQ(arguments, R"({"b":3,"a":4})");
    EXPECT_EQ(finish, "tool_calls");
}

TEST(SimToolPolicyTest, ScriptedRepliesTakePrecedenceOverThePolicy) {
    const std::string path = ::testing::TempDir() + "sim_server_tool_policy_test." + std::to_string(::getpid()) + ".jsonl";
    std::ofstream(path) << R"({"match": {"contains": "weather"}, "reply": {"content": "Scripted."}})" "\n";
    sim::Config config = sim_config(sim::ToolPolicy::all);
    config.script_path = path;
    llm::ChatResponse scripted;
    llm::ChatResponse other;
    agentio::testkit::with_sim_virtual(config, [&](sim::Server& server, http::Client&) -> Task<> {
        llm::Client client(agentio::testkit::llm_client_for(server));
        scripted = co_await client.chat(ask("What's the weather in Paris?"));
        other = co_await client.chat(ask("Tell me a joke."));
    });
    std::remove(path.c_str());
    EXPECT_EQ(scripted.text(), "Scripted.");
    EXPECT_TRUE(scripted.tool_calls().empty());
    EXPECT_EQ(other.tool_calls().size(), 3u) << "no rule matched: the policy (all) calls every tool";
}

TEST(SimToolPolicyTest, PolicyNoneAnswersWithTextAndAllCallsEveryTool) {
    llm::ChatResponse none;
    llm::ChatResponse all;
    agentio::testkit::with_sim_virtual(sim_config(sim::ToolPolicy::none), [&](sim::Server& server, http::Client&) -> Task<> {
        llm::Client client(agentio::testkit::llm_client_for(server));
        none = co_await client.chat(ask("What's the weather in Paris?"));
    });
    agentio::testkit::with_sim_virtual(sim_config(sim::ToolPolicy::all), [&](sim::Server& server, http::Client&) -> Task<> {
        llm::Client client(agentio::testkit::llm_client_for(server));
        all = co_await client.chat(ask("Tell me a joke."));
    });
    EXPECT_TRUE(none.tool_calls().empty());
    EXPECT_FALSE(none.text().empty());
    EXPECT_EQ(none.choices.at(0).finish_reason, "stop");
    ASSERT_EQ(all.tool_calls().size(), 3u);
    EXPECT_EQ(all.tool_calls()[0].name, "get_weather");
    EXPECT_EQ(all.tool_calls()[2].name, "add");
    EXPECT_EQ(all.choices.at(0).finish_reason, "tool_calls");
}

TEST(SimToolPolicyTest, ToolChoiceDecidesOverTheMessage) {
    std::vector<llm::ChatResponse> replies;
    agentio::testkit::with_sim_virtual(sim_config(), [&](sim::Server& server, http::Client&) -> Task<> {
        llm::Client client(agentio::testkit::llm_client_for(server));
        llm::ChatRequest none = ask("What's the weather in Paris?");
        none.tool_choice = "none";
        replies.push_back(co_await client.chat(none));
        llm::ChatRequest required = ask("Tell me a joke.");
        required.tool_choice = "required";
        replies.push_back(co_await client.chat(required));
        llm::ChatRequest named = ask("What's the weather in Paris?");
        named.tool_choice = llm::Json::parse(R"({"type": "function", "function": {"name": "add"}})");
        replies.push_back(co_await client.chat(named));
    });
    ASSERT_EQ(replies.size(), 3u);
    EXPECT_TRUE(replies[0].tool_calls().empty());
    ASSERT_EQ(replies[1].tool_calls().size(), 1u);
    EXPECT_EQ(replies[1].tool_calls()[0].name, "get_weather") << "nothing matches: the first tool";
    ASSERT_EQ(replies[2].tool_calls().size(), 1u);
    EXPECT_EQ(replies[2].tool_calls()[0].name, "add");
}

TEST(SimToolPolicyTest, AToolChoiceNamingNoOfferedToolIsA400NamingTheParameter) {
    Answer answer;
    agentio::testkit::with_sim_virtual(sim_config(), [&](sim::Server& server, http::Client& client) -> Task<> {
        answer = co_await post(client, server, "/v1/chat/completions",
                               agentio::testkit::chat_body("hi", R"({"tools": [{"type": "function", "function": {"name": "add"}}],
                                   "tool_choice": {"type": "function", "function": {"name": "subtract"}}})"));
    });
    EXPECT_EQ(answer.status, 400);
    const Json error = answer.json()["error"];
    EXPECT_EQ(error["param"], "tool_choice");
    EXPECT_EQ(error["type"], "invalid_request_error");
    EXPECT_NE(error["message"].get<std::string>().find("'subtract'"), std::string::npos) << error;
}

}  // namespace
