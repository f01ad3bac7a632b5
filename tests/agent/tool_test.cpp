// tool.hpp: a tool call from the model's argument text to the result the
// model reads; everything that goes wrong inside becomes that result.
#include <agentio/agent/tool.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/test_support.hpp"

using namespace agentio;
using namespace agentio::testkit;
using namespace std::chrono_literals;
using agent::Json;

namespace {

struct GetWeather {
    std::string city;
    std::optional<std::string> unit;
    static auto describe() {
        return agent::fields(agent::field("city", &GetWeather::city, "The city"),
                             agent::field("unit", &GetWeather::unit).one_of({"celsius", "fahrenheit"}));
    }
};

struct Weather {
    std::string city;
    double degrees = 0;
    static auto describe() {
        return agent::fields(agent::field("city", &Weather::city), agent::field("degrees", &Weather::degrees));
    }
};

agent::Tool weather_tool(int& calls) {
    return agent::Tool::from("get_weather", "Weather for a city", [&calls](GetWeather args) -> Task<std::string> {
        ++calls;
        co_await sleep(10ms);
        co_return "18 degrees in " + args.city + (args.unit ? " (" + *args.unit + ")" : "");
    });
}

agent::ToolResult call(const agent::Tool& tool, std::string arguments) {
    return run_virtual([](agent::Tool tool, std::string arguments) -> Task<agent::ToolResult> {
        co_return co_await tool.invoke(arguments);
    }(tool, std::move(arguments)));
}

}  // namespace

TEST(ToolTest, ATypedToolOffersItsSchemaAndNameToTheModel) {
    int calls = 0;
    const llm::Tool offered = weather_tool(calls).definition();
    EXPECT_EQ(offered.name, "get_weather");
    EXPECT_EQ(offered.description, "Weather for a city");
    EXPECT_EQ(offered.strict, true);
    EXPECT_EQ(offered.parameters, agent::schema_of<GetWeather>());
}

TEST(ToolTest, AnAsyncToolRunsOnTheLoopWithTheParsedArguments) {
    int calls = 0;
    const agent::ToolResult result = call(weather_tool(calls), R"({"city":"Paris","unit":"celsius"})");
    EXPECT_FALSE(result.is_error);
    EXPECT_EQ(result.content, "18 degrees in Paris (celsius)");
    EXPECT_EQ(calls, 1);
}

TEST(ToolTest, InvalidArgumentsAreToldToTheModelAndTheFunctionIsNotCalled) {
    int calls = 0;
    const agent::Tool tool = weather_tool(calls);
    EXPECT_EQ(call(tool, R"({"city":"Paris","unit":"kelvin"})").content,
              R"(error: invalid arguments: unit: expected one of "celsius", "fahrenheit", got "kelvin")");
    EXPECT_EQ(call(tool, R"({"town":"Paris"})").content, "error: invalid arguments: town: is not a property of this object");
    const agent::ToolResult broken = call(tool, R"({"city": "Par)");
    EXPECT_TRUE(broken.is_error);
    EXPECT_EQ(broken.content, R"(error: the arguments are not valid JSON: {"city": "Par)");
    EXPECT_EQ(calls, 0);
}

TEST(ToolTest, ParsedArgumentsAreCheckedAsTextIsAndTheCallOutlivesItsTool) {
    int calls = 0;
    Task<agent::ToolResult> valid;
    Task<agent::ToolResult> invalid;
    {
        const agent::Tool tool = weather_tool(calls);
        valid = tool.invoke_parsed(Json{{"city", "Oslo"}});
        invalid = tool.invoke_parsed(Json{{"city", "Oslo"}, {"unit", "kelvin"}});
    }  // the tasks run after the Tool is gone
    using Results = std::pair<agent::ToolResult, agent::ToolResult>;
    const auto [ok, refused] = run_virtual([](Task<agent::ToolResult> first, Task<agent::ToolResult> second) -> Task<Results> {
        agent::ToolResult a = co_await std::move(first);
        agent::ToolResult b = co_await std::move(second);
        co_return Results(std::move(a), std::move(b));
    }(std::move(valid), std::move(invalid)));
    EXPECT_EQ(ok.content, "18 degrees in Oslo");
    EXPECT_EQ(refused.content, R"(error: invalid arguments: unit: expected one of "celsius", "fahrenheit", got "kelvin")");
    EXPECT_EQ(calls, 1);
}

TEST(ToolTest, APlainFunctionRunsOnAWorkerThreadUnlessItSaysItDoesNotBlock) {
    const std::thread::id loop_thread = std::this_thread::get_id();
    auto where = [loop_thread](GetWeather) { return std::this_thread::get_id() == loop_thread ? "loop" : "worker"; };
    EXPECT_EQ(call(agent::Tool::from("where", "", where), R"({"city":"x","unit":null})").content, "worker");
    EXPECT_EQ(call(agent::Tool::from("where", "", where, {.blocking = false}), R"({"city":"x","unit":null})").content,
              "loop");
}

TEST(ToolTest, ResultsOfEveryKindBecomeText) {
    const agent::Tool structured = agent::Tool::from("w", "", [](GetWeather args) {
        return Weather{args.city, 18.5};
    });
    EXPECT_EQ(Json::parse(call(structured, R"({"city":"Oslo","unit":null})").content),
              Json({{"city", "Oslo"}, {"degrees", 18.5}}));
    EXPECT_EQ(call(agent::Tool::from("n", "", [] { return 42; }), "").content, "42");
    EXPECT_EQ(call(agent::Tool::from("j", "", [] { return Json{{"a", 1}}; }), "{}").content, R"({"a":1})");
    bool ran = false;
    const agent::ToolResult nothing = call(agent::Tool::from("v", "", [&ran]() -> Task<> {
        ran = true;
        co_return;
    }), "");
    EXPECT_TRUE(ran);
    EXPECT_FALSE(nothing.is_error);
    EXPECT_EQ(call(agent::Tool::from("none", "", [] { return 1; }), R"({"x":1})").content,
              R"(error: invalid arguments: this tool takes no arguments, got {"x":1})");
}

TEST(ToolTest, AToolThatThrowsIsAnErrorResultNotACrash) {
    const agent::Tool failing = agent::Tool::from("f", "", []() -> Task<std::string> {
        throw std::runtime_error("database is down");
        co_return "";
    });
    const agent::ToolResult result = call(failing, "{}");
    EXPECT_TRUE(result.is_error);
    EXPECT_EQ(result.content, "error: database is down");
}

TEST(ToolTest, AToolThatRunsPastItsTimeoutIsCutOffAndSaysSo) {
    bool finished = false;
    const agent::Tool slow = agent::Tool::from("slow", "", [&finished]() -> Task<std::string> {
        co_await sleep(1h);
        finished = true;
        co_return "late";
    }, {.timeout = 2500ms});
    const agent::ToolResult result = run_virtual([](agent::Tool tool) -> Task<agent::ToolResult> {
        const TimePoint start = get_running_loop().now();
        agent::ToolResult r = co_await tool.invoke("{}");
        EXPECT_EQ(get_running_loop().now() - start, Duration(2500ms));
        co_return r;
    }(slow));
    EXPECT_EQ(result.content, "error: the tool timed out after 2.5 s");
    EXPECT_FALSE(finished);
}

TEST(ToolTest, ARetryPolicyRetriesAFailingToolAfterItsWait) {
    int attempts = 0;
    agent::ToolOptions options;
    options.retry = {.max_retries = 2, .initial_delay = 1s, .jitter = 0};
    const agent::Tool flaky = agent::Tool::from("flaky", "", [&attempts]() -> Task<std::string> {
        if (++attempts < 3) throw std::runtime_error("try again");
        co_return "ok";
    }, options);
    const Duration waited = run_virtual([](agent::Tool tool) -> Task<Duration> {
        const TimePoint start = get_running_loop().now();
        EXPECT_EQ((co_await tool.invoke("")).content, "ok");
        co_return get_running_loop().now() - start;
    }(flaky));
    EXPECT_EQ(attempts, 3);
    EXPECT_GE(waited, Duration(3s));  // 1 s, then 2 s
}

TEST(ToolTest, TheConcurrencyLimitHoldsAcrossCallsAndCopies) {
    int in_flight = 0, most = 0;
    const agent::Tool limited = agent::Tool::from("limited", "", [&]() -> Task<std::string> {
        most = std::max(most, ++in_flight);
        co_await sleep(1s);
        --in_flight;
        co_return "done";
    }, {.max_concurrency = 2});
    run_virtual([](agent::Tool tool) -> Task<> {
        agent::Tool copy = tool;
        co_await gather(tool.invoke(""), copy.invoke(""), tool.invoke(""), copy.invoke(""), tool.invoke(""));
    }(limited));
    EXPECT_EQ(most, 2);
}

TEST(ToolTest, ACancellationTheToolRaisesItselfIsAResultButTheCallersPropagates) {
    const agent::Tool self_cancelling = agent::Tool::from("c", "", []() -> Task<std::string> {
        throw CancelledError("the tool gave up");
        co_return "";
    });
    const agent::ToolResult result = call(self_cancelling, "");
    EXPECT_TRUE(result.is_error);
    EXPECT_NE(result.content.find("the tool gave up"), std::string::npos);

    int cancelled = 0;
    const agent::Tool slow = agent::Tool::from("s", "", [&cancelled]() -> Task<std::string> {
        co_await sleep_counting_cancel(1h, cancelled);
        co_return "late";
    });
    run_virtual([](agent::Tool tool) -> Task<> {
        auto handle = create_task(tool.invoke(""));
        co_await sleep(1s);
        handle.cancel();
        EXPECT_THROW(co_await handle, CancelledError);
    }(slow));
    EXPECT_EQ(cancelled, 1);
}

TEST(ToolTest, AToolFromAHandWrittenSchemaTakesAnyJsonArguments) {
    const agent::Tool raw("echo", "Echoes", Json{{"type", "object"}}, [](Json arguments) -> Task<agent::ToolResult> {
        co_return agent::ToolResult{arguments.dump(), false};
    }, {.strict = false});
    EXPECT_FALSE(raw.definition().strict);
    EXPECT_EQ(call(raw, R"({"a": [1, 2]})").content, R"({"a":[1,2]})");
}
