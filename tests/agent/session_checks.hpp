// session_checks.hpp: what every agent::Session store must do, for the
// tests of each store (memory and file here, Redis against a real server).
#pragma once

#include <agentio/agent/session.hpp>
#include <gtest/gtest.h>

#include <optional>
#include <vector>

namespace agentio::testkit {

inline llm::Message assistant_calling_a_tool() {
    llm::Message message;
    message.role = "assistant";
    message.tool_calls = {{"call_1", "function", "get_weather", R"({"city":"Paris"})"}};
    return message;
}

// A turn with a tool call and its result: ids and arguments must survive.
inline std::vector<llm::Message> session_conversation() {
    return {llm::Message::user("Weather in Paris?"), assistant_calling_a_tool(), llm::Message::tool("call_1", "18 degrees"),
            llm::Message::assistant("It is 18 degrees.")};
}

// Clears, adds, reads all and the last two, pops, clears: as the interface says.
inline Task<> exercise_a_session(agent::Session& store) {
    co_await store.clear();
    const std::vector<llm::Message> none = co_await store.messages();
    EXPECT_TRUE(none.empty());
    co_await store.add(session_conversation());
    const std::vector<llm::Message> all = co_await store.messages();
    EXPECT_EQ(all, session_conversation());
    const std::vector<llm::Message> last_two = co_await store.messages(2);
    const std::vector<llm::Message> whole = session_conversation();
    EXPECT_EQ(last_two, std::vector<llm::Message>(whole.begin() + 2, whole.end()));
    const std::optional<llm::Message> popped = co_await store.pop();
    EXPECT_EQ(popped, llm::Message::assistant("It is 18 degrees."));
    const std::vector<llm::Message> three = co_await store.messages();
    EXPECT_EQ(three.size(), 3u);
    co_await store.clear();
    const std::optional<llm::Message> nothing = co_await store.pop();
    EXPECT_FALSE(nothing);
}

}  // namespace agentio::testkit
