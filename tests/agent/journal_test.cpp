// run.hpp, durable runs: what a run started again with its journal does and
// does not do again. Each "crash" here is a run stopped by an error after
// some steps; the SIGKILL test (journal_kill_test.cpp) kills a real process.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "agent/scripted_agent.hpp"

using namespace agentio;
using namespace agentio::testkit;
using namespace std::chrono_literals;
using namespace std::string_literals;
using agent::Json;
using ::testing::HasSubstr;

namespace {

std::filesystem::path fresh_journal(const std::string& name) {
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("agentio-journal-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::filesystem::path path = dir / name;
    std::filesystem::remove(path);
    return path;
}

std::vector<Json> lines_of(const std::filesystem::path& path) {
    std::vector<Json> lines;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) lines.push_back(Json::parse(line));
    return lines;
}

// The message of the error a failed attempt ended with, if it is an E.
template <class E>
std::string error_text(Outcome<agent::RunResult> outcome) {
    try {
        std::move(outcome).value();
    } catch (const E& e) {
        return e.what();
    } catch (...) {
    }
    return "(no such error)";
}

http::Handler refuses() { return reply_json(error_json("no more", "invalid_request_error", "scripted_stop"), 400); }

struct DurableRun {
    std::filesystem::path journal;
    agent::Agent agent;

    // One process's attempt: the run's result, or the error that stopped it.
    Outcome<agent::RunResult> attempt(std::shared_ptr<Script> script, std::string input = "Sleep twice.",
                                      agent::Session* session = nullptr) const {
        std::optional<Outcome<agent::RunResult>> outcome;
        with_client(script, [&](llm::Client& client) -> Task<> {
            agent::RunOptions options;
            options.journal = journal.c_str();
            options.session = session;
            Outcome<agent::RunResult> got = co_await capture(agent::run(client, agent, input, options));
            outcome.emplace(std::move(got));
        });
        return std::move(outcome).value();
    }
};

}  // namespace

TEST(AgentJournalTest, AFinishedRunStartedAgainReplaysEverythingAndCallsNothing) {
    std::vector<std::string> log;
    const DurableRun durable{fresh_journal("finished.jsonl"),
                             {.name = "worker", .tools = {sleeper("slow", log), sleeper("fast", log)}}};
    auto first = std::make_shared<Script>();
    first->answers = {calls({{"slow", R"({"seconds":2})"}, {"fast", R"({"seconds":1})"}}), says("Both done.", 20)};
    const agent::RunResult ran = durable.attempt(first).value();
    EXPECT_EQ(log.size(), 4u);

    auto second = std::make_shared<Script>();
    second->answers = {refuses()};
    const agent::RunResult replayed = durable.attempt(second).value();
    EXPECT_EQ(second->requests, 0);
    EXPECT_EQ(log.size(), 4u) << "no tool ran again";
    EXPECT_EQ(replayed.final_output, "Both done.");
    EXPECT_EQ(replayed.new_items, ran.new_items);
    EXPECT_EQ(replayed.usage.total_tokens, 35);
    EXPECT_EQ(replayed.turns, 2);
}

TEST(AgentJournalTest, ARunStoppedAfterItsToolsGoesOnWithTheirRecordedResults) {
    std::vector<std::string> log;
    const DurableRun durable{fresh_journal("stopped.jsonl"),
                             {.name = "worker", .tools = {sleeper("slow", log), sleeper("fast", log)}}};
    auto first = std::make_shared<Script>();
    first->answers = {calls({{"slow", R"({"seconds":2})"}, {"fast", R"({"seconds":1})"}}), refuses()};
    EXPECT_FALSE(durable.attempt(first).has_value());
    EXPECT_EQ(log.size(), 4u);

    auto second = std::make_shared<Script>();
    second->answers = {says("Both done.")};
    const agent::RunResult result = durable.attempt(second).value();
    EXPECT_EQ(log.size(), 4u) << "the tools that finished did not run again";
    ASSERT_EQ(second->requests, 1) << "only the call that had no record was made";
    const Json messages = sent(*second, 0)["messages"];
    ASSERT_EQ(messages.size(), 4u);
    EXPECT_EQ(messages[2]["content"], "slow slept 2 s");
    EXPECT_EQ(messages[3]["content"], "fast slept 1 s");
    EXPECT_EQ(result.final_output, "Both done.");
    EXPECT_EQ(result.turns, 2);
}

TEST(AgentJournalTest, OnlyTheToolThatWasStillRunningRunsAgain) {
    std::vector<std::string> log;
    const DurableRun durable{fresh_journal("interrupted.jsonl"),
                             {.name = "worker", .tools = {sleeper("slow", log), sleeper("fast", log)}}};
    auto first = std::make_shared<Script>();
    first->answers = {calls({{"slow", R"({"seconds":10})"}, {"fast", R"({"seconds":1})"}})};
    bool stopped = false;
    with_client(first, [&](llm::Client& client) -> Task<> {
        agent::RunOptions options;
        options.journal = durable.journal.c_str();
        options.timeout = 5s;  // "fast" finishes, "slow" is cancelled
        Outcome<agent::RunResult> got = co_await capture(agent::run(client, durable.agent, "Sleep twice."s, options));
        stopped = !got.has_value();
    });
    EXPECT_TRUE(stopped);
    EXPECT_EQ(log, (std::vector<std::string>{"slow start", "fast start", "fast end"}));

    auto second = std::make_shared<Script>();
    second->answers = {says("Both done.")};
    log.clear();
    EXPECT_EQ(durable.attempt(second).value().final_output, "Both done.");
    EXPECT_EQ(log, (std::vector<std::string>{"slow start", "slow end"}));
}

TEST(AgentJournalTest, StepsAreOnDiskUnderStableKeysInTheOrderTheyFinished) {
    std::vector<std::string> log;
    const DurableRun durable{fresh_journal("keys.jsonl"),
                             {.name = "worker", .tools = {sleeper("slow", log), sleeper("fast", log)}}};
    auto script = std::make_shared<Script>();
    script->answers = {calls({{"slow", R"({"seconds":2})"}, {"fast", R"({"seconds":1})"}}), says("Both done.")};
    durable.attempt(script).value();
    std::vector<std::string> keys;
    for (const Json& line : lines_of(durable.journal)) keys.push_back(line["key"]);
    EXPECT_EQ(keys, (std::vector<std::string>{"input", "turn1", "turn1/1", "turn1/0", "turn2"}));
}

TEST(AgentJournalTest, AnAgentCalledAsAToolIsReplayedStepByStepToo) {
    std::vector<std::string> log;
    const agent::Agent helper{.name = "helper", .tools = {sleeper("nap", log)}};
    const DurableRun durable{fresh_journal("nested.jsonl"),
                             {.name = "boss", .tools = {helper.as_tool("ask_helper", "Asks the helper")}}};
    auto first = std::make_shared<Script>();
    // boss calls the helper; the helper naps, answers; then the boss's next call fails.
    first->answers = {calls({{"ask_helper", R"({"input":"nap"})"}}), calls({{"nap", R"({"seconds":1})"}}),
                      says("Napped."), refuses()};
    EXPECT_FALSE(durable.attempt(first).has_value());
    EXPECT_EQ(log.size(), 2u);

    auto second = std::make_shared<Script>();
    second->answers = {says("The helper napped.")};
    EXPECT_EQ(durable.attempt(second).value().final_output, "The helper napped.");
    EXPECT_EQ(second->requests, 1);
    EXPECT_EQ(log.size(), 2u);
    std::vector<std::string> keys;
    for (const Json& line : lines_of(durable.journal)) keys.push_back(line["key"]);
    EXPECT_EQ(keys, (std::vector<std::string>{"input", "turn1", "turn1/0/turn1", "turn1/0/turn1/0", "turn1/0/turn2",
                                              "turn1/0", "turn2"}));
}

TEST(AgentJournalTest, AJournalOfAnotherRunIsRefusedByName) {
    std::vector<std::string> log;
    const DurableRun durable{fresh_journal("other.jsonl"), {.name = "worker", .tools = {sleeper("slow", log)}}};
    auto script = std::make_shared<Script>();
    script->answers = {says("Done.")};
    durable.attempt(script).value();

    EXPECT_THAT(error_text<agent::AgentError>(durable.attempt(script, "Something else.")),
                HasSubstr(durable.journal.string() + " belongs to a run with another input"));
    const DurableRun other_agent{durable.journal, {.name = "planner"}};
    EXPECT_THAT(error_text<agent::AgentError>(other_agent.attempt(script)),
                HasSubstr(durable.journal.string() + " belongs to a run of agent 'worker', not 'planner'"));
}

TEST(AgentJournalTest, ATornLastLineIsCutAndAGarbledLineIsNamed) {
    const DurableRun durable{fresh_journal("torn.jsonl"), {.name = "worker"}};
    auto script = std::make_shared<Script>();
    script->answers = {says("Done.")};
    durable.attempt(script).value();
    {
        std::ofstream torn(durable.journal, std::ios::app);
        torn << R"({"key":"tur)";  // a process killed in the middle of a write
    }
    EXPECT_EQ(durable.attempt(script).value().final_output, "Done.");
    EXPECT_EQ(script->requests, 1);
    {
        std::ofstream garbled(durable.journal, std::ios::app);
        garbled << "not json\n";
    }
    EXPECT_THAT(error_text<Error>(durable.attempt(script)), HasSubstr(durable.journal.string() + ", line 3: not a journal entry"));
}

TEST(AgentJournalTest, ADeviceIsRefusedAsAJournalInsteadOfReadForever) {
    const DurableRun durable{"/dev/full", {.name = "worker"}};
    auto script = std::make_shared<Script>();
    script->answers = {says("Done.")};
    EXPECT_THAT(error_text<Error>(durable.attempt(script)), HasSubstr("journal /dev/full: not a regular file"));
    EXPECT_EQ(script->requests, 0);
}

TEST(AgentJournalTest, TheSessionGetsTheRunsMessagesOnceHoweverOftenItIsReplayed) {
    const DurableRun durable{fresh_journal("session.jsonl"), {.name = "worker"}};
    agent::MemorySession session;
    auto script = std::make_shared<Script>();
    script->answers = {says("Hello.")};
    durable.attempt(script, "Hi.", &session).value();
    durable.attempt(script, "Hi.", &session).value();
    std::vector<llm::Message> kept;
    kept = run_virtual(session.messages());
    EXPECT_EQ(kept.size(), 2u);

    // Killed after adding to the session but before recording that it did.
    std::vector<Json> lines = lines_of(durable.journal);
    ASSERT_EQ(lines.back()["key"], "session");
    lines.pop_back();
    {
        std::ofstream rewrite(durable.journal, std::ios::trunc);
        for (const Json& line : lines) rewrite << line.dump() << "\n";
    }
    durable.attempt(script, "Hi.", &session).value();
    kept = run_virtual(session.messages());
    EXPECT_EQ(kept.size(), 2u);
    EXPECT_EQ(script->requests, 1);
}
