// RateLimiter's adaptive rule: limits learnt from x-ratelimit-* headers, the
// clamp to what the server says remains, and pacing against a modelled server.
#include <agentio/agentio.hpp>
#include <agentio/llm/rate_limiter.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/test_support.hpp"
#include "llm/rate_limiter_support.hpp"

using namespace agentio;
using namespace agentio::testkit;
using namespace std::chrono_literals;

struct Learnt {
    std::optional<double> before;
    std::optional<double> after;
    std::vector<Duration> at;
};

Task<Learnt> learn_requests() {
    RateLimiter limiter;
    Learnt r;
    r.before = limiter.requests_per_minute();
    auto admission = co_await limiter.acquire(0);
    const http::Headers headers = rate_headers("60", "59");
    limiter.observe(headers);
    admission.release();
    r.after = limiter.requests_per_minute();
    for (int i = 0; i < 61; ++i) r.at.push_back(co_await admitted_at(limiter, 0));
    co_return r;
}

TEST(RateLimiter, LearnsAnUnconfiguredLimitFromHeadersAndPacesToIt) {
    const Learnt r = run_virtual(learn_requests());
    EXPECT_FALSE(r.before);
    EXPECT_EQ(r.after, 60.0);
    // 59 remained: those go at once, then one a second.
    for (int i = 0; i < 59; ++i) EXPECT_EQ(r.at[i], 0s) << i;
    EXPECT_EQ(r.at[59], 1s);
    EXPECT_EQ(r.at[60], 2s);
}

Task<Duration> clamp_with_in_flight() {
    RateLimiter limiter(rpm(600));
    std::vector<RateLimiter::Admission> in_flight;
    for (int i = 0; i < 10; ++i) in_flight.push_back(co_await limiter.acquire(0));  // 590 left locally
    // The server has 5 left after the first of them; the other 9 were not
    // counted yet as far as we know: locally 5 - 9 = -4 remain.
    const http::Headers headers = rate_headers("600", "5");
    limiter.observe(headers);
    in_flight[0].release();
    co_return co_await time_to_admit(limiter, 0);  // 5 requests of refill at 10 a second
}

TEST(RateLimiter, ObserveClampsTheBucketToRemainingLessTheOthersInFlight) {
    EXPECT_EQ(run_virtual(clamp_with_in_flight()), 500ms);
}

Task<std::vector<Duration>> clamp_never_raises() {
    RateLimiter limiter(rpm(60));
    co_await take(limiter, 0, 60);  // each one released at once
    const http::Headers headers = rate_headers("60", "50");  // more than we have: ignored
    limiter.observe(headers);
    std::vector<Duration> at;
    at.push_back(co_await admitted_at(limiter, 0));
    at.push_back(co_await admitted_at(limiter, 0));
    co_return at;
}

TEST(RateLimiter, ObserveNeverRaisesTheLocalBucket) {
    EXPECT_EQ(run_virtual(clamp_never_raises()), (std::vector<Duration>{1s, 2s}));
}

Task<std::optional<double>> configured_wins() {
    RateLimiter limiter(rpm(600));
    auto admission = co_await limiter.acquire(0);
    const http::Headers headers = rate_headers("300", "299");
    limiter.observe(headers);
    co_return limiter.requests_per_minute();
}

TEST(RateLimiter, ConfiguredLimitIsNotReplacedByTheServersLimit) {
    EXPECT_EQ(run_virtual(configured_wins()), 600.0);
}

Task<std::optional<double>> relearn() {
    RateLimiter limiter;
    const http::Headers first = rate_headers("60", "60");
    limiter.observe(first);
    const http::Headers raised = rate_headers("120", "120");
    limiter.observe(raised);
    co_return limiter.requests_per_minute();
}

TEST(RateLimiter, ALearntLimitFollowsTheServerWhenItChanges) {
    EXPECT_EQ(run_virtual(relearn()), 120.0);
}

struct TokensLearnt {
    std::optional<double> tpm;
    Duration first{-1};
    Duration second{-1};
};

Task<TokensLearnt> learn_tokens() {
    RateLimiter limiter;
    auto first = co_await limiter.acquire(100);
    auto second = co_await limiter.acquire(100);  // 200 tokens in flight over 2 requests
    http::Headers headers;
    headers.add("x-ratelimit-limit-tokens", "1000");
    headers.add("x-ratelimit-remaining-tokens", "500");
    headers.add("x-ratelimit-reset-tokens", "30s");
    limiter.observe(headers);  // 500 less the other request's ~100
    first.release();
    second.release();
    TokensLearnt r;
    r.tpm = limiter.tokens_per_minute();
    r.first = co_await time_to_admit(limiter, 400);
    r.second = co_await time_to_admit(limiter, 1);  // 1 token at 1000 a minute: 60 ms
    co_return r;
}

TEST(RateLimiter, LearnsATokenLimitAndClampsToRemainingTokensLessThoseInFlight) {
    const TokensLearnt r = run_virtual(learn_tokens());
    EXPECT_EQ(r.tpm, 1000.0);
    EXPECT_EQ(r.first, 0s);
    EXPECT_EQ(r.second, 60ms);
}

Task<std::optional<double>> not_adapting(Duration& waited) {
    RateLimits limits;
    limits.adapt_to_headers = false;
    RateLimiter limiter(limits);
    auto admission = co_await limiter.acquire(0);
    const http::Headers headers = rate_headers("60", "0");
    limiter.observe(headers);
    admission.release();
    waited = co_await time_to_admit(limiter, 0);
    co_return limiter.requests_per_minute();
}

TEST(RateLimiter, HeadersAreIgnoredWhenAdaptingIsOff) {
    Duration waited{-1};
    EXPECT_FALSE(run_virtual(not_adapting(waited)));
    EXPECT_EQ(waited, 0s);
}

// A server limited like the API: a bucket of `limit` requests refilled
// continuously over a minute, starting full; a request that finds less than
// one is refused with 429 and the time until one is back.
struct ModelServer {
    double limit;
    double bucket;
    TimePoint last{};
    int refused = 0;

    bool handle(TimePoint now, http::Headers& headers, Duration& retry_after) {
        bucket = std::min(limit, bucket + static_cast<double>((now - last).count()) * limit / 60e9);
        last = now;
        const bool ok = bucket >= 1;
        if (ok) bucket -= 1;
        else ++refused;
        const double missing_s = (limit - bucket) * 60 / limit;
        headers = rate_headers(std::to_string(static_cast<long long>(limit)),
                               std::to_string(static_cast<long long>(std::floor(bucket))),
                               std::to_string(static_cast<long long>(std::ceil(missing_s * 1000))) + "ms");
        retry_after = std::chrono::milliseconds(static_cast<long long>(std::ceil((1 - bucket) * 60'000 / limit)));
        return ok;
    }
};

struct Run {
    std::vector<TimePoint> finished;
    int next = 0;
    std::uint32_t seed = 12345;
    // Deterministic jitter in [0, 4) ms.
    Duration jitter() {
        seed = seed * 1664525u + 1013904223u;
        return std::chrono::microseconds((seed >> 8) % 4000);
    }
};

Task<> client_worker(RateLimiter& limiter, ModelServer& server, Run& run, int total) {
    while (run.next < total) {
        ++run.next;
        for (;;) {
            auto admission = co_await limiter.acquire(0);
            co_await sleep(2ms + run.jitter());  // to the server
            http::Headers headers;
            Duration retry_after{};
            const bool ok = server.handle(EventLoop::current()->now(), headers, retry_after);
            co_await sleep(20ms + run.jitter());  // the reply's latency and the way back
            limiter.observe(headers);
            admission.release();
            if (ok) break;
            limiter.pause_for(retry_after);
        }
        run.finished.push_back(EventLoop::current()->now());
    }
}

struct PacingResult {
    int refused = 0;
    double steady_rpm = 0;
    std::optional<double> learnt;
};

Task<PacingResult> pace_against_model_server(int concurrency) {
    ModelServer server{600, 600};
    RateLimiter limiter;  // told nothing
    Run run;
    std::vector<Task<>> workers;
    for (int i = 0; i < concurrency; ++i) workers.push_back(client_worker(limiter, server, run, 3000));
    co_await gather(std::move(workers));
    PacingResult r;
    r.refused = server.refused;
    r.learnt = limiter.requests_per_minute();
    // After the first bucketful, which the server grants at once.
    const auto& done = run.finished;
    const double span = std::chrono::duration<double>(done.back() - done[600]).count();
    r.steady_rpm = static_cast<double>(done.size() - 601) / span * 60;
    co_return r;
}

// 3000 requests against 600 RPM. The first replies teach the limit while
// up to `concurrency` requests are out; without subtracting those in flight
// from `remaining` (or without clamping at all), 256 workers overrun the
// server by well over 2%.
TEST(RateLimiter, ClientToldNothingPacesToAServerLimitWithFewRefusals) {
    for (int concurrency : {64, 256}) {
        const PacingResult r = run_virtual(pace_against_model_server(concurrency));
        EXPECT_EQ(r.learnt, 600.0) << concurrency;
        EXPECT_LE(r.refused, 60) << concurrency;            // <= 2% of 3000
        EXPECT_GE(r.steady_rpm, 0.95 * 600) << concurrency;  // >= 95% of the limit
    }
}
