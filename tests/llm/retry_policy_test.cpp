#include <agentio/llm/retry_policy.hpp>
#include <gtest/gtest.h>

#include <chrono>

using namespace agentio;
using namespace std::chrono_literals;
using llm::RetryPolicy;

namespace {

// 2025-01-01 12:00:00 UTC, a Wednesday.
std::chrono::system_clock::time_point noon() {
    using namespace std::chrono;
    return sys_days{year{2025} / January / 1} + 12h;
}

http::Headers one(std::string name, std::string value) {
    http::Headers headers;
    headers.add(std::move(name), std::move(value));
    return headers;
}

}  // namespace

TEST(RetryPolicy, RetriesTimeoutConflictRateLimitAndServerErrors) {
    const RetryPolicy policy;
    const http::Headers none;
    for (int status : {408, 409, 429, 500, 502, 503, 504, 599}) EXPECT_TRUE(policy.should_retry(status, none)) << status;
    for (int status : {200, 400, 401, 403, 404, 422}) EXPECT_FALSE(policy.should_retry(status, none)) << status;
}

TEST(RetryPolicy, XShouldRetryHeaderOverridesTheStatusRule) {
    const RetryPolicy policy;
    EXPECT_TRUE(policy.should_retry(400, one("x-should-retry", "true")));
    EXPECT_FALSE(policy.should_retry(503, one("x-should-retry", "false")));
    EXPECT_FALSE(policy.should_retry(429, one("X-Should-Retry", "false")));  // the name is case-insensitive
    // Only the exact words count, as in the SDK; anything else leaves the status rule.
    EXPECT_TRUE(policy.should_retry(503, one("x-should-retry", "no")));
    EXPECT_FALSE(policy.should_retry(400, one("x-should-retry", "TRUE")));
}

TEST(RetryPolicy, BackoffDoublesFromHalfASecondAndIsCappedAtEightSeconds) {
    const RetryPolicy policy;
    const Duration expected[] = {500ms, 1s, 2s, 4s, 8s, 8s, 8s};
    for (int retry = 0; retry < 7; ++retry) EXPECT_EQ(policy.delay(retry, nullptr, 0.0), expected[retry]) << retry;
    // A huge retry count saturates instead of overflowing.
    EXPECT_EQ(policy.delay(1000, nullptr, 0.0), 8s);
}

TEST(RetryPolicy, JitterShortensTheBackoffByAtMostAQuarter) {
    const RetryPolicy policy;
    const Duration base[] = {500ms, 1s, 2s, 4s, 8s, 8s};
    for (int retry = 0; retry < 6; ++retry) {
        const Duration d = policy.delay(retry, nullptr, 0.999);
        const double expected = static_cast<double>(base[retry].count()) * (1 - 0.25 * 0.999);
        EXPECT_NEAR(static_cast<double>(d.count()), expected, 2.0) << retry;
        EXPECT_GT(d, base[retry] * 3 / 4);
    }
}

TEST(RetryPolicy, ServerAdviceWithinSixtySecondsReplacesTheBackoff) {
    const RetryPolicy policy;
    const http::Headers ms = one("retry-after-ms", "1500");
    EXPECT_EQ(policy.delay(0, &ms, 0.5), 1500ms);
    const http::Headers seconds = one("retry-after", "2.5");
    EXPECT_EQ(policy.delay(3, &seconds, 0.5), 2500ms);
    const http::Headers sixty = one("retry-after", "60");
    EXPECT_EQ(policy.delay(0, &sixty, 0.0), 60s);
}

TEST(RetryPolicy, AdviceOfZeroOrOverSixtySecondsFallsBackToTheBackoff) {
    const RetryPolicy policy;
    for (const char* value : {"0", "61", "-3", "3600", "soon"}) {
        const http::Headers headers = one("retry-after", value);
        EXPECT_EQ(policy.delay(1, &headers, 0.0), 1s) << value;
    }
}

TEST(ParseRetryAfter, MillisecondsHeaderWinsOverSeconds) {
    http::Headers headers;
    headers.add("retry-after", "7");
    headers.add("retry-after-ms", "250.5");
    EXPECT_EQ(llm::parse_retry_after(headers, noon()), 250500us);
}

TEST(ParseRetryAfter, UnreadableMillisecondsFallBackToSeconds) {
    http::Headers headers;
    headers.add("retry-after-ms", "abc");
    headers.add("retry-after", "3");
    EXPECT_EQ(llm::parse_retry_after(headers, noon()), 3s);
}

TEST(ParseRetryAfter, ReadsFractionalSeconds) {
    EXPECT_EQ(llm::parse_retry_after(one("retry-after", " 0.25 "), noon()), 250ms);
}

TEST(ParseRetryAfter, ReadsTheThreeHttpDateFormsRelativeToNow) {
    for (const char* date : {"Wed, 01 Jan 2025 12:00:30 GMT", "Wednesday, 01-Jan-25 12:00:30 GMT",
                             "Wed Jan  1 12:00:30 2025"})
        EXPECT_EQ(llm::parse_retry_after(one("retry-after", date), noon()), 30s) << date;
}

TEST(ParseRetryAfter, HttpDateCountsWholeSecondsTruncatedLikeTheSdk) {
    const auto now = noon() + 400ms;
    // 29.6 s ahead: the SDK's int() makes it 29.
    EXPECT_EQ(llm::parse_retry_after(one("retry-after", "Wed, 01 Jan 2025 12:00:30 GMT"), now), 29s);
}

TEST(ParseRetryAfter, PastHttpDateIsNegativeAndThereforeIgnoredByDelay) {
    const http::Headers headers = one("retry-after", "Wed, 01 Jan 2025 11:59:00 GMT");
    EXPECT_EQ(llm::parse_retry_after(headers, noon()), -60s);
    const RetryPolicy policy;
    EXPECT_EQ(policy.delay(0, &headers, 0.0), 500ms);
}

TEST(ParseRetryAfter, AbsentOrGarbageIsNullopt) {
    EXPECT_FALSE(llm::parse_retry_after(http::Headers{}, noon()));
    for (const char* value : {"", "soon", "1s", "nan", "inf", "0x10", "Wed, 32 Jan 2025 12:00:30 GMT",
                              "Wed, 01 Foo 2025 12:00:30 GMT", "Wed, 01 Jan 2025 25:00:30 GMT",
                              "Wed, 01 Jan 2025 12:00:30 PST", "Wed, 01 Jan 2025"})
        EXPECT_FALSE(llm::parse_retry_after(one("retry-after", value), noon())) << value;
}
