// scripted_agent.hpp: the agent tests' model, a scripted OpenAI-shaped
// server (llm/scripted_llm_server.hpp) whose replies are text or tool calls,
// and tools that sleep on the virtual clock.
#pragma once

#include <agentio/agent/run.hpp>
#include <gtest/gtest.h>

#include "core/test_support.hpp"
#include "llm/scripted_llm_server.hpp"

namespace agentio::testkit {

using agent::Json;

inline std::string reply_with(Json message, std::int64_t tokens = 15) {
    Json reply = {{"id", "chatcmpl-1"},
                  {"object", "chat.completion"},
                  {"created", 1},
                  {"model", "gpt-4o-mini"},
                  {"choices", Json::array({{{"index", 0}, {"message", message}, {"finish_reason", "stop"}}})},
                  {"usage", {{"prompt_tokens", tokens - 5}, {"completion_tokens", 5}, {"total_tokens", tokens}}}};
    return reply.dump();
}

inline http::Handler says(std::string text, std::int64_t tokens = 15) {
    return reply_json(reply_with({{"role", "assistant"}, {"content", text}}, tokens));
}

// name, arguments; ids call_0, call_1, ...
inline http::Handler calls(std::vector<std::pair<std::string, std::string>> wanted) {
    Json tool_calls = Json::array();
    for (std::size_t i = 0; i < wanted.size(); ++i)
        tool_calls.push_back({{"id", "call_" + std::to_string(i)},
                              {"type", "function"},
                              {"function", {{"name", wanted[i].first}, {"arguments", wanted[i].second}}}});
    return reply_json(reply_with({{"role", "assistant"}, {"content", nullptr}, {"tool_calls", tool_calls}}));
}

struct Seconds {
    int seconds = 0;
    static auto describe() { return agent::fields(agent::field("seconds", &Seconds::seconds)); }
};

inline agent::Tool sleeper(std::string name, std::vector<std::string>& log) {
    return agent::Tool::from(name, "Sleeps", [name, &log](Seconds args) -> Task<std::string> {
        log.push_back(name + " start");
        co_await sleep(std::chrono::seconds(args.seconds));
        log.push_back(name + " end");
        co_return name + " slept " + std::to_string(args.seconds) + " s";
    });
}

inline Json sent(const Script& script, std::size_t request) { return Json::parse(script.bodies.at(request)); }

// Runs `body` with a client of the scripted server.
template <class Body>
void with_client(std::shared_ptr<Script> script, Body body) {
    with_script(script, [&](http::Server& server) -> Task<> {
        llm::Client client(options_for(server));
        co_await body(client);
    });
}


}  // namespace agentio::testkit
