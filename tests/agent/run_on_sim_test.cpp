// The agent loop on the embedded simulator, with no API: the simulator's tool
// policy calls the tools the question names, the run executes them
// concurrently, and the answer carries their results.
#include <agentio/agent/run.hpp>
#include <agentio/agent/run_all.hpp>
#include <agentio/sim/server.hpp>
#include <gtest/gtest.h>

#include "sim/sim_fixture.hpp"

using namespace agentio;
using namespace std::chrono_literals;
using namespace std::string_literals;

namespace {

struct City {
    std::string city;
    static auto describe() { return agent::fields(agent::field("city", &City::city, "The city")); }
};

struct Zone {
    std::string timezone;
    static auto describe() { return agent::fields(agent::field("timezone", &Zone::timezone, "An IANA time zone")); }
};

}  // namespace

TEST(AgentOnSimTest, AnAgentCallsTheToolsTheQuestionNamesAndAnswersWithTheirResults) {
    int weather_calls = 0, time_calls = 0;
    const agent::Tool weather = agent::Tool::from("get_weather", "Get the current weather for a city",
                                                  [&weather_calls](City args) -> Task<std::string> {
                                                      ++weather_calls;
                                                      co_await sleep(50ms);
                                                      co_return "18 degrees in " + args.city;
                                                  });
    const agent::Tool clock = agent::Tool::from("get_time", "Get the current time in a time zone",
                                                [&time_calls](Zone args) -> Task<std::string> {
                                                    ++time_calls;
                                                    co_await sleep(50ms);
                                                    co_return "09:00 in " + args.timezone;
                                                });
    const agent::Agent assistant{.name = "assistant", .instructions = "Use the tools.", .tools = {weather, clock}};
    agent::RunResult result;
    agentio::testkit::with_sim_virtual(agentio::testkit::instant_config(), [&](sim::Server& server, http::Client&) -> Task<> {
        llm::Client client(agentio::testkit::llm_client_for(server));
        result = co_await agent::run(client, assistant, "What is the weather in 'Paris' and the time in 'Europe/Paris'?"s);
    });
    EXPECT_EQ(weather_calls, 1);
    EXPECT_EQ(time_calls, 1);
    EXPECT_EQ(result.turns, 2);
    EXPECT_NE(result.final_output.find("get_weather: 18 degrees in Paris"), std::string::npos) << result.final_output;
    EXPECT_NE(result.final_output.find("get_time: 09:00 in Europe/Paris"), std::string::npos) << result.final_output;
    EXPECT_GT(result.usage.total_tokens, 0);
}

TEST(AgentOnSimTest, FanOutRunsEveryAgentAtOnceAndKeepsTheirOrder) {
    const std::vector<agent::Agent> panel{{.name = "optimist", .instructions = "Be upbeat."},
                                          {.name = "pessimist", .instructions = "Be gloomy."},
                                          {.name = "realist", .instructions = "Be factual."}};
    std::vector<agent::RunResult> views;
    Duration took{};
    sim::Config config = agentio::testkit::instant_config();
    config.latency.time_to_first_token = 1s;
    config.latency.spread = 0;
    agentio::testkit::with_sim_virtual(config, [&](sim::Server& server, http::Client&) -> Task<> {
        llm::Client client(agentio::testkit::llm_client_for(server));
        const TimePoint start = get_running_loop().now();
        views = co_await agent::run_all(client, panel, "Should we ship on Friday?"s);
        took = get_running_loop().now() - start;
    });
    ASSERT_EQ(views.size(), 3u);
    EXPECT_EQ(views[0].last_agent, "optimist");
    EXPECT_EQ(views[2].last_agent, "realist");
    for (const agent::RunResult& view : views) EXPECT_FALSE(view.final_output.empty());
    EXPECT_GE(took, Duration(1s));
    EXPECT_LT(took, Duration(2s));  // concurrently: one time to first token, not three
}

namespace {

// Declared out of alphabetical order: the schema keeps the declaration's.
struct Transfer {
    double amount = 0;
    double account = 0;
    static auto describe() {
        return agent::fields(agent::field("amount", &Transfer::amount, "How much"),
                             agent::field("account", &Transfer::account, "To which account"));
    }
};

}  // namespace

TEST(AgentOnSimTest, AToolsParametersReachTheModelInTheOrderTheyWereDeclared) {
    Transfer got;
    const agent::Tool transfer = agent::Tool::from("transfer", "Transfer money to an account", [&got](Transfer args) -> Task<std::string> {
        got = args;
        co_return "done";
    });
    EXPECT_EQ(transfer.definition().parameters["properties"].begin().key(), "amount");
    const agent::Agent teller{.name = "teller", .instructions = "Use the tools.", .tools = {transfer}};
    agentio::testkit::with_sim_virtual(agentio::testkit::instant_config(), [&](sim::Server& server, http::Client&) -> Task<> {
        llm::Client client(agentio::testkit::llm_client_for(server));
        co_await agent::run(client, teller, "Please transfer 250 to account 1234."s);
    });
    // The simulator gives the message's numbers to the number parameters in
    // the order the request lists them.
    EXPECT_EQ(got.amount, 250);
    EXPECT_EQ(got.account, 1234);
}
