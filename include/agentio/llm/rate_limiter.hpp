// rate_limiter.hpp: RPM and TPM token buckets that suspend the caller.
//
//     RateLimiter limiter({.requests_per_minute = 500, .tokens_per_minute = 200'000});
//     co_await limiter.acquire(estimated_tokens);   // waits its turn
//     ... send, read usage ...
//     limiter.settle(estimated_tokens, usage.total_tokens);
//
// - Fair: waiters are served in arrival order, and a large request at the
//   head is never overtaken by smaller ones behind it (no starvation).
// - Weighted: a request takes 1 from the request bucket and its estimated
//   tokens from the token bucket; settle() gives back or takes the
//   difference once the real usage is known.
// - Adaptive: observe() reads a response's x-ratelimit-limit-*,
//   x-ratelimit-remaining-* and x-ratelimit-reset-* headers (durations like
//   "6m0s" or "20ms"). A limit the caller did not configure is learnt from
//   them, and the local buckets never hold more than the server says remains
//   (less what is in flight), so the client paces itself below the server's
//   limit instead of learning it from 429s.
// - pause_for(d): after a 429, nobody is admitted for `d`.
// - Cancel-safe: a cancelled acquire() takes nothing and lets the next waiter
//   go.
// Times come from the loop's clock, so tests run on the virtual clock; every
// call that touches a bucket must run on the loop's thread, inside the loop.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "agentio/core/clock.hpp"
#include "agentio/core/task.hpp"
#include "agentio/http/headers.hpp"

namespace agentio::llm {

struct RateLimits {
    std::optional<double> requests_per_minute;
    std::optional<double> tokens_per_minute;
    // Learn from and follow the x-ratelimit-* headers.
    bool adapt_to_headers = true;
};

// The x-ratelimit-* headers of one response; each field is unset if absent.
struct RateLimitHeaders {
    std::optional<std::int64_t> limit_requests;
    std::optional<std::int64_t> limit_tokens;
    std::optional<std::int64_t> remaining_requests;
    std::optional<std::int64_t> remaining_tokens;
    std::optional<Duration> reset_requests;
    std::optional<Duration> reset_tokens;
};
RateLimitHeaders parse_rate_limit_headers(const http::Headers& headers);

// A Go duration as the API writes it: "6m0s", "1.5s", "20ms", "1h2m", "0s".
std::optional<Duration> parse_go_duration(std::string_view text);

class RateLimiter {
public:
    explicit RateLimiter(RateLimits limits = {});
    ~RateLimiter();
    RateLimiter(const RateLimiter&) = delete;
    RateLimiter& operator=(const RateLimiter&) = delete;

    // Waits until one request of `tokens` estimated tokens may be sent.
    // Returns how long it waited. With no limit configured or learnt and no
    // pause, returns at once without suspending. A request larger than the
    // token limit goes when the bucket is full (and leaves it in debt).
    // Cancelled while waiting: takes nothing. Throws InvalidStateError if the
    // limiter is destroyed while it waits.
    Task<Duration> acquire(std::int64_t tokens);
    // The request admitted with `estimated` tokens used `actual`.
    void settle(std::int64_t estimated, std::int64_t actual);
    // The request finished (whatever its outcome): no longer in flight. Once
    // per successful acquire(), after observe() of its response if any.
    void release();
    // Learns unconfigured limits from the response's x-ratelimit-limit-*, and
    // lowers each local bucket to at most the server's remaining less what
    // the other in-flight requests will still take (see rate_limiter.cpp).
    void observe(const http::Headers& headers);
    // Nobody is admitted before now + wait, and the request bucket is emptied.
    void pause_for(Duration wait);

    // What the limiter now works with (configured or learnt); for records and tests.
    std::optional<double> requests_per_minute() const noexcept;
    std::optional<double> tokens_per_minute() const noexcept;

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace agentio::llm
