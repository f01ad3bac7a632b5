// sim::Server's RPM and TPM limits over loopback: real 429s with the API's
// body, retry-after and x-ratelimit-* headers whose values add up, and
// refills on the loop's clock (virtual here: see sim_fixture.hpp); and the
// context window, refused with 400 as the API refuses it.
#include <agentio/agentio.hpp>
#include <agentio/llm/rate_limiter.hpp>
#include <agentio/llm/token_count.hpp>
#include <agentio/llm/wire.hpp>
#include <agentio/sim/server.hpp>
#include <gtest/gtest.h>

#include "sim/sim_fixture.hpp"

using namespace agentio;
using namespace std::chrono_literals;
using agentio::testkit::kChat;
using agentio::testkit::Answer;
using agentio::testkit::chat_body;
using agentio::testkit::instant_config;
using agentio::testkit::Json;
using agentio::testkit::post;

namespace {

std::int64_t number(const Answer& answer, std::string_view header) { return std::stoll(answer.header(header)); }

Duration reset_of(const Answer& answer, std::string_view header) {
    const std::optional<Duration> reset = llm::parse_go_duration(answer.header(header));
    EXPECT_TRUE(reset.has_value()) << header << ": " << answer.header(header);
    return reset.value_or(Duration::zero());
}

TEST(SimLimitsTest, OverTheRequestLimitIs429WithRetryAfterAndHeadersThatAddUp) {
    sim::Config config = instant_config();
    config.limits.requests_per_minute = 3;  // one request every 20 s
    agentio::testkit::with_sim_virtual(config, [](sim::Server& sim, http::Client& client) -> Task<> {
        for (int i = 0; i < 3; ++i) {
            const Answer ok = co_await post(client, sim, kChat, chat_body("hi", R"({"max_tokens": 1})"));
            EXPECT_EQ(ok.status, 200);
            EXPECT_EQ(number(ok, "x-ratelimit-limit-requests"), 3);
            EXPECT_EQ(number(ok, "x-ratelimit-remaining-requests"), 2 - i);
            // Until full again: 20 s per request used, less what refilled meanwhile.
            const Duration reset = reset_of(ok, "x-ratelimit-reset-requests");
            EXPECT_GT(reset, (i + 1) * 20s - 1s);
            EXPECT_LE(reset, (i + 1) * 20s);
            EXPECT_FALSE(ok.headers.contains("x-ratelimit-limit-tokens"));  // no TPM configured
        }
        const Answer limited = co_await post(client, sim, kChat, chat_body("hi", R"({"max_tokens": 1})"));
        EXPECT_EQ(limited.status, 429);
        const Json error = limited.json()["error"];
        EXPECT_EQ(error["type"], "requests");
        EXPECT_EQ(error["code"], "rate_limit_exceeded");
        EXPECT_TRUE(error["param"].is_null());
        const std::string message = error["message"];
        EXPECT_NE(message.find("Rate limit reached for sim-small on requests per min (RPM): Limit 3, Used 3, Requested 1."),
                  std::string::npos)
            << message;
        EXPECT_NE(message.find("Please try again in "), std::string::npos) << message;
        EXPECT_EQ(number(limited, "x-ratelimit-remaining-requests"), 0);
        const std::int64_t retry_ms = number(limited, "retry-after-ms");
        EXPECT_GT(retry_ms, 19'000);
        EXPECT_LE(retry_ms, 20'000);
        EXPECT_EQ(number(limited, "retry-after"), (retry_ms + 999) / 1000);

        // Waiting what it said is enough, and not a millisecond more is needed.
        co_await sleep(std::chrono::milliseconds(retry_ms));
        const Answer after = co_await post(client, sim, kChat, chat_body("hi", R"({"max_tokens": 1})"));
        EXPECT_EQ(after.status, 200);
        EXPECT_EQ(number(after, "x-ratelimit-remaining-requests"), 0);
        EXPECT_EQ(sim.stats().rate_limited, 1u);
    });
}

TEST(SimLimitsTest, TheTokenLimitCountsPromptEstimateAndMaxOutput) {
    sim::Config config = instant_config();
    config.limits.tokens_per_minute = 1000;
    agentio::testkit::with_sim_virtual(config, [](sim::Server& sim, http::Client& client) -> Task<> {
        const Answer first = co_await post(client, sim, kChat, chat_body("hi", R"({"max_tokens": 600})"));
        EXPECT_EQ(first.status, 200);
        const std::int64_t prompt = first.json()["usage"]["prompt_tokens"];
        EXPECT_EQ(number(first, "x-ratelimit-limit-tokens"), 1000);
        EXPECT_EQ(number(first, "x-ratelimit-remaining-tokens"), 1000 - 600 - prompt);
        EXPECT_FALSE(first.headers.contains("x-ratelimit-limit-requests"));

        const Answer second = co_await post(client, sim, kChat, chat_body("hi", R"({"max_tokens": 600})"));
        EXPECT_EQ(second.status, 429);
        const Json error = second.json()["error"];
        EXPECT_EQ(error["type"], "tokens");
        EXPECT_NE(error["message"].get<std::string>().find("on tokens per min (TPM): Limit 1000"), std::string::npos);
        // Short by (600 + prompt) - remaining tokens, refilled at 1000 a minute.
        const std::int64_t missing = 600 + prompt - (1000 - 600 - prompt);
        const std::int64_t retry_ms = number(second, "retry-after-ms");
        EXPECT_GE(retry_ms, missing * 60 - 10);
        EXPECT_LE(retry_ms, missing * 60 + 1);

        // A smaller request fits what is left.
        const Answer small = co_await post(client, sim, kChat, chat_body("hi", R"({"max_tokens": 100})"));
        EXPECT_EQ(small.status, 200);

        // One that can never fit is told so, without a retry-after.
        const Answer huge = co_await post(client, sim, kChat, chat_body("hi", R"({"max_tokens": 5000})"));
        EXPECT_EQ(huge.status, 429);
        EXPECT_NE(huge.json()["error"]["message"].get<std::string>().find("Request too large"), std::string::npos);
        EXPECT_FALSE(huge.headers.contains("retry-after"));
        EXPECT_FALSE(huge.headers.contains("retry-after-ms"));
    });
}

TEST(SimLimitsTest, EmbeddingsShareTheLimitsAndCarryTheHeaders) {
    sim::Config config = instant_config();
    config.limits.requests_per_minute = 2;
    config.limits.tokens_per_minute = 100000;
    agentio::testkit::with_sim_virtual(config, [](sim::Server& sim, http::Client& client) -> Task<> {
        const Answer chat = co_await post(client, sim, kChat, chat_body("hi"));
        EXPECT_EQ(chat.status, 200);
        const std::string request = R"({"model": "sim-embed", "input": "some text"})";
        const Answer embedded = co_await post(client, sim, "/v1/embeddings", request);
        EXPECT_EQ(embedded.status, 200);
        EXPECT_EQ(number(embedded, "x-ratelimit-remaining-requests"), 0);
        EXPECT_TRUE(embedded.headers.contains("x-ratelimit-remaining-tokens"));
        const Answer limited = co_await post(client, sim, "/v1/embeddings", request);
        EXPECT_EQ(limited.status, 429);
        EXPECT_EQ(limited.json()["error"]["type"], "requests");
        // /v1/models is not limited and says nothing about limits.
        const Answer models = co_await agentio::testkit::get(client, sim, "/v1/models");
        EXPECT_EQ(models.status, 200);
        EXPECT_FALSE(models.headers.contains("x-ratelimit-limit-requests"));
    });
}

TEST(SimLimitsTest, WithoutLimitsNoRateLimitHeadersAreSent) {
    agentio::testkit::with_sim(instant_config(), [](sim::Server& sim, http::Client& client) -> Task<> {
        const Answer answer = co_await post(client, sim, kChat, chat_body("hi"));
        EXPECT_EQ(answer.status, 200);
        for (const auto& [name, value] : answer.headers) EXPECT_NE(name.rfind("x-ratelimit-", 0), 0u) << name;
    });
}

TEST(SimLimitsTest, APromptBeyondTheContextLengthIs400ContextLengthExceeded) {
    sim::Config config = instant_config();
    config.context_length = 60;
    config.models = {"sim-small"};
    agentio::testkit::with_sim(config, [](sim::Server& sim, http::Client& client) -> Task<> {
        std::string words;
        for (int i = 0; i < 40; ++i) words += "hello ";
        const std::string long_body = chat_body(words + words);
        const std::int64_t long_prompt = llm::prompt_tokens(llm::parse_chat_request(long_body));
        const Answer refused = co_await post(client, sim, kChat, long_body);
        EXPECT_EQ(refused.status, 400) << refused.body;
        const Json error = refused.json()["error"];
        EXPECT_EQ(error["code"], "context_length_exceeded");
        EXPECT_EQ(error["param"], "messages");
        EXPECT_EQ(error["type"], "invalid_request_error");
        EXPECT_EQ(error["message"], "This model's maximum context length is 60 tokens. However, your messages resulted in " +
                                        std::to_string(long_prompt) + " tokens. Please reduce the length of the messages.");

        // The model is checked first, as the API checks it.
        const Answer unknown = co_await post(client, sim, kChat, chat_body(words + words, "{}", "gpt-nope"));
        EXPECT_EQ(unknown.status, 404) << unknown.body;

        // A prompt that fits, with a max_tokens that does not: both counts are named.
        const std::string short_body = chat_body(words);
        const std::int64_t short_prompt = llm::prompt_tokens(llm::parse_chat_request(short_body));
        const Answer fits = co_await post(client, sim, kChat, short_body);
        EXPECT_EQ(fits.status, 200) << fits.body;
        EXPECT_EQ(fits.json()["usage"]["prompt_tokens"], short_prompt);
        const std::int64_t room = 60 - short_prompt;
        const Answer too_long = co_await post(client, sim, kChat,
                                              chat_body(words, "{\"max_tokens\": " + std::to_string(room + 1) + "}"));
        EXPECT_EQ(too_long.status, 400) << too_long.body;
        EXPECT_EQ(too_long.json()["error"]["message"],
                  "This model's maximum context length is 60 tokens. However, you requested 61 tokens (" +
                      std::to_string(short_prompt) + " in the messages, " + std::to_string(room + 1) +
                      " in the completion). Please reduce the length of the messages or completion.");
        const Answer exact_fit = co_await post(client, sim, kChat,
                                               chat_body(words, "{\"max_tokens\": " + std::to_string(room) + "}"));
        EXPECT_EQ(exact_fit.status, 200) << exact_fit.body;
        // The refused requests cost nothing: only the two answered ones are counted.
        EXPECT_EQ(sim.stats().prompt_tokens, static_cast<std::uint64_t>(2 * short_prompt));
    });
}

}  // namespace
