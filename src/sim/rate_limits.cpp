// rate_limits.cpp: the two buckets, their verdicts and headers, and Go's duration text.
#include "agentio/sim/rate_limits.hpp"

#include <chrono>

namespace agentio::sim {

namespace {

constexpr Duration kMinute = std::chrono::minutes(1);

RateLimitVerdict refused(std::string_view type, TokenBucket& bucket, std::int64_t requested, TimePoint now) {
    RateLimitVerdict verdict;
    verdict.allowed = false;
    verdict.limit_type = type;
    verdict.limit = bucket.capacity();
    verdict.used = bucket.capacity() - bucket.available(now);
    verdict.requested = requested;
    verdict.retry_after = bucket.time_until(requested, now);
    return verdict;
}

void write_bucket(http::Headers& headers, std::string_view kind, TokenBucket& bucket, TimePoint now) {
    const std::string suffix(kind);
    headers.set("x-ratelimit-limit-" + suffix, std::to_string(bucket.capacity()));
    headers.set("x-ratelimit-remaining-" + suffix, std::to_string(bucket.available(now)));
    headers.set("x-ratelimit-reset-" + suffix, format_go_duration(bucket.time_until_full(now)));
}

}  // namespace

RateLimitGate::RateLimitGate(const RateLimits& limits, TimePoint now) {
    if (limits.requests_per_minute && *limits.requests_per_minute > 0)
        requests_.emplace(*limits.requests_per_minute, kMinute, now);
    if (limits.tokens_per_minute && *limits.tokens_per_minute > 0) tokens_.emplace(*limits.tokens_per_minute, kMinute, now);
}

RateLimitVerdict RateLimitGate::admit(std::int64_t tokens, TimePoint now) {
    // Both are checked before either is charged.
    if (requests_ && requests_->time_until(1, now) != Duration::zero()) return refused("requests", *requests_, 1, now);
    if (tokens_ && tokens_->time_until(tokens, now) != Duration::zero()) return refused("tokens", *tokens_, tokens, now);
    if (requests_) requests_->try_take(1, now);
    if (tokens_) tokens_->try_take(tokens, now);
    return {};
}

void RateLimitGate::write_headers(http::Headers& headers, TimePoint now) {
    if (requests_) write_bucket(headers, "requests", *requests_, now);
    if (tokens_) write_bucket(headers, "tokens", *tokens_, now);
}

std::string format_go_duration(Duration d) {
    if (d <= Duration::zero()) return "0s";
    std::int64_t ms = std::chrono::ceil<std::chrono::milliseconds>(d).count();
    if (ms < 1000) return std::to_string(ms) + "ms";
    std::string out;
    const std::int64_t hours = ms / 3'600'000;
    ms %= 3'600'000;
    const std::int64_t minutes = ms / 60'000;
    ms %= 60'000;
    // Go writes the larger units only when they are non-zero, and then every
    // smaller one down to seconds ("1h0m0s", "6m0s").
    if (hours > 0) out += std::to_string(hours) + "h";
    if (hours > 0 || minutes > 0) out += std::to_string(minutes) + "m";
    out += std::to_string(ms / 1000);
    if (const std::int64_t frac = ms % 1000; frac != 0) {
        std::string digits = std::to_string(frac + 1000).substr(1);  // three digits, leading zeros kept
        while (digits.back() == '0') digits.pop_back();
        out += "." + digits;
    }
    out += "s";
    return out;
}

}  // namespace agentio::sim
