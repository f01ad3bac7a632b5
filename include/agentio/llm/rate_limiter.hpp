// rate_limiter.hpp: RPM and TPM token buckets that suspend the caller.
//
// compile-context: extern std::int64_t estimated_tokens; extern http::ClientResponse response; extern Usage usage;
//     RateLimits limits;
//     limits.requests_per_minute = 500;
//     limits.tokens_per_minute = 200'000;
//     RateLimiter limiter(limits);
//     RateLimiter::Admission admission = co_await limiter.acquire(estimated_tokens);  // waits its turn
//     // ... send; on the response head:
//     limiter.observe(response.headers());
//     admission.release();                     // answered: no longer in flight
//     // ... read the reply, then:
//     admission.settle(usage.total_tokens);    // the estimate corrected
//
// - Fair: waiters are served in arrival order, and a large request at the
//   head is never overtaken by smaller ones behind it (no starvation).
// - Weighted: a request takes 1 from the request bucket and its estimated
//   tokens from the token bucket; Admission::settle() gives back or takes the
//   difference once the real usage is known. Unsettled, the estimate stands.
// - Adaptive: observe() reads a response's x-ratelimit-limit-*,
//   x-ratelimit-remaining-* and x-ratelimit-reset-* headers (durations like
//   "6m0s" or "20ms"). A limit the caller did not configure is learnt from
//   them, and the local buckets never hold more than the server says remains
//   (less what is in flight), so the client paces itself below the server's
//   limit instead of learning it from 429s.
// - pause_for(d): after a 429, nobody is admitted for `d`.
// - Shared: with RateLimits::shared, an admitted request also takes its share
//   of a budget other processes draw on (shared_rate_budget.hpp) before
//   acquire() returns.
// - An Admission counts as in flight until release() or its destruction,
//   whichever comes first, so no path (an error, a cancellation) leaves a
//   request counted in flight. It must not outlive its limiter.
// - Cancel-safe: a cancelled acquire() takes nothing and lets the next waiter
//   go; one cancelled just as it was admitted still gets its Admission, which
//   is released as the task unwinds.
// Times come from the loop's clock, so tests run on the virtual clock; every
// call that touches a bucket must run on the loop's thread, inside the loop.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "agentio/core/clock.hpp"
#include "agentio/core/task.hpp"
#include "agentio/http/headers.hpp"
#include "agentio/llm/shared_rate_budget.hpp"

namespace agentio::llm {

struct RateLimits {
    std::optional<double> requests_per_minute;
    std::optional<double> tokens_per_minute;
    // Learn from and follow the x-ratelimit-* headers.
    bool adapt_to_headers = true;
    // A budget shared with other processes (shared_rate_budget.hpp), taken
    // from after the local buckets admit a request. Null: this process alone.
    std::shared_ptr<SharedRateBudget> shared = {};
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
    struct State;

public:
    explicit RateLimiter(RateLimits limits = {});
    ~RateLimiter();
    RateLimiter(const RateLimiter&) = delete;
    RateLimiter& operator=(const RateLimiter&) = delete;

    // One admitted request: charged its estimated tokens, and in flight until
    // release() or destruction. Move-only; a default one admits nothing.
    class [[nodiscard]] Admission {
    public:
        Admission() noexcept = default;
        Admission(Admission&& other) noexcept;
        Admission& operator=(Admission&& other) noexcept;
        ~Admission() { release(); }

        // The request is no longer in flight (its answer has come, or it
        // failed). Idempotent.
        void release() noexcept;
        // The request used `actual` tokens: the token bucket gives back or
        // takes the difference from what was charged (at first the estimate).
        void settle(std::int64_t actual);
        // How long acquire() waited for it.
        Duration waited() const noexcept { return waited_; }

    private:
        friend class RateLimiter;
        Admission(State& state, double weight, Duration waited) noexcept
            : state_(&state), weight_(weight), charged_(weight), waited_(waited), in_flight_(true) {}

        State* state_ = nullptr;  // null: admits nothing
        double weight_ = 0;       // the estimate it was admitted with
        double charged_ = 0;      // what the token bucket was charged for it so far
        Duration waited_{};
        bool in_flight_ = false;
    };

    // Waits until one request of `tokens` estimated tokens may be sent and
    // admits it. With no limit configured or learnt and no pause, returns at
    // once without suspending. A request larger than the token limit goes
    // when the bucket is full (and leaves it in debt). Cancelled while
    // waiting: takes nothing. Throws InvalidStateError if the limiter is
    // destroyed while it waits.
    Task<Admission> acquire(std::int64_t tokens);
    // Learns unconfigured limits from the response's x-ratelimit-limit-*, and
    // lowers each local bucket to at most the server's remaining less what
    // the other in-flight requests will still take (see rate_limiter.cpp).
    // Call it before releasing the admission of the request it answers.
    void observe(const http::Headers& headers);
    // Nobody is admitted before now + wait, and the request bucket is emptied.
    void pause_for(Duration wait);

    // What the limiter now works with (configured or learnt); for records and tests.
    std::optional<double> requests_per_minute() const noexcept;
    std::optional<double> tokens_per_minute() const noexcept;
    // Admitted requests not released yet, and their estimated tokens.
    std::int64_t in_flight() const noexcept;
    double in_flight_tokens() const noexcept;

private:
    std::unique_ptr<State> state_;
};

}  // namespace agentio::llm
