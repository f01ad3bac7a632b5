// run_stream.hpp: a run's events as they happen, on the embedded simulator.
#include <agentio/agent/run_stream.hpp>
#include <gtest/gtest.h>

#include "sim/sim_fixture.hpp"

using namespace agentio;
using namespace std::chrono_literals;
using Kind = agent::RunEvent::Kind;

namespace {
struct WeatherQuery {
    std::string city;
    static auto describe() { return agent::fields(agent::field("city", &WeatherQuery::city, "The city")); }
};

agent::Tool weather_tool() {
    return agent::Tool::from("get_weather", "Get the current weather for a city", [](WeatherQuery args) -> Task<std::string> {
        co_await sleep(100ms);
        co_return "18 degrees in " + args.city;
    });
}
}  // namespace

TEST(RunStreamTest, EventsComeInOrderAndTheTextArrivesAsDeltas) {
    const agent::Agent assistant{.name = "assistant", .tools = {weather_tool()}};
    std::vector<agent::RunEvent> events;
    agent::RunResult result;
    agentio::testkit::with_sim_virtual(agentio::testkit::instant_config(), [&](sim::Server& server, http::Client&) -> Task<> {
        llm::Client client(agentio::testkit::llm_client_for(server));
        agent::RunStream stream = agent::run_streamed(client, assistant, "What is the weather in 'Paris'?");
        while (std::optional<agent::RunEvent> event = co_await stream.next()) events.push_back(std::move(*event));
        result = co_await stream.result();
    });
    ASSERT_GE(events.size(), 4u);
    EXPECT_EQ(events[0].kind, Kind::ToolCall);
    EXPECT_EQ(events[0].call.name, "get_weather");
    EXPECT_EQ(events[1].kind, Kind::ToolResult);
    EXPECT_EQ(events[1].text, "18 degrees in Paris");
    std::string streamed;
    for (std::size_t i = 2; i + 1 < events.size(); ++i) {
        EXPECT_EQ(events[i].kind, Kind::TextDelta);
        streamed += events[i].text;
    }
    EXPECT_GT(events.size(), 4u);  // the answer came in more than one piece
    EXPECT_EQ(events.back().kind, Kind::Final);
    EXPECT_EQ(events.back().text, result.final_output);
    EXPECT_EQ(streamed, result.final_output);
    EXPECT_GT(result.usage.total_tokens, 0);
}

TEST(RunStreamTest, ARunThatFailsEndsItsEventsWithItsError) {
    const agent::Agent looper{.name = "looper", .tools = {weather_tool()}};
    bool threw = false;
    agentio::testkit::with_sim_virtual(agentio::testkit::instant_config(), [&](sim::Server& server, http::Client&) -> Task<> {
        llm::Client client(agentio::testkit::llm_client_for(server));
        agent::RunStream stream = agent::run_streamed(client, looper, "Weather in 'Oslo'?", {.max_turns = 1});
        try {
            while (co_await stream.next()) {
            }
        } catch (const agent::MaxTurnsExceeded&) {
            threw = true;
        }
    });
    EXPECT_TRUE(threw);
}

TEST(RunStreamTest, DroppingTheStreamCancelsTheRun) {
    int cancelled = 0;
    const agent::Tool slow = agent::Tool::from("get_weather", "Get the current weather for a city",
                                               [&cancelled](WeatherQuery) -> Task<std::string> {
                                                   try {
                                                       co_await sleep(1h);
                                                   } catch (const CancelledError&) {
                                                       ++cancelled;
                                                       throw;
                                                   }
                                                   co_return std::string();
                                               });
    const agent::Agent assistant{.name = "assistant", .tools = {slow}};
    agentio::testkit::with_sim_virtual(agentio::testkit::instant_config(), [&](sim::Server& server, http::Client&) -> Task<> {
        llm::Client client(agentio::testkit::llm_client_for(server));
        {
            agent::RunStream stream = agent::run_streamed(client, assistant, "Weather in 'Rome'?");
            const std::optional<agent::RunEvent> first = co_await stream.next();  // the tool call
            EXPECT_TRUE(first && first->kind == Kind::ToolCall);
            co_await sleep(1s);
        }
        co_await sleep(1s);  // the cancelled run winds down
    });
    EXPECT_EQ(cancelled, 1);
}
