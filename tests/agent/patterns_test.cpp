// run_planned.hpp and run_validated.hpp against a scripted model, on the
// virtual clock.
#include <agentio/agent/run_planned.hpp>
#include <agentio/agent/run_validated.hpp>
#include <gtest/gtest.h>

#include "agent/scripted_agent.hpp"

using namespace agentio;
using namespace agentio::testkit;
using namespace std::chrono_literals;
using namespace std::string_literals;
using agent::Json;

namespace {

Task<http::Response> answer_after(http::Handler reply, Duration delay, http::Request& request) {
    co_await sleep(delay);
    Task<http::Response> answer = reply(request);
    co_return co_await std::move(answer);
}

// A reply that takes `delay` (the server sleeps before answering).
http::Handler says_after(std::string text, Duration delay) {
    http::Handler reply = says(std::move(text));
    return [reply, delay](http::Request& request) { return answer_after(reply, delay, request); };
}

}  // namespace

TEST(AgentPatternsTest, APlannersStepsRunConcurrentlyWithinTheLimitAndComeBackInOrder) {
    auto script = std::make_shared<Script>();
    script->answers = {says(R"({"steps":["one","two","three"]})", 30), says_after("done", 1s)};
    const agent::Agent planner{.name = "planner", .instructions = "Split the task."};
    const agent::Agent worker{.name = "worker"};
    agent::Planned planned;
    Duration took{};
    with_client(script, [&](llm::Client& client) -> Task<> {
        const TimePoint start = get_running_loop().now();
        planned = co_await agent::run_planned(client, planner, worker, "Do three things."s, {.max_concurrency = 2});
        took = get_running_loop().now() - start;
    });
    EXPECT_EQ(planned.plan.steps, (std::vector<std::string>{"one", "two", "three"}));
    ASSERT_EQ(planned.steps.size(), 3u);
    EXPECT_EQ(script->max_in_flight, 2);
    EXPECT_EQ(took, 2s) << "three 1 s steps, two at a time";
    EXPECT_EQ(planned.usage.total_tokens, 30 + 3 * 15);
    const Json planning_request = sent(*script, 0);
    EXPECT_EQ(planning_request["response_format"]["json_schema"]["name"], "plan");
    std::vector<std::string> step_inputs;
    for (std::size_t i = 1; i < 4; ++i) step_inputs.push_back(sent(*script, i)["messages"][0]["content"]);
    std::sort(step_inputs.begin(), step_inputs.end());
    EXPECT_EQ(step_inputs, (std::vector<std::string>{"one", "three", "two"}));
}

TEST(AgentPatternsTest, ARejectedOutputGoesBackWithTheFeedbackUntilApproved) {
    auto script = std::make_shared<Script>();
    script->answers = {says("draft 1"), says(R"({"approved":false,"feedback":"too short"})"), says("draft 2"),
                       says(R"({"approved":true,"feedback":""})")};
    const agent::Agent writer{.name = "writer"};
    const agent::Agent reviewer{.name = "reviewer"};
    agent::Validated checked;
    with_client(script, [&](llm::Client& client) -> Task<> {
        checked = co_await agent::run_validated(client, writer, reviewer, "Write a note."s);
    });
    EXPECT_TRUE(checked.approved());
    EXPECT_EQ(checked.rounds(), 2);
    EXPECT_EQ(checked.result.final_output, "draft 2");
    EXPECT_EQ(checked.verdicts[0].feedback, "too short");
    EXPECT_EQ(checked.usage.total_tokens, 4 * 15);
    const Json revision = sent(*script, 2)["messages"];
    ASSERT_EQ(revision.size(), 3u);
    EXPECT_EQ(revision[1]["content"], "draft 1");
    EXPECT_EQ(revision[2]["content"], "A reviewer rejected this answer: too short. Revise it.");
    const std::string review = sent(*script, 1)["messages"][0]["content"];
    EXPECT_NE(review.find("Output to check:\ndraft 1"), std::string::npos) << review;
}

TEST(AgentPatternsTest, AfterMaxRoundsTheLastOutputComesBackUnapproved) {
    auto script = std::make_shared<Script>();
    script->answers = {says("draft 1"), says(R"({"approved":false,"feedback":"no"})"), says("draft 2"),
                       says(R"({"approved":false,"feedback":"still no"})")};
    const agent::Agent writer{.name = "writer"};
    const agent::Agent reviewer{.name = "reviewer"};
    agent::Validated checked;
    with_client(script, [&](llm::Client& client) -> Task<> {
        checked = co_await agent::run_validated(client, writer, reviewer, "Write a note."s, {.max_rounds = 2});
    });
    EXPECT_FALSE(checked.approved());
    EXPECT_EQ(checked.rounds(), 2);
    EXPECT_EQ(checked.result.final_output, "draft 2");
    EXPECT_EQ(script->requests, 4);
}
