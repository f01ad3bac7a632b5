// rate_limiter_support.hpp: what the RateLimiter tests share: limits, taking
// admissions, and the x-ratelimit-* headers a server sends.
#pragma once

#include <agentio/agentio.hpp>
#include <agentio/llm/rate_limiter.hpp>

#include <cstdint>
#include <string>

namespace agentio::testkit {

using llm::RateLimiter;
using llm::RateLimits;

inline Duration elapsed() { return EventLoop::current()->now().time_since_epoch(); }  // the virtual clock starts at 0

inline RateLimits rpm(double limit) {
    RateLimits limits;
    limits.requests_per_minute = limit;
    return limits;
}

inline RateLimits tpm(double limit) {
    RateLimits limits;
    limits.tokens_per_minute = limit;
    return limits;
}

// When an acquire() of `tokens` is admitted.
inline Task<Duration> admitted_at(RateLimiter& limiter, std::int64_t tokens) {
    auto admission = co_await limiter.acquire(tokens);
    co_return elapsed();
}

// Takes `count` admissions of `tokens` each and lets them go at once: only
// what they took from the buckets matters.
inline Task<> take(RateLimiter& limiter, std::int64_t tokens, int count = 1) {
    for (int i = 0; i < count; ++i) auto admission = co_await limiter.acquire(tokens);
}

// How long an acquire() of `tokens` waits.
inline Task<Duration> time_to_admit(RateLimiter& limiter, std::int64_t tokens) {
    co_return (co_await limiter.acquire(tokens)).waited();
}

inline http::Headers rate_headers(std::string limit, std::string remaining, std::string reset = "1s") {
    http::Headers headers;
    headers.add("x-ratelimit-limit-requests", std::move(limit));
    headers.add("x-ratelimit-remaining-requests", std::move(remaining));
    headers.add("x-ratelimit-reset-requests", std::move(reset));
    return headers;
}

}  // namespace agentio::testkit
