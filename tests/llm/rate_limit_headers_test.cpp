// The x-ratelimit-* headers and Go durations (src/llm/rate_limit_headers.cpp;
// declared in rate_limiter.hpp, whose limiter is tested in rate_limiter_test.cpp).
#include <agentio/llm/rate_limiter.hpp>
#include <gtest/gtest.h>

using namespace agentio;
using namespace std::chrono_literals;

TEST(ParseGoDuration, ReadsTheFormsTheApiSends) {
    const struct {
        const char* text;
        Duration expected;
    } cases[] = {
        {"6m0s", 6min},
        {"1h2m3.5s", 1h + 2min + 3500ms},
        {"20ms", 20ms},
        {"1.5s", 1500ms},
        {"0s", 0s},
        {"0", 0s},
        {"500us", 500us},
        {"500\xC2\xB5s", 500us},  // micro sign
        {"500\xCE\xBCs", 500us},  // Greek mu
        {"1m30.123s", 90123ms},
        {"250ns", 250ns},
        {".5s", 500ms},
        {"2.s", 2s},
        {"1h", 1h},
        {"0.000000001s", 1ns},
        {"1.0000000001s", 1s},  // below a nanosecond is dropped
        {"3s2s", 5s},
    };
    for (const auto& c : cases) EXPECT_EQ(llm::parse_go_duration(c.text), c.expected) << c.text;
}

TEST(ParseGoDuration, RejectsGarbageAndNegatives) {
    for (const char* text : {"", "s", "5", "1.5", "-1s", "+1s", "1x", "1 s", "abc", "1s ", ".s", "1..5s", "1d",
                             "99999999999999999999s", "9999999999h"})
        EXPECT_FALSE(llm::parse_go_duration(text)) << text;
}

TEST(ParseRateLimitHeaders, ReadsLimitsRemainingAndResets) {
    http::Headers headers;
    headers.add("X-RateLimit-Limit-Requests", "500");
    headers.add("x-ratelimit-limit-tokens", "200000");
    headers.add("x-ratelimit-remaining-requests", "499");
    headers.add("x-ratelimit-remaining-tokens", "199200");
    headers.add("x-ratelimit-reset-requests", "120ms");
    headers.add("x-ratelimit-reset-tokens", "6m0s");
    const llm::RateLimitHeaders h = llm::parse_rate_limit_headers(headers);
    EXPECT_EQ(h.limit_requests, 500);
    EXPECT_EQ(h.limit_tokens, 200000);
    EXPECT_EQ(h.remaining_requests, 499);
    EXPECT_EQ(h.remaining_tokens, 199200);
    EXPECT_EQ(h.reset_requests, 120ms);
    EXPECT_EQ(h.reset_tokens, 6min);
}

TEST(ParseRateLimitHeaders, AcceptsABareNumberOfSecondsAsAReset) {
    http::Headers headers;
    headers.add("x-ratelimit-reset-requests", "1.25");
    headers.add("x-ratelimit-reset-tokens", "7");
    const llm::RateLimitHeaders h = llm::parse_rate_limit_headers(headers);
    EXPECT_EQ(h.reset_requests, 1250ms);
    EXPECT_EQ(h.reset_tokens, 7s);
}

TEST(ParseRateLimitHeaders, LeavesAbsentOrUnreadableFieldsUnset) {
    http::Headers headers;
    headers.add("x-ratelimit-limit-requests", "lots");
    headers.add("x-ratelimit-remaining-requests", "-3");
    headers.add("x-ratelimit-reset-requests", "soon");
    const llm::RateLimitHeaders h = llm::parse_rate_limit_headers(headers);
    EXPECT_FALSE(h.limit_requests);
    EXPECT_FALSE(h.remaining_requests);
    EXPECT_FALSE(h.reset_requests);
    EXPECT_FALSE(h.limit_tokens);
    EXPECT_FALSE(h.remaining_tokens);
    EXPECT_FALSE(h.reset_tokens);
}
