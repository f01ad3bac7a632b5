// run.hpp: the agent loop against a scripted OpenAI-shaped server, on the
// virtual clock.
#include <agentio/agent/run.hpp>
#include <gtest/gtest.h>

#include "agent/scripted_agent.hpp"

using namespace agentio;
using namespace agentio::testkit;
using namespace std::chrono_literals;
using namespace std::string_literals;
using agent::Json;

TEST(AgentRunTest, ToolCallsOfOneTurnRunConcurrentlyAndAnswerInTheModelsOrder) {
    auto script = std::make_shared<Script>();
    script->answers = {calls({{"slow", R"({"seconds":2})"}, {"fast", R"({"seconds":1})"}}), says("Both done.")};
    std::vector<std::string> log;
    const agent::Agent worker{.name = "worker", .instructions = "Use the tools.", .tools = {sleeper("slow", log), sleeper("fast", log)}};
    agent::RunResult result;
    Duration took{};
    with_client(script, [&](llm::Client& client) -> Task<> {
        const TimePoint start = get_running_loop().now();
        result = co_await agent::run(client, worker, "Sleep twice."s);
        took = get_running_loop().now() - start;
    });
    EXPECT_EQ(result.final_output, "Both done.");
    EXPECT_EQ(result.turns, 2);
    EXPECT_EQ(log, (std::vector<std::string>{"slow start", "fast start", "fast end", "slow end"}));
    EXPECT_LT(took, Duration(3s));  // concurrently: the slowest tool sets the pace
    EXPECT_GE(took, Duration(2s));
    const Json second = sent(*script, 1);
    EXPECT_EQ(second["messages"][0], Json({{"role", "system"}, {"content", "Use the tools."}}));
    EXPECT_EQ(second["messages"][1]["content"], "Sleep twice.");
    EXPECT_EQ(second["messages"][2]["tool_calls"].size(), 2u);
    EXPECT_EQ(second["messages"][3], Json({{"role", "tool"}, {"content", "slow slept 2 s"}, {"tool_call_id", "call_0"}}));
    EXPECT_EQ(second["messages"][4], Json({{"role", "tool"}, {"content", "fast slept 1 s"}, {"tool_call_id", "call_1"}}));
    EXPECT_EQ(sent(*script, 0)["tools"][0]["function"]["name"], "slow");
    EXPECT_EQ(result.usage.total_tokens, 30);
    ASSERT_EQ(result.new_items.size(), 5u);
    EXPECT_EQ(result.new_items[0].kind, agent::RunItem::Kind::ToolCall);
    EXPECT_EQ(result.new_items[2].kind, agent::RunItem::Kind::ToolResult);
    EXPECT_EQ(result.new_items[4], (agent::RunItem{agent::RunItem::Kind::Message, "worker", "Both done."}));
    EXPECT_EQ(result.messages.size(), 5u);  // user, assistant, tool, tool, assistant
}

TEST(AgentRunTest, AFailingOrUnknownToolIsToldToTheModelAndTheRunGoesOn) {
    auto script = std::make_shared<Script>();
    script->answers = {calls({{"broken", "{}"}, {"missing", "{}"}, {"broken", "not json"}}), says("Sorry.")};
    const agent::Tool broken = agent::Tool::from("broken", "", []() -> Task<std::string> {
        throw std::runtime_error("disk full");
        co_return std::string();
    });
    const agent::Agent a{.name = "a", .tools = {broken}};
    agent::RunResult result;
    with_client(script, [&](llm::Client& client) -> Task<> {
        result = co_await agent::run(client, a, "Go."s);
    });
    EXPECT_EQ(result.final_output, "Sorry.");
    const Json second = sent(*script, 1);
    EXPECT_EQ(second["messages"][2]["content"], "error: disk full");
    EXPECT_EQ(second["messages"][3]["content"], "error: there is no tool named 'missing'");
    EXPECT_EQ(second["messages"][4]["content"], "error: the arguments are not valid JSON: not json");
    EXPECT_TRUE(result.new_items[3].is_error);
}

TEST(AgentRunTest, ARunThatNeverAnswersStopsAtMaxTurns) {
    auto script = std::make_shared<Script>();
    script->answers = {calls({{"noop", "{}"}})};
    const agent::Tool noop = agent::Tool::from("noop", "", [] { return "ok"; }, {.blocking = false});
    const agent::Agent looper{.name = "looper", .tools = {noop}};
    bool threw = false;
    with_client(script, [&](llm::Client& client) -> Task<> {
        try {
            co_await agent::run(client, looper, "Go."s, {.max_turns = 3});
        } catch (const agent::MaxTurnsExceeded& e) {
            threw = true;
            EXPECT_STREQ(e.what(), "agent 'looper' reached max_turns (3) without a final output");
        }
    });
    EXPECT_TRUE(threw);
    EXPECT_EQ(script->requests, 3);
}

namespace {
struct Verdict {
    bool approved = false;
    std::string reason;
    static auto describe() {
        return agent::fields(agent::field("approved", &Verdict::approved), agent::field("reason", &Verdict::reason));
    }
};
}  // namespace

TEST(AgentRunTest, ATypedOutputIsAskedForByItsSchemaAndCorrectedOnce) {
    auto script = std::make_shared<Script>();
    script->answers = {says(R"({"approved": "yes"})"), says(R"({"approved": true, "reason": "fine"})")};
    const agent::Agent judge{.name = "judge", .output_type = agent::OutputType::of<Verdict>("verdict")};
    agent::RunResult result;
    with_client(script, [&](llm::Client& client) -> Task<> { result = co_await agent::run(client, judge, "Judge."s); });
    const Verdict verdict = result.final_output_as<Verdict>();
    EXPECT_TRUE(verdict.approved);
    EXPECT_EQ(verdict.reason, "fine");
    const Json first = sent(*script, 0);
    EXPECT_EQ(first["response_format"]["type"], "json_schema");
    EXPECT_EQ(first["response_format"]["json_schema"]["name"], "verdict");
    EXPECT_EQ(first["response_format"]["json_schema"]["strict"], true);
    EXPECT_EQ(first["response_format"]["json_schema"]["schema"], agent::schema_of<Verdict>());
    const Json second = sent(*script, 1);
    EXPECT_EQ(second["messages"].back()["role"], "user");
    EXPECT_NE(second["messages"].back()["content"].get<std::string>().find("approved: expected a boolean, got a string"),
              std::string::npos);
}

TEST(AgentRunTest, AnOutputInvalidTwiceFailsTheRunNamingTheError) {
    auto script = std::make_shared<Script>();
    script->answers = {says("not json at all")};
    const agent::Agent judge{.name = "judge", .output_type = agent::OutputType::of<Verdict>()};
    bool threw = false;
    with_client(script, [&](llm::Client& client) -> Task<> {
        try {
            co_await agent::run(client, judge, "Judge."s);
        } catch (const agent::OutputValidationError& e) {
            threw = true;
            EXPECT_NE(std::string(e.what()).find("not valid JSON"), std::string::npos) << e.what();
        }
    });
    EXPECT_TRUE(threw);
    EXPECT_EQ(script->requests, 2);
}

TEST(AgentRunTest, AHandoffGivesTheConversationToTheOtherAgent) {
    auto script = std::make_shared<Script>();
    script->answers = {calls({{"transfer_to_billing", "{}"}}), says("Your invoice is on its way.")};
    std::vector<std::string> log;
    auto billing = std::make_shared<agent::Agent>(
        agent::Agent{.name = "billing", .instructions = "You handle invoices.", .model = "gpt-4o", .tools = {sleeper("resend", log)}});
    const agent::Agent triage{.name = "triage", .instructions = "Route the user.", .handoffs = {{billing}}};
    agent::RunResult result;
    with_client(script, [&](llm::Client& client) -> Task<> { result = co_await agent::run(client, triage, "Where is my invoice?"s); });
    EXPECT_EQ(result.last_agent, "billing");
    EXPECT_EQ(result.final_output, "Your invoice is on its way.");
    const Json first = sent(*script, 0);
    EXPECT_EQ(first["tools"][0]["function"]["name"], "transfer_to_billing");
    EXPECT_EQ(first["model"], "gpt-4o-mini");
    const Json second = sent(*script, 1);
    EXPECT_EQ(second["model"], "gpt-4o");
    EXPECT_EQ(second["messages"][0]["content"], "You handle invoices.");
    EXPECT_EQ(second["messages"][1]["content"], "Where is my invoice?");  // the same conversation
    EXPECT_EQ(second["messages"][3]["content"], "Transferred to billing.");
    EXPECT_EQ(second["tools"][0]["function"]["name"], "resend");
    EXPECT_EQ(result.new_items[2], (agent::RunItem{agent::RunItem::Kind::Handoff, "triage", "billing"}));
}

TEST(AgentRunTest, AnAgentCalledAsAToolRunsItsOwnLoopAndSharesTheTotals) {
    auto script = std::make_shared<Script>();
    script->answers = {calls({{"ask_researcher", R"({"input":"find X"})"}}), says("X is 42.", 100), says("The answer is 42.")};
    const agent::Agent researcher{.name = "researcher", .instructions = "Research."};
    const agent::Agent lead{.name = "lead", .tools = {researcher.as_tool("ask_researcher", "Ask the researcher")}};
    agent::RunResult result;
    with_client(script, [&](llm::Client& client) -> Task<> { result = co_await agent::run(client, lead, "What is X?"s); });
    EXPECT_EQ(result.final_output, "The answer is 42.");
    const Json nested = sent(*script, 1);
    EXPECT_EQ(nested["messages"][0]["content"], "Research.");
    EXPECT_EQ(nested["messages"][1]["content"], "find X");
    EXPECT_EQ(sent(*script, 2)["messages"][2]["content"], "X is 42.");  // the lead has no system message
    EXPECT_EQ(result.usage.total_tokens, 15 + 100 + 15);
    EXPECT_EQ(result.turns, 2);
}

TEST(AgentRunTest, TheTokenBudgetStopsTheRunAfterTheCallThatSpentIt) {
    auto script = std::make_shared<Script>();
    script->answers = {calls({{"noop", "{}"}})};
    const agent::Tool noop = agent::Tool::from("noop", "", [] { return "ok"; }, {.blocking = false});
    const agent::Agent a{.name = "a", .tools = {noop}};
    std::string error;
    with_client(script, [&](llm::Client& client) -> Task<> {
        try {
            co_await agent::run(client, a, "Go."s, {.max_total_tokens = 40});
        } catch (const agent::BudgetExceeded& e) {
            error = e.what();
        }
    });
    EXPECT_EQ(error, "the run used 45 tokens, over its budget of 40");
    EXPECT_EQ(script->requests, 3);
}

TEST(AgentRunTest, CancellingTheRunCancelsTheToolsInFlight) {
    auto script = std::make_shared<Script>();
    script->answers = {calls({{"wait", "{}"}, {"wait", "{}"}})};
    int cancelled = 0;
    const agent::Tool wait = agent::Tool::from("wait", "", [&cancelled]() -> Task<std::string> {
        co_await sleep_counting_cancel(1h, cancelled);
        co_return "late";
    });
    const agent::Agent a{.name = "a", .tools = {wait}};
    bool threw = false;
    with_client(script, [&](llm::Client& client) -> Task<> {
        auto running = create_task(agent::run(client, a, "Go."s));
        co_await sleep(10s);
        running.cancel();
        try {
            co_await running;
        } catch (const CancelledError&) {
            threw = true;
        }
    });
    EXPECT_TRUE(threw);
    EXPECT_EQ(cancelled, 2);
}

TEST(AgentRunTest, TheRunTimeoutCutsOffASlowToolAndRaisesTimeoutError) {
    auto script = std::make_shared<Script>();
    script->answers = {calls({{"wait", "{}"}})};
    int cancelled = 0;
    const agent::Tool wait = agent::Tool::from("wait", "", [&cancelled]() -> Task<std::string> {
        co_await sleep_counting_cancel(1h, cancelled);
        co_return "late";
    });
    const agent::Agent a{.name = "a", .tools = {wait}};
    bool timed_out = false;
    with_client(script, [&](llm::Client& client) -> Task<> {
        try {
            co_await agent::run(client, a, "Go."s, {.timeout = 30s});
        } catch (const TimeoutError&) {
            timed_out = true;
        }
    });
    EXPECT_TRUE(timed_out);
    EXPECT_EQ(cancelled, 1);
}

namespace {
Task<agent::GuardrailResult> flag_after(Duration delay, bool trip, std::string info) {
    co_await sleep(delay);
    co_return agent::GuardrailResult{trip, std::move(info)};
}
}  // namespace

TEST(AgentRunTest, AnInputGuardrailThatTripsCancelsTheFirstModelCall) {
    auto script = std::make_shared<Script>();
    script->answers = {[](http::Request&) -> Task<http::Response> {
        co_await sleep(1h);  // a model that would take an hour
        co_return http::Response::json("{}");
    }};
    agent::Agent tutor{.name = "tutor"};
    tutor.input_guardrails = {{"no_homework", [](const std::vector<llm::Message>& input) {
                                   return flag_after(2s, input.back().content->find("homework") != std::string::npos,
                                                     "asks for homework");
                               }}};
    std::string error;
    Duration took{};
    with_client(script, [&](llm::Client& client) -> Task<> {
        const TimePoint start = get_running_loop().now();
        try {
            co_await agent::run(client, tutor, "Do my homework."s);
        } catch (const agent::InputGuardrailTripped& e) {
            error = e.what();
            EXPECT_EQ(e.guardrail(), "no_homework");
        }
        took = get_running_loop().now() - start;
    });
    EXPECT_EQ(error, "input guardrail 'no_homework' tripped: asks for homework");
    EXPECT_EQ(took, Duration(2s));  // the model call was cancelled, not waited for
}

TEST(AgentRunTest, AGuardrailThatPassesLetsTheRunGoOnAndAnOutputGuardrailChecksTheFinalOutput) {
    auto script = std::make_shared<Script>();
    script->answers = {says("The password is hunter2.")};
    agent::Agent helper{.name = "helper"};
    helper.input_guardrails = {{"fine", [](const std::vector<llm::Message>&) { return flag_after(1s, false, ""); }}};
    helper.output_guardrails = {{"no_secrets", [](const std::string& output) -> Task<agent::GuardrailResult> {
                                     co_return agent::GuardrailResult{output.find("password") != std::string::npos,
                                                                      "leaks a password"};
                                 }}};
    std::string error;
    with_client(script, [&](llm::Client& client) -> Task<> {
        try {
            co_await agent::run(client, helper, "Tell me."s);
        } catch (const agent::OutputGuardrailTripped& e) {
            error = e.what();
        }
    });
    EXPECT_EQ(error, "output guardrail 'no_secrets' tripped: leaks a password");
    EXPECT_EQ(script->requests, 1);
}

TEST(AgentRunTest, ASessionCarriesTheConversationIntoTheNextRun) {
    auto script = std::make_shared<Script>();
    script->answers = {says("Hello Ada."), says("Your name is Ada.")};
    const agent::Agent assistant{.name = "assistant", .instructions = "Be brief."};
    agent::MemorySession memory;
    with_client(script, [&](llm::Client& client) -> Task<> {
        co_await agent::run(client, assistant, "My name is Ada."s, {.session = &memory});
        co_await agent::run(client, assistant, "What is my name?"s, {.session = &memory});
    });
    const Json second = sent(*script, 1);
    ASSERT_EQ(second["messages"].size(), 4u);  // system, then the first turn, then the question
    EXPECT_EQ(second["messages"][1]["content"], "My name is Ada.");
    EXPECT_EQ(second["messages"][2]["content"], "Hello Ada.");
    EXPECT_EQ(second["messages"][3]["content"], "What is my name?");
    const std::vector<llm::Message> kept = run_virtual(memory.messages());
    ASSERT_EQ(kept.size(), 4u);
    EXPECT_EQ(kept[3].content, "Your name is Ada.");
}

TEST(AgentRunTest, AFailedRunAddsNothingToItsSession) {
    auto script = std::make_shared<Script>();
    script->answers = {calls({{"noop", "{}"}})};
    const agent::Tool noop = agent::Tool::from("noop", "", [] { return "ok"; }, {.blocking = false});
    const agent::Agent looper{.name = "looper", .tools = {noop}};
    agent::MemorySession memory;
    with_client(script, [&](llm::Client& client) -> Task<> {
        EXPECT_THROW(co_await agent::run(client, looper, "Go."s, {.max_turns = 2, .session = &memory}), agent::MaxTurnsExceeded);
    });
    EXPECT_TRUE(run_virtual(memory.messages()).empty());
}
