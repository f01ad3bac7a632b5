// llm::Client against the simulator on loopback, on the virtual clock: every
// fault the simulator injects ends in a reply or a typed error, never a hang
// or a short success; retry-after is waited out; a stalled stream meets the
// first-token timeout; interleaved tool-call deltas assemble exactly.
#include <agentio/agentio.hpp>
#include <agentio/llm/client.hpp>
#include <agentio/net/errors.hpp>
#include <agentio/sim/server.hpp>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

#include "sim/sim_fixture.hpp"

using namespace agentio;
using namespace std::chrono_literals;
using agentio::testkit::Json;

namespace {

constexpr const char* kSimKey = "sk-sim-7op-5ecret";

llm::ClientOptions client_for(const sim::Server& server) {
    llm::ClientOptions options;
    options.api_key = kSimKey;
    options.base_url = "http://127.0.0.1:" + std::to_string(server.port()) + "/v1";
    options.http.proxy = http::ProxyConfig{};
    options.jitter_seed = 7;
    return options;
}

sim::Config sim_config() {
    sim::Config config;
    config.api_key = kSimKey;
    config.latency.time_to_first_token = 200ms;
    config.latency.inter_token = 10ms;
    config.output.min_tokens = 5;
    config.output.max_tokens = 20;
    return config;
}

llm::ChatRequest ask(std::string text) {
    llm::ChatRequest request;
    request.model = "sim-small";
    request.messages = {llm::Message::user(std::move(text))};
    return request;
}

// How one call ended: the reply's text, or the error's type.
struct CallEnd {
    bool replied = false;
    std::string finish_reason;
    std::string error;  // "api", "rate_limit", "stream", "first_token", "idle", "timeout", "connection"
    std::string message;
};

std::string kind_of(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const llm::RateLimitError&) {
        return "rate_limit";
    } catch (const llm::ApiError&) {
        return "api";
    } catch (const llm::StreamError&) {
        return "stream";
    } catch (const llm::FirstTokenTimeout&) {
        return "first_token";
    } catch (const llm::StreamIdleTimeout&) {
        return "idle";
    } catch (const TimeoutError&) {
        return "timeout";
    } catch (const net::ConnectionError&) {
        return "connection";
    } catch (const std::exception& e) {
        return std::string("untyped: ") + e.what();
    }
}

std::string message_of(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return e.what();
    }
}

Task<CallEnd> one_call(llm::Client& client, int i) {
    CallEnd outcome;
    std::exception_ptr error;
    try {
        if (i % 2 == 0) {
            llm::ChatStream stream = co_await client.chat_stream(ask("question " + std::to_string(i)));
            while (co_await stream.next()) {
            }
            outcome.finish_reason = stream.response().choices.at(0).finish_reason;
        } else {
            const llm::ChatResponse reply = co_await client.chat(ask("question " + std::to_string(i)));
            outcome.finish_reason = reply.choices.at(0).finish_reason;
        }
        outcome.replied = true;
    } catch (...) {
        error = std::current_exception();
    }
    if (error) {
        outcome.error = kind_of(error);
        outcome.message = message_of(error);
    }
    co_return outcome;
}

class ScriptFile {
public:
    explicit ScriptFile(const std::string& text)
        : path_(::testing::TempDir() + "llm_client_sim_test." + std::to_string(::getpid()) + ".jsonl") {
        std::ofstream(path_) << text;
    }
    ~ScriptFile() { std::remove(path_.c_str()); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

}  // namespace

TEST(LlmClientSimTest, UnderEveryFaultEachCallEndsInAReplyOrATypedError) {
    sim::Config config = sim_config();
    config.faults = sim::Faults::spread(0.3);  // 5% of each of the six kinds
    std::vector<CallEnd> outcomes;
    std::vector<llm::RequestRecord> records;
    agentio::testkit::with_sim_virtual(config, [&](sim::Server& server, http::Client&) -> Task<> {
        llm::ClientOptions options = client_for(server);
        options.timeouts.first_token = 2s;
        options.timeouts.idle = 2s;
        options.timeouts.total = 60s;
        options.retry.max_retries = 2;
        options.on_record = [&](const llm::RequestRecord& record) { records.push_back(record); };
        llm::Client client(options);
        std::vector<Task<CallEnd>> calls;
        for (int i = 0; i < 300; ++i) calls.push_back(one_call(client, i));
        outcomes = co_await gather(std::move(calls));
    });
    ASSERT_EQ(outcomes.size(), 300u);
    EXPECT_EQ(records.size(), 300u);
    std::map<std::string, int> errors;
    int replies = 0;
    for (const CallEnd& outcome : outcomes) {
        if (outcome.replied) {
            ++replies;
            EXPECT_TRUE(outcome.finish_reason == "stop" || outcome.finish_reason == "length") << outcome.finish_reason;
        } else {
            ++errors[outcome.error];
            EXPECT_EQ(outcome.error.rfind("untyped", 0), std::string::npos) << outcome.message;
            EXPECT_EQ(outcome.message.find(kSimKey), std::string::npos);
        }
    }
    // With two retries a call fails when three attempts in a row drew a
    // fault (under 3%), or when a reset or malformed chunk came after content
    // (thrown, not retried: about 10% of the streams).
    std::string tally;
    for (const auto& [kind, count] : errors) tally += kind + "=" + std::to_string(count) + " ";
    EXPECT_GT(replies, 240) << tally;
    EXPECT_LT(replies, 300) << "some faults must surface after content (resets, malformed chunks)";
    int retried = 0;
    for (const llm::RequestRecord& record : records) {
        if (record.retries > 0) ++retried;
        EXPECT_EQ(record.retries, static_cast<int>(record.retry_log.size()));
    }
    EXPECT_GT(retried, 50);
}

TEST(LlmClientSimTest, AStreamResetMidWayIsAnErrorNotATruncatedSuccess) {
    sim::Config config = sim_config();
    config.faults.reset_mid_stream = 1.0;
    std::string text;
    std::string error;
    agentio::testkit::with_sim_virtual(config, [&](sim::Server& server, http::Client&) -> Task<> {
        llm::ClientOptions options = client_for(server);
        options.retry.max_retries = 0;
        llm::Client client(options);
        std::exception_ptr failure;
        try {
            llm::ChatStream stream = co_await client.chat_stream(ask("tell me a story"));
            while (const llm::ChatChunk* chunk = co_await stream.next())
                for (const auto& choice : chunk->choices) text += choice.content;
        } catch (...) {
            failure = std::current_exception();
        }
        if (failure) error = kind_of(failure);
    });
    EXPECT_FALSE(text.empty()) << "the reset comes after some content";
    EXPECT_TRUE(error == "connection" || error == "stream") << error;
}

// A request the server refused (404: no such model) used no tokens: its
// record says none, streamed or not, so no total counts them.
TEST(LlmClientSimTest, ARefusedRequestRecordsNoTokensStreamedOrNot) {
    sim::Config config = sim_config();
    config.models = {"sim-small"};
    std::vector<llm::RequestRecord> records;
    agentio::testkit::with_sim_virtual(config, [&](sim::Server& server, http::Client&) -> Task<> {
        llm::ClientOptions options = client_for(server);
        options.on_record = [&](const llm::RequestRecord& record) { records.push_back(record); };
        llm::Client client(options);
        llm::ChatRequest request = ask("hello there, how are you today?");
        request.model = "no-such-model";
        try {
            llm::ChatStream stream = co_await client.chat_stream(request);
            while (co_await stream.next()) {
            }
            ADD_FAILURE() << "streamed from a model the server does not serve";
        } catch (const llm::ApiError&) {
        }
        try {
            (void)co_await client.chat(request);
            ADD_FAILURE() << "answered from a model the server does not serve";
        } catch (const llm::ApiError&) {
        }
    });
    ASSERT_EQ(records.size(), 2u);
    for (const llm::RequestRecord& record : records) {
        EXPECT_EQ(record.status, 404);
        EXPECT_EQ(record.usage.prompt_tokens, 0);
        EXPECT_EQ(record.usage.total_tokens, 0);
        EXPECT_EQ(record.cost, 0.0);
    }
}

TEST(LlmClientSimTest, TheFirstTokenTimeoutFiresAgainstAStalledStream) {
    sim::Config config = sim_config();
    config.faults.stall = 1.0;
    std::string error;
    Duration waited{};
    int requests = 0;
    agentio::testkit::with_sim_virtual(config, [&](sim::Server& server, http::Client&) -> Task<> {
        llm::ClientOptions options = client_for(server);
        options.timeouts.first_token = 3s;
        options.retry.max_retries = 1;
        options.on_record = [&](const llm::RequestRecord& record) { requests = record.retries + 1; };
        llm::Client client(options);
        const TimePoint start = EventLoop::current()->now();
        std::exception_ptr failure;
        try {
            llm::ChatStream stream = co_await client.chat_stream(ask("hello"));
            while (co_await stream.next()) {
            }
        } catch (...) {
            failure = std::current_exception();
        }
        waited = EventLoop::current()->now() - start;
        if (failure) error = kind_of(failure);
    });
    EXPECT_EQ(error, "first_token");
    EXPECT_EQ(requests, 2);  // the stalled attempt was retried once, and stalled again
    EXPECT_GE(waited, 6s);
}

TEST(LlmClientSimTest, RetryAfterOfEach429IsWaitedOutBeforeTheNextAttempt) {
    sim::Config config = sim_config();
    config.faults.status_429 = 1.0;  // retry-after-ms of 100-1000 ms on every answer
    std::vector<llm::RequestRecord> records;
    std::string error;
    agentio::testkit::with_sim_virtual(config, [&](sim::Server& server, http::Client&) -> Task<> {
        llm::ClientOptions options = client_for(server);
        options.retry.max_retries = 3;
        options.on_record = [&](const llm::RequestRecord& record) { records.push_back(record); };
        llm::Client client(options);
        std::exception_ptr failure;
        try {
            co_await client.chat(ask("hello"));
        } catch (...) {
            failure = std::current_exception();
        }
        if (failure) error = kind_of(failure);
    });
    EXPECT_EQ(error, "rate_limit");
    ASSERT_EQ(records.size(), 1u);
    const auto& log = records[0].retry_log;
    ASSERT_EQ(log.size(), 3u);
    for (std::size_t i = 0; i < log.size(); ++i) {
        EXPECT_EQ(log[i].status, 429);
        EXPECT_GE(log[i].wait, 100ms) << "the wait is the server's retry-after, not the 0.5 s backoff";
        EXPECT_LE(log[i].wait, 1000ms);
        if (i > 0) {
            EXPECT_GE(log[i].failed_at - log[i - 1].failed_at, log[i - 1].wait);
        }
    }
}

TEST(LlmClientSimTest, RemainingRequestsHeadersPaceTheClientBeforeA429) {
    sim::Config config = sim_config();
    config.limits.requests_per_minute = 2;  // one request back every 30 s
    std::vector<llm::RequestRecord> records;
    agentio::testkit::with_sim_virtual(config, [&](sim::Server& server, http::Client&) -> Task<> {
        llm::ClientOptions options = client_for(server);  // told nothing of the limit
        options.on_record = [&](const llm::RequestRecord& record) { records.push_back(record); };
        llm::Client client(options);
        for (int i = 0; i < 3; ++i) co_await client.chat(ask("q" + std::to_string(i)));
    });
    ASSERT_EQ(records.size(), 3u);
    // x-ratelimit-remaining-requests: 0 after the second call: the third
    // waited for the reset in the client instead of drawing a 429.
    EXPECT_EQ(records[2].retries, 0);
    EXPECT_EQ(records[2].status, 200);
    EXPECT_GE(records[2].rate_limit_wait, 25s);
}

TEST(LlmClientSimTest, InterleavedToolCallDeltasAssembleToTheExactArguments) {
    const std::string weather = R"({"city":"Paris","unit":"celsius","days":[1,2,3],"note":"a \"quoted\" word"})";
    const std::string time = R"({"timezone":"Europe/Paris"})";
    const Json rule = {{"match", {{"contains", "weather"}}},
                       {"reply",
                        {{"interleave", true},
                         {"tool_calls", Json::array({{{"name", "get_weather"}, {"arguments", weather}},
                                                     {{"name", "get_time"}, {"arguments", time}}})}}}};
    ScriptFile script(rule.dump() + "\n");
    sim::Config config = sim_config();
    config.script_path = script.path();
    std::vector<llm::ToolCall> calls;
    std::string finish;
    agentio::testkit::with_sim_virtual(config, [&](sim::Server& server, http::Client&) -> Task<> {
        llm::Client client(client_for(server));
        llm::ChatStream stream = co_await client.chat_stream(ask("the weather and the time, please"));
        while (co_await stream.next()) {
        }
        calls = stream.response().tool_calls();
        finish = stream.response().choices.at(0).finish_reason;
    });
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0].name, "get_weather");
    EXPECT_EQ(calls[0].arguments, weather);
    EXPECT_EQ(calls[1].name, "get_time");
    EXPECT_EQ(calls[1].arguments, time);
    EXPECT_FALSE(calls[0].id.empty());
    EXPECT_NE(calls[0].id, calls[1].id);
    EXPECT_EQ(finish, "tool_calls");
}

TEST(LlmClientSimTest, AWrongKeyIs401AndTheKeyIsInNoMessage) {
    sim::Config config = sim_config();
    int status = 0;
    std::string message;
    agentio::testkit::with_sim_virtual(config, [&](sim::Server& server, http::Client&) -> Task<> {
        llm::ClientOptions options = client_for(server);
        options.api_key = "sk-wrong-but-still-secret-123";
        llm::Client client(options);
        try {
            co_await client.chat(ask("hi"));
        } catch (const llm::ApiError& e) {
            status = e.status();
            message = e.what();
        }
    });
    EXPECT_EQ(status, 401);
    EXPECT_FALSE(message.empty());
    EXPECT_EQ(message.find("sk-wrong-but-still-secret-123"), std::string::npos) << message;
}

// The stream keeps the client's state (pool, limiter) alive: a Client that
// goes out of scope first leaves the stream whole, to its last chunk.
TEST(LlmClientSimTest, AStreamOutlivesTheClientThatOpenedIt) {
    std::string text;
    std::string finish;
    agentio::testkit::with_sim_virtual(sim_config(), [&](sim::Server& server, http::Client&) -> Task<> {
        std::optional<llm::ChatStream> stream;
        {
            llm::Client client(client_for(server));
            stream.emplace(co_await client.chat_stream(ask("tell me a story")));
        }
        while (const llm::ChatChunk* chunk = co_await stream->next())
            for (const auto& choice : chunk->choices) text += choice.content;
        if (!stream->response().choices.empty()) finish = stream->response().choices[0].finish_reason;
    });
    EXPECT_FALSE(text.empty());
    EXPECT_EQ(finish, "stop");
}
