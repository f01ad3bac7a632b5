// sim::RateLimitGate and format_go_duration: both limits checked before
// either is charged, verdicts that say how long, and the API's header text.
#include <agentio/llm/rate_limiter.hpp>
#include <agentio/sim/rate_limits.hpp>
#include <gtest/gtest.h>

using namespace agentio;
using namespace std::chrono_literals;

namespace {

const TimePoint t0 = TimePoint{} + 1h;

TEST(RateLimitsTest, GoDurationsAreWrittenAsTheApiWritesThem) {
    EXPECT_EQ(sim::format_go_duration(0ns), "0s");
    EXPECT_EQ(sim::format_go_duration(-5s), "0s");
    EXPECT_EQ(sim::format_go_duration(1ns), "1ms");  // rounded up: never "0s" for a wait
    EXPECT_EQ(sim::format_go_duration(17ms), "17ms");
    EXPECT_EQ(sim::format_go_duration(120ms), "120ms");
    EXPECT_EQ(sim::format_go_duration(1s), "1s");
    EXPECT_EQ(sim::format_go_duration(1500ms), "1.5s");
    EXPECT_EQ(sim::format_go_duration(1005ms), "1.005s");
    EXPECT_EQ(sim::format_go_duration(6min), "6m0s");
    EXPECT_EQ(sim::format_go_duration(61s + 200ms), "1m1.2s");
    EXPECT_EQ(sim::format_go_duration(1h), "1h0m0s");
    // The client's parser reads them back.
    for (const Duration d : {Duration(17ms), Duration(1500ms), Duration(6min), Duration(1h + 2s)})
        EXPECT_EQ(llm::parse_go_duration(sim::format_go_duration(d)), d);
}

TEST(RateLimitsTest, ARequestPassesOnlyIfBothBucketsHoldEnoughAndIsChargedToBoth) {
    sim::RateLimits limits;
    limits.requests_per_minute = 10;
    limits.tokens_per_minute = 1000;
    sim::RateLimitGate gate(limits, t0);
    EXPECT_TRUE(gate.admit(900, t0).allowed);
    const sim::RateLimitVerdict refused = gate.admit(200, t0);
    EXPECT_FALSE(refused.allowed);
    EXPECT_EQ(refused.limit_type, "tokens");
    EXPECT_EQ(refused.limit, 1000);
    EXPECT_EQ(refused.used, 900);
    EXPECT_EQ(refused.requested, 200);
    EXPECT_EQ(refused.retry_after, 6s);  // 100 tokens short at 1000 a minute

    http::Headers headers;
    gate.write_headers(headers, t0);
    EXPECT_EQ(headers.get("x-ratelimit-remaining-requests"), "9");  // the refused one cost nothing
    EXPECT_EQ(headers.get("x-ratelimit-remaining-tokens"), "100");
    EXPECT_EQ(headers.get("x-ratelimit-limit-requests"), "10");
    EXPECT_EQ(headers.get("x-ratelimit-limit-tokens"), "1000");
    EXPECT_EQ(headers.get("x-ratelimit-reset-requests"), "6s");
    EXPECT_EQ(headers.get("x-ratelimit-reset-tokens"), "54s");

    const sim::RateLimitVerdict too_big = gate.admit(1001, t0);
    EXPECT_FALSE(too_big.allowed);
    EXPECT_EQ(too_big.retry_after, std::nullopt);
}

TEST(RateLimitsTest, TheRequestLimitIsCheckedFirst) {
    sim::RateLimits limits;
    limits.requests_per_minute = 1;
    limits.tokens_per_minute = 10;
    sim::RateLimitGate gate(limits, t0);
    EXPECT_TRUE(gate.admit(10, t0).allowed);
    const sim::RateLimitVerdict refused = gate.admit(10, t0);
    EXPECT_EQ(refused.limit_type, "requests");
    EXPECT_EQ(refused.retry_after, 60s);
}

TEST(RateLimitsTest, OnlyConfiguredLimitsHaveHeaders) {
    sim::RateLimits limits;
    limits.tokens_per_minute = 50;
    sim::RateLimitGate gate(limits, t0);
    EXPECT_TRUE(gate.enabled());
    http::Headers headers;
    gate.write_headers(headers, t0);
    EXPECT_EQ(headers.size(), 3u);
    EXPECT_FALSE(headers.contains("x-ratelimit-limit-requests"));

    sim::RateLimitGate none(sim::RateLimits{}, t0);
    EXPECT_FALSE(none.enabled());
    EXPECT_TRUE(none.admit(1'000'000, t0).allowed);
    http::Headers nothing;
    none.write_headers(nothing, t0);
    EXPECT_TRUE(nothing.empty());
}

}  // namespace
