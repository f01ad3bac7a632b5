// session.hpp: conversations kept in memory and in a JSONL file.
#include <agentio/agent/session.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/test_support.hpp"

using namespace agentio;
using namespace agentio::testkit;

namespace {

std::filesystem::path fresh_file(const std::string& name) {
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("agentio-session-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::filesystem::path path = dir / name;
    std::filesystem::remove(path);
    return path;
}

llm::Message calling_a_tool() {
    llm::Message message;
    message.role = "assistant";
    message.tool_calls = {{"call_1", "function", "get_weather", R"({"city":"Paris"})"}};
    return message;
}

std::vector<llm::Message> conversation() {
    return {llm::Message::user("Weather in Paris?"), calling_a_tool(), llm::Message::tool("call_1", "18 degrees"),
            llm::Message::assistant("It is 18 degrees.")};
}

template <class Store>
void check_a_store(Store& store) {
    run_virtual([](Store& store) -> Task<> {
        co_await store.clear();
        const std::vector<llm::Message> none = co_await store.messages();
        EXPECT_TRUE(none.empty());
        co_await store.add(conversation());
        const std::vector<llm::Message> all = co_await store.messages();
        EXPECT_EQ(all, conversation());
        const std::vector<llm::Message> last_two = co_await store.messages(2);
        const std::vector<llm::Message> whole = conversation();
        EXPECT_EQ(last_two, std::vector<llm::Message>(whole.begin() + 2, whole.end()));
        const std::optional<llm::Message> popped = co_await store.pop();
        EXPECT_EQ(popped, llm::Message::assistant("It is 18 degrees."));
        const std::vector<llm::Message> three = co_await store.messages();
        EXPECT_EQ(three.size(), 3u);
        co_await store.clear();
        const std::optional<llm::Message> nothing = co_await store.pop();
        EXPECT_FALSE(nothing);
    }(store));
}

}  // namespace

TEST(SessionTest, AMemorySessionKeepsAddsPopsAndClears) {
    agent::MemorySession memory;
    check_a_store(memory);
}

TEST(SessionTest, AJsonlSessionDoesTheSameOnDisk) {
    agent::JsonlSession file(fresh_file("same.jsonl"));
    check_a_store(file);
}

TEST(SessionTest, AJsonlSessionIsReadBackByAnotherInstanceAfterARestart) {
    const std::filesystem::path path = fresh_file("restart.jsonl");
    {
        agent::JsonlSession first(path);
        run_virtual(first.add(conversation()));
    }
    agent::JsonlSession second(path);
    EXPECT_EQ(run_virtual(second.messages()), conversation());  // tool calls and ids included
}

TEST(SessionTest, ATornLastLineIsSkippedAndCutByTheNextWrite) {
    const std::filesystem::path path = fresh_file("torn.jsonl");
    agent::JsonlSession session(path);
    run_virtual(session.add({llm::Message::user("one")}));
    std::ofstream(path, std::ios::app) << R"({"role":"assistant","conte)";  // a crash mid-write
    EXPECT_EQ(run_virtual(session.messages()).size(), 1u);
    run_virtual(session.add({llm::Message::user("two")}));
    const std::vector<llm::Message> kept = run_virtual(session.messages());
    ASSERT_EQ(kept.size(), 2u);
    EXPECT_EQ(kept[1].content, "two");
}

TEST(SessionTest, ALineThatIsNotAMessageIsAnErrorNamingTheFileAndLine) {
    const std::filesystem::path path = fresh_file("bad.jsonl");
    std::ofstream(path) << R"({"role":"user","content":"hi"})" << "\n" << R"({"role":5})" << "\n";
    agent::JsonlSession session(path);
    try {
        run_virtual(session.messages());
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("bad.jsonl, line 2: not a message"), std::string::npos) << e.what();
    }
}

TEST(SessionTest, AFullDiskIsAnErrorNamingTheFileNotACrash) {
    agent::JsonlSession full("/dev/full");
    try {
        run_virtual(full.add({llm::Message::user("hello")}));
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("session /dev/full: cannot write"), std::string::npos) << e.what();
    }
}
