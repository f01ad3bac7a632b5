// run.hpp's durable runs against SIGKILL: a real process (journal_victim),
// killed at random moments and started again with its journal until it
// finishes. Every tool whose result reached the journal never starts again;
// the journal holds each step once; the final output is the one an
// uninterrupted run gives.
#include <gtest/gtest.h>
#include <agentio/llm/json.hpp>

#include <filesystem>
#include <map>
#include <random>
#include <set>

#include "integration/support.hpp"

using namespace agentio::itest;
using Json = agentio::llm::Json;

namespace {

const std::set<std::string> kTools = {"boss_lookup", "boss_check", "alpha_fetch", "alpha_read",
                                      "beta_fetch",  "beta_read",  "gamma_fetch", "gamma_read"};

// How often each tool started, from the victim's effects file.
std::map<std::string, int> starts(const std::string& effects) {
    std::map<std::string, int> count;
    std::istringstream lines(read_file(effects));
    for (std::string line; std::getline(lines, line);)
        if (line.rfind("start ", 0) == 0) ++count[line.substr(6)];
    return count;
}

struct Journaled {
    std::map<std::string, int> keys;   // every key, with how often it is there
    std::set<std::string> tools_done;  // the tools whose result is recorded
};

Journaled journaled(const std::string& journal) {
    Journaled found;
    std::istringstream lines(read_file(journal));
    for (std::string line; std::getline(lines, line);) {
        const Json entry = Json::parse(line, nullptr, false);
        if (entry.is_discarded()) continue;  // a torn last line
        ++found.keys[entry.value("key", "")];
        const std::string content = entry.value("content", "");
        const std::string tool = content.substr(0, content.find(" done: "));
        if (content.find(" done: ") != std::string::npos && kTools.count(tool)) found.tools_done.insert(tool);
    }
    return found;
}

}  // namespace

TEST(AgentJournalKillTest, KilledAtRandomStepsAndStartedAgainEveryFinishedToolRanOnce) {
    TempDir dir;
    const std::string victim = bin_path("journal_victim");

    // The reference: one uninterrupted run, and how long it takes here.
    const auto began = SteadyClock::now();
    Process reference({victim, dir.file("reference.journal"), dir.file("reference.effects")});
    ASSERT_TRUE(run_to_end(reference, Millis(120'000)).success()) << reference.describe();
    const auto took = std::chrono::duration_cast<Millis>(SteadyClock::now() - began);
    for (const auto& [tool, count] : starts(dir.file("reference.effects"))) EXPECT_EQ(count, 1) << tool;
    ASSERT_EQ(journaled(dir.file("reference.journal")).tools_done, kTools) << read_file(dir.file("reference.journal"));

    const std::string journal = dir.file("run.journal"), effects = dir.file("run.effects");
    std::mt19937 random(std::random_device{}());
    std::map<std::string, int> starts_when_done;  // a tool's starts at the first kill that found it journaled
    int kills = 0;
    Millis full_run = took;  // how long a run from an empty journal takes now (the machine's load varies)
    bool fresh = true;       // the journal is empty
    // Until ten kills landed mid-run (a resumed run replays its start fast and
    // may finish before its kill), at most 40 attempts.
    for (int round = 0; round < 40 && kills < 10; ++round) {
        Process attempt({victim, journal, effects});
        const auto started_at = SteadyClock::now();
        const Millis delay(std::uniform_int_distribution<long>(0, full_run.count() * 2 / 3)(random));
        const bool killed = !attempt.wait(delay);
        if (killed) {
            attempt.send_signal(SIGKILL);
            ++kills;
        }
        ASSERT_TRUE(attempt.wait(Millis(60'000))) << attempt.describe();
        if (!killed) {
            // It finished before its kill: a journal that is whole tests
            // nothing more. Start over from an empty one, at today's speed.
            if (fresh) full_run = std::chrono::duration_cast<Millis>(SteadyClock::now() - started_at);
            std::filesystem::remove(journal);
            std::filesystem::remove(effects);
            starts_when_done.clear();
            fresh = true;
            continue;
        }
        fresh = false;
        const Journaled now = journaled(journal);
        const std::map<std::string, int> started = starts(effects);
        for (const std::string& tool : now.tools_done) starts_when_done.emplace(tool, started.at(tool));
    }

    EXPECT_GE(kills, 3) << "too few kills landed to test anything";
    Process last({victim, journal, effects});
    ASSERT_TRUE(run_to_end(last, Millis(120'000)).success()) << last.describe();
    EXPECT_EQ(last.out(), reference.out()) << "the resumed run ends as an uninterrupted one";

    const Journaled final = journaled(journal);
    EXPECT_EQ(final.tools_done, kTools);
    for (const auto& [key, count] : final.keys) EXPECT_EQ(count, 1) << "journal key " << key;
    const std::map<std::string, int> started = starts(effects);
    int reruns = 0;
    for (const std::string& tool : kTools) {
        ASSERT_TRUE(started.count(tool)) << tool;
        if (starts_when_done.count(tool)) {
            EXPECT_EQ(started.at(tool), starts_when_done.at(tool)) << tool << " started again after its result was journaled";
        }
        reruns += started.at(tool) - 1;  // starts a kill interrupted before the result was recorded
    }
    std::printf("%d kills; %d tool starts interrupted and run again\n", kills, reruns);
}
