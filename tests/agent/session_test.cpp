// session.hpp: conversations kept in memory and in a JSONL file.
#include <agentio/agent/session.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "agent/session_checks.hpp"
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

template <class Store>
void check_a_store(Store& store) {
    run_virtual(testkit::exercise_a_session(store));
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
        run_virtual(first.add(session_conversation()));
    }
    agent::JsonlSession second(path);
    EXPECT_EQ(run_virtual(second.messages()), session_conversation());  // tool calls and ids included
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
