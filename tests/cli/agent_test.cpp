// agentio agent end to end: the built binary, its embedded simulator playing
// the model, and MCP servers as child processes: the example server
// (examples/mcp_server), the official reference server, and ones that fail.
#include <gtest/gtest.h>
#include <agentio/llm/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/run_agentio.hpp"

namespace fs = std::filesystem;
using Json = agentio::llm::Json;
using agentio::testkit::CommandResult;
using agentio::testkit::read_file;
using agentio::testkit::run_agentio;

namespace {

// stdout's JSON lines (--json).
std::vector<Json> json_events(const CommandResult& result) {
    std::vector<Json> all;
    std::istringstream lines(result.out);
    for (std::string line; std::getline(lines, line);) all.push_back(Json::parse(line));
    return all;
}

const std::string kExampleServer = (fs::path(AGENTIO_BIN).parent_path() / "mcp_server").string();

CommandResult agent(const std::string& args) { return run_agentio("agent " + args); }

std::vector<Json> of_type(const std::vector<Json>& events, const std::string& type) {
    std::vector<Json> found;
    for (const Json& event : events)
        if (event.value("type", "") == type) found.push_back(event);
    return found;
}

}  // namespace

TEST(AgentCommandTest, JsonEventsShowTheToolCallItsResultAndTheFinalAnswer) {
    const CommandResult r = agent("--mcp-stdio " + kExampleServer + " --json 'Add 2 and 3'");
    ASSERT_EQ(r.code, 0) << r.err;
    const std::vector<Json> events = json_events(r);
    const std::vector<Json> calls = of_type(events, "tool_call"), results = of_type(events, "tool_result"),
                            finals = of_type(events, "final");
    ASSERT_EQ(calls.size(), 1u) << r.out;
    EXPECT_EQ(calls[0]["name"], "add");
    EXPECT_EQ(calls[0]["arguments"], Json::parse(R"({"a":2,"b":3})"));
    ASSERT_EQ(results.size(), 1u) << r.out;
    EXPECT_EQ(results[0]["name"], "add");
    EXPECT_EQ(results[0]["is_error"], false);
    const std::string sum = results[0]["content"];
    EXPECT_EQ(sum.substr(0, 1), "5") << sum;
    ASSERT_EQ(finals.size(), 1u) << r.out;
    EXPECT_NE(finals[0]["content"].get<std::string>().find(sum), std::string::npos) << finals[0];
    EXPECT_GT(finals[0]["usage"]["total_tokens"].get<int>(), 0);
    EXPECT_EQ(events.back()["type"], "final");
}

TEST(AgentCommandTest, OnATerminalTheAnswerGoesToStdoutAndTheToolsToStderr) {
    const CommandResult r = agent("--mcp-stdio " + kExampleServer + " 'Add 2 and 3'");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.err.find("-> add({"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("<- add: 5"), std::string::npos) << r.err;
    EXPECT_NE(r.out.find("5"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("-> add"), std::string::npos) << r.out;
}

TEST(AgentCommandTest, TheOfficialReferenceServersToolsWorkUnchanged) {
    const std::string everything =
        std::string(AGENTIO_SOURCE_DIR) + "/tests/mcp/node_modules/@modelcontextprotocol/server-everything/dist/index.js";
    if (!fs::exists(everything)) GTEST_SKIP() << "npm ci in tests/mcp first (./dev does it)";
    const CommandResult r = agent("--mcp-stdio 'node " + everything + " stdio' --json 'Use get-sum to sum 20 and 22'");
    ASSERT_EQ(r.code, 0) << r.err;
    std::optional<Json> sum;
    for (const Json& result : of_type(json_events(r), "tool_result"))
        if (result["name"] == "get-sum") sum = result;
    ASSERT_TRUE(sum) << r.out;
    EXPECT_EQ((*sum)["is_error"], false);
    EXPECT_NE((*sum)["content"].get<std::string>().find("42"), std::string::npos) << *sum;
}

TEST(AgentCommandTest, AServerThatCannotStartIsNamedAndExitsOne) {
    const CommandResult missing = agent("--mcp-stdio '/nonexistent/weather-server --port 1' 'Weather?'");
    EXPECT_EQ(missing.code, 1);
    EXPECT_NE(missing.err.find("weather-server"), std::string::npos) << missing.err;

    const CommandResult dies = agent("--mcp-stdio \"sh -c 'echo cannot open the database >&2; exit 3'\" 'Weather?'");
    EXPECT_EQ(dies.code, 1);
    EXPECT_NE(dies.err.find("mcp server 'sh'"), std::string::npos) << dies.err;
    EXPECT_NE(dies.err.find("cannot open the database"), std::string::npos) << dies.err;
}

TEST(AgentCommandTest, AServerThatAnswersGarbageIsNamedAndExitsOne) {
    const CommandResult r = agent("--mcp-stdio \"sh -c 'echo this is not JSON-RPC; sleep 30'\" --json 'Weather?'");
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("mcp server 'sh'"), std::string::npos) << r.err;
    const std::vector<Json> events = json_events(r);
    ASSERT_EQ(events.size(), 1u) << r.out;
    EXPECT_EQ(events[0]["type"], "error");
}

TEST(AgentCommandTest, RunningOutOfTurnsIsExitOneWithTheReason) {
    const CommandResult r = agent("--mcp-stdio " + kExampleServer + " --max-turns 1 'Add 2 and 3'");
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("max_turns (1)"), std::string::npos) << r.err;
}

TEST(AgentCommandTest, BadFlagsAreExitTwo) {
    EXPECT_EQ(agent("--max-turns 0 'Add 2 and 3'").code, 2);
    EXPECT_EQ(agent("--no-such-flag 'Add 2 and 3'").code, 2);
    const CommandResult unbalanced = agent("--mcp-stdio \"npx 'server\" 'Add 2 and 3'");
    EXPECT_EQ(unbalanced.code, 2);
    EXPECT_NE(unbalanced.err.find("unbalanced"), std::string::npos) << unbalanced.err;
    EXPECT_EQ(agent("''").code, 2);
    const CommandResult not_a_url = agent("--mcp-http localhost:3001/mcp 'Add 2 and 3'");
    EXPECT_EQ(not_a_url.code, 2);
    EXPECT_NE(not_a_url.err.find("not an http:// or https:// URL"), std::string::npos) << not_a_url.err;
}

TEST(AgentCommandTest, AServerThatNeverAnswersIsATimeoutNotAHang) {
    const CommandResult silent = agent("--mcp-stdio 'sleep 30' --mcp-timeout 1 'Add 2 and 3'");
    EXPECT_EQ(silent.code, 1);
    EXPECT_NE(silent.err.find("mcp server 'sleep' did not finish the MCP handshake within 1 s"), std::string::npos)
        << silent.err;
}

TEST(AgentCommandTest, AToolThatTakesTooLongIsAnErrorTheModelReads) {
    const CommandResult r = agent("--mcp-stdio " + kExampleServer + " --mcp-timeout 1 --json 'Wait for 5 seconds'");
    ASSERT_EQ(r.code, 0) << r.err;
    const std::vector<Json> results = of_type(json_events(r), "tool_result");
    ASSERT_EQ(results.size(), 1u) << r.out;
    EXPECT_EQ(results[0]["is_error"], true);
    EXPECT_EQ(results[0]["content"], "error: the tool timed out after 1 s");
}

TEST(AgentCommandTest, AJournaledRunStartedAgainGivesTheSameAnswer) {
    const fs::path journal = fs::temp_directory_path() / ("agentio-agent-journal-" + std::to_string(::getpid()));
    fs::remove(journal);
    const std::string args = "--mcp-stdio " + kExampleServer + " --json --journal " + journal.string() + " 'Add 2 and 3'";
    const CommandResult first = agent(args);
    ASSERT_EQ(first.code, 0) << first.err;
    const CommandResult again = agent(args);
    ASSERT_EQ(again.code, 0) << again.err;
    EXPECT_EQ(of_type(json_events(again), "final"), of_type(json_events(first), "final"));
    std::ifstream lines(journal);
    int steps = 0;
    for (std::string line; std::getline(lines, line);) ++steps;
    EXPECT_EQ(steps, 4);  // input, the call, the tool's result, the answer
    fs::remove(journal);
}

TEST(AgentCommandTest, TraceWritesTheRunsSpansForPerfetto) {
    const fs::path trace = fs::temp_directory_path() / ("agentio-agent-trace-" + std::to_string(::getpid()) + ".json");
    const CommandResult r = agent("--mcp-stdio " + kExampleServer + " --trace " + trace.string() + " 'Add 2 and 3'");
    ASSERT_EQ(r.code, 0) << r.err;
    std::ifstream file(trace);
    const Json events = Json::parse(file);
    std::vector<std::string> names;
    for (const Json& event : events) names.push_back(event["name"]);
    EXPECT_EQ(names, (std::vector<std::string>{"invoke_agent agent", "chat sim-small", "execute_tool add", "chat sim-small"}));
    fs::remove(trace);
}
