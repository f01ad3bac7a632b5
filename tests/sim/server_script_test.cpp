// sim::Server with a script: scripted text and tool calls, plain and
// streamed (one call after the other, or interleaved by index), and start()
// refusing a broken script.
#include <agentio/agentio.hpp>
#include <agentio/sim/server.hpp>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>

#include <unistd.h>

#include "sim/sim_fixture.hpp"

using namespace agentio;
using namespace std::chrono_literals;
using agentio::testkit::kChat;
using agentio::testkit::Answer;
using agentio::testkit::chat_body;
using agentio::testkit::instant_config;
using agentio::testkit::Json;
using agentio::testkit::post;
using agentio::testkit::sse_data;

namespace {

const std::string kWeatherArgs = R"({"city":"Paris","unit":"celsius"})";
const std::string kTimeArgs = R"({"timezone":"Europe/Paris"})";

// A script file for one test, removed after.
class ScriptFile {
public:
    // ctest runs each test as its own process, in parallel: the name carries the pid so that
    // two tests never write the same file.
    explicit ScriptFile(const std::string& text)
        : path_(::testing::TempDir() + "sim_server_script_test." + std::to_string(::getpid()) + ".jsonl") {
        std::ofstream(path_) << text;
    }
    ~ScriptFile() { std::remove(path_.c_str()); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

std::string script_text() {
    const Json calls = {{"match", {{"contains", "weather and the time"}}},
                        {"reply",
                         {{"tool_calls", Json::array({{{"name", "get_weather"}, {"arguments", kWeatherArgs}},
                                                      {{"name", "get_time"}, {"arguments", kTimeArgs}}})}}}};
    Json interleaved = calls;
    interleaved["match"] = {{"contains", "interleave"}};
    interleaved["reply"]["interleave"] = true;
    const Json answer = {{"match", {{"has_tool_results", true}}}, {"reply", {{"content", "It is 18 degrees in Paris and 14:05."}}}};
    return calls.dump() + "\n" + interleaved.dump() + "\n" + answer.dump() + "\n";
}

// One streamed tool-call delta as seen on the wire.
struct Delta {
    int index;
    Json body;
};

// The tool-call deltas of a streamed body, in order, and its finish_reason.
std::pair<std::vector<Delta>, std::string> tool_deltas(const std::string& body) {
    std::vector<Delta> deltas;
    std::string finish;
    for (const std::string& data : sse_data(body)) {
        if (data == "[DONE]") continue;
        const Json chunk = Json::parse(data);
        if (chunk["choices"].empty()) continue;
        const Json& choice = chunk["choices"][0];
        if (choice["delta"].contains("tool_calls"))
            for (const Json& call : choice["delta"]["tool_calls"]) deltas.push_back({call["index"].get<int>(), call});
        if (!choice["finish_reason"].is_null()) finish = choice["finish_reason"];
    }
    return {deltas, finish};
}

// Checks the deltas assemble into the two scripted calls; returns the
// order of the indexes of the argument fragments.
std::vector<int> check_assembly(const std::vector<Delta>& deltas) {
    std::map<int, Json> calls;
    std::vector<int> fragment_order;
    for (const Delta& delta : deltas) {
        if (!calls.count(delta.index)) {
            // A call's first delta: index, id, type and name, and empty arguments.
            EXPECT_TRUE(delta.body.contains("id")) << delta.body;
            EXPECT_EQ(delta.body["type"], "function");
            EXPECT_EQ(delta.body["function"]["arguments"], "");
            calls[delta.index] = {{"id", delta.body["id"]}, {"name", delta.body["function"]["name"]}, {"arguments", ""}};
            continue;
        }
        EXPECT_FALSE(delta.body.contains("id")) << "only a call's first delta names it: " << delta.body;
        calls[delta.index]["arguments"] =
            calls[delta.index]["arguments"].get<std::string>() + delta.body["function"]["arguments"].get<std::string>();
        fragment_order.push_back(delta.index);
    }
    EXPECT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0]["name"], "get_weather");
    EXPECT_EQ(calls[0]["arguments"], kWeatherArgs);
    EXPECT_EQ(calls[1]["name"], "get_time");
    EXPECT_EQ(calls[1]["arguments"], kTimeArgs);
    EXPECT_NE(calls[0]["id"], calls[1]["id"]);
    EXPECT_EQ(calls[0]["id"].get<std::string>().rfind("call_", 0), 0u);
    return fragment_order;
}

TEST(SimScriptTest, ScriptedToolCallsComeWholeInAPlainReply) {
    const ScriptFile script(script_text());
    sim::Config config = instant_config();
    config.script_path = script.path();
    agentio::testkit::with_sim(config, [](sim::Server& sim, http::Client& client) -> Task<> {
        const Answer answer = co_await post(client, sim, kChat, chat_body("What is the weather and the time in Paris?"));
        const Json choice = answer.json()["choices"][0];
        EXPECT_EQ(choice["finish_reason"], "tool_calls");
        EXPECT_TRUE(choice["message"]["content"].is_null());
        const Json calls = choice["message"]["tool_calls"];
        EXPECT_EQ(calls.size(), 2u);
        if (calls.size() != 2) co_return;
        EXPECT_EQ(calls[0]["type"], "function");
        EXPECT_EQ(calls[0]["function"]["name"], "get_weather");
        EXPECT_EQ(calls[0]["function"]["arguments"], kWeatherArgs);
        EXPECT_EQ(calls[1]["function"]["arguments"], kTimeArgs);

        // The tool results go back; the next rule answers, one token of the model's encoding per chunk when streamed.
        Json follow_up = Json::parse(chat_body("What is the weather and the time in Paris?"));
        follow_up["messages"].push_back(choice["message"]);
        follow_up["messages"].push_back({{"role", "tool"}, {"tool_call_id", calls[0]["id"]}, {"content", "18 degrees"}});
        follow_up["messages"].push_back({{"role", "tool"}, {"tool_call_id", calls[1]["id"]}, {"content", "14:05"}});
        const Answer reply = co_await post(client, sim, kChat, follow_up.dump());
        EXPECT_EQ(reply.json()["choices"][0]["message"]["content"], "It is 18 degrees in Paris and 14:05.");
        EXPECT_EQ(reply.json()["choices"][0]["finish_reason"], "stop");
        EXPECT_EQ(reply.json()["usage"]["completion_tokens"], 13);  // o200k_base's count of that text
        follow_up["stream"] = true;
        const Answer streamed = co_await post(client, sim, kChat, follow_up.dump());
        std::vector<std::string> tokens;
        for (const std::string& data : sse_data(streamed.body)) {
            if (data == "[DONE]") continue;
            const Json delta = Json::parse(data)["choices"][0]["delta"];
            if (delta.contains("content") && delta["content"] != "") tokens.push_back(delta["content"]);
        }
        const std::vector<std::string> expected{"It", " is", " ", "18", " degrees", " in", " Paris", " and", " ", "14", ":", "05", "."};
        EXPECT_EQ(tokens, expected);

        // A request no rule matches gets generated text.
        const Answer other = co_await post(client, sim, kChat, chat_body("Something else"));
        EXPECT_EQ(other.json()["choices"][0]["finish_reason"], "stop");
        EXPECT_FALSE(other.json()["choices"][0]["message"].contains("tool_calls"));
    });
}

TEST(SimScriptTest, StreamedToolCallsComeOneAfterTheOtherByDefault) {
    const ScriptFile script(script_text());
    sim::Config config = instant_config();
    config.script_path = script.path();
    agentio::testkit::with_sim(config, [](sim::Server& sim, http::Client& client) -> Task<> {
        const Answer answer =
            co_await post(client, sim, kChat, chat_body("What is the weather and the time in Paris?", R"({"stream": true})"));
        const auto [deltas, finish] = tool_deltas(answer.body);
        EXPECT_EQ(finish, "tool_calls");
        const std::vector<int> order = check_assembly(deltas);
        EXPECT_TRUE(std::is_sorted(order.begin(), order.end())) << "call 0's fragments all come before call 1's";
        EXPECT_GE(order.size(), 4u) << "arguments come in several fragments";
        // The first delta of call 1 comes after the last fragment of call 0.
        if (deltas.empty()) co_return;
        std::size_t first_of_1 = 0;
        while (deltas[first_of_1].index != 1) ++first_of_1;
        for (std::size_t i = first_of_1; i < deltas.size(); ++i) EXPECT_EQ(deltas[i].index, 1);
    });
}

TEST(SimScriptTest, InterleavedToolCallsAlternateTheirFragmentsByIndex) {
    const ScriptFile script(script_text());
    sim::Config config = instant_config();
    config.script_path = script.path();
    agentio::testkit::with_sim(config, [](sim::Server& sim, http::Client& client) -> Task<> {
        const Answer answer = co_await post(client, sim, kChat, chat_body("Please interleave.", R"({"stream": true})"));
        const auto [deltas, finish] = tool_deltas(answer.body);
        EXPECT_EQ(finish, "tool_calls");
        EXPECT_GE(deltas.size(), 2u);
        if (deltas.size() < 2) co_return;
        EXPECT_EQ(deltas[0].index, 0);  // both calls are announced first
        EXPECT_EQ(deltas[1].index, 1);
        const std::vector<int> order = check_assembly(deltas);
        // Fragments take turns while both calls have some left.
        EXPECT_GE(order.size(), 4u);
        if (order.size() < 4) co_return;
        EXPECT_EQ(order[0], 0);
        EXPECT_EQ(order[1], 1);
        EXPECT_EQ(order[2], 0);
        EXPECT_EQ(order[3], 1);
    });
}

TEST(SimScriptTest, StartRefusesABrokenScriptNamingFileAndLine) {
    const ScriptFile script(R"({"reply": {"content": "fine"}})" "\n" R"({"reply": {"content": 42}})" "\n");
    sim::Config config = instant_config();
    config.script_path = script.path();
    std::string message;
    run([](sim::Config config, std::string& message) -> Task<> {
        try {
            sim::Server server = co_await sim::Server::start(std::move(config));
        } catch (const Error& e) {
            message = e.what();
        }
    }(config, message));
    EXPECT_EQ(message, script.path() + ":2: reply.content: expected a string, got number");
}

}  // namespace
