// rate_limiter.cpp: the buckets, the queue of waiters and the adaptive rule.
//
// Buckets are kept as the instant they will be full again (the "theoretical
// arrival time" of GCRA) rather than as a token count: available(t) =
// limit * (1 - (full_at - t) / 1 min). Taking w tokens moves full_at by
// w/limit of a minute, so a limiter of 600 RPM admits at exact multiples of
// 100 ms, with no drift from repeated floating-point refills. A bucket may go
// below zero (settle() after an underestimate, a clamp from the server): then
// full_at is more than a minute away and later requests wait for the refill.
//
// Waiters queue in one WaitList (FIFO). Only the head is ever considered:
// it is admitted when both buckets can give it its weight and no pause is in
// force; otherwise one timer, owned by the limiter, is armed for the instant
// it will be (nothing polls). Invariant: the timer is armed exactly when
// somebody waits, for the head's instant. Whatever changes that instant
// (admission, a cancelled head, a settle, observe, pause_for) calls serve(),
// which admits every head that is ready and re-arms for the next one. A
// cancelled waiter leaves the queue having taken nothing (ListWaiter's
// contract); a granted one was charged before it was woken.
//
// Adaptive rule (observe()). The server's bucket is what matters; ours is a
// model of it. A response's x-ratelimit-remaining is what the server had left
// just after admitting that request. Every other request we admitted that has
// not come back yet (in_flight - 1, the observed one still counting until
// its admission is released) may not have reached the server when it
// answered, so it will still be charged: we clamp the local bucket to
//     available <= remaining - (in_flight - 1)
// and never raise it (a clamp takes the minimum), letting it refill from
// there at the limit's rate. This is conservative twice over: requests that
// had in fact already been counted are subtracted again, and no credit is
// taken for the refill between the server's answer and our reading it. Both
// errors only delay the next admission a little, once: the server's bucket
// then keeps that slack, its `remaining` says so, and later clamps stop
// binding, so the steady rate is the limit while the slack (about one
// request) absorbs jitter in when requests reach the server. For tokens, the
// in-flight tokens of the others are estimated as the in-flight total times
// (in_flight - 1) / in_flight, since observe() does not say which request
// the headers answer. The in-flight totals themselves are exact: each
// Admission takes back what it added.
#include "agentio/llm/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include "agentio/core/detail/loop_access.hpp"
#include "agentio/core/detail/timer_queue.hpp"
#include "agentio/core/detail/wait_list.hpp"
#include "agentio/core/errors.hpp"
#include "agentio/core/event_loop.hpp"
#include "agentio/core/lock.hpp"
#include "agentio/core/sleep.hpp"

namespace agentio::llm {

namespace {

constexpr Duration kWindow = std::chrono::minutes(1);
constexpr double kWindowNs = 60e9;

// A per-minute token bucket of capacity `limit`, refilled continuously.
class Bucket {
public:
    explicit Bucket(double limit) noexcept : limit_(limit) {}

    double limit() const noexcept { return limit_; }
    double available(TimePoint now) const noexcept {
        if (full_at_ <= now) return limit_;
        return limit_ - static_cast<double>((full_at_ - now).count()) * limit_ / kWindowNs;
    }
    // The first instant at which `weight` can be taken. A weight above the
    // capacity needs a full bucket: it could never have more.
    TimePoint ready_at(double weight) const noexcept { return full_at_ - kWindow + span(std::min(weight, limit_)); }
    // Takes `weight` (gives back if negative; a full bucket stays full).
    void take(double weight, TimePoint now) noexcept { full_at_ = std::max(full_at_, now) + span(weight); }
    // Lowers what is available to at most `most` (may be negative).
    void clamp(double most, TimePoint now) noexcept {
        if (available(now) > most) full_at_ = now + kWindow - span(most);
    }
    // A new limit, keeping what is available (up to the new capacity).
    void resize(double limit, TimePoint now) noexcept {
        const double had = available(now);
        limit_ = limit;
        full_at_ = now;
        clamp(had, now);
    }

private:
    // How long the bucket takes to refill `amount`.
    Duration span(double amount) const noexcept {
        const double ns = std::clamp(amount * kWindowNs / limit_, -1e18, 1e18);  // ~30 years: no overflow
        return Duration(std::llround(ns));
    }

    double limit_;
    TimePoint full_at_{};  // the clock's zero: full from the start
};

std::optional<double> checked_limit(std::optional<double> limit, const char* what) {
    if (limit && !(*limit > 0 && std::isfinite(*limit)))
        throw std::invalid_argument(std::string("RateLimits: ") + what + " must be a positive number");
    return limit;
}

}  // namespace

struct RateLimiter::State {
    explicit State(RateLimits limits)
        : configured_rpm(checked_limit(limits.requests_per_minute, "requests_per_minute")),
          configured_tpm(checked_limit(limits.tokens_per_minute, "tokens_per_minute")),
          adapt(limits.adapt_to_headers),
          shared(std::move(limits.shared)) {
        if (configured_rpm) requests.emplace(*configured_rpm);
        if (configured_tpm) tokens.emplace(*configured_tpm);
    }
    ~State() {
        disarm();
        // A limiter destroyed under its waiters: they fail instead of hanging.
        waiters.finish_all(agentio::detail::ListWaiter::Result::Closed);
    }

    // One queued acquire(); lives in the waiting coroutine's frame.
    class QueuedAcquire final : public agentio::detail::ListWaiter {
    public:
        QueuedAcquire(State& state, double weight) noexcept : state_(state), weight_(weight) {}
        bool await_ready() { return state_.try_admit(weight_); }
        bool await_suspend(std::coroutine_handle<> frame) {
            if (!park(state_.waiters, frame, "RateLimiter::acquire()")) return false;
            if (state_.waiters.front() == this) state_.serve();  // the new head: arm the timer for it
            return true;
        }
        void await_resume() const {
            check_cancelled("RateLimiter::acquire()");
            if (result() == Result::Closed) throw InvalidStateError("RateLimiter destroyed while acquire() waited");
        }
        double weight() const noexcept { return weight_; }

    private:
        void cancel() noexcept override {
            const bool was_head = state_.waiters.front() == this;
            ListWaiter::cancel();
            if (was_head) state_.serve();  // what it was waiting for may already suffice for the next
        }
        std::string describe() const override {
            return "RateLimiter::acquire(" + std::to_string(static_cast<long long>(weight_)) + " tokens), " +
                   std::to_string(state_.waiters.size()) + " waiter(s)";
        }
        State& state_;
        double weight_;
    };

    // Fires at the head's instant.
    struct Wakeup final : agentio::detail::TimerEntry {
        explicit Wakeup(State& s) noexcept : state(s) {}
        void on_timer() noexcept override { state.serve(); }
        State& state;
    };

    static TimePoint now() {
        EventLoop* loop = EventLoop::current();
        if (loop == nullptr) throw InvalidStateError("RateLimiter used outside a running event loop");
        return loop->now();
    }
    bool unlimited() const noexcept { return !requests && !tokens && paused_until == TimePoint{}; }

    TimePoint ready_at(double weight) const noexcept {
        TimePoint at = paused_until;
        if (requests) at = std::max(at, requests->ready_at(1));
        if (tokens) at = std::max(at, tokens->ready_at(weight));
        return at;
    }
    void admit(double weight, TimePoint at) noexcept {
        if (requests) requests->take(1, at);
        if (tokens) tokens->take(weight, at);
        ++in_flight;
        in_flight_tokens += weight;
    }
    // Admits at once if nobody is queued and the buckets allow it.
    bool try_admit(double weight) {
        if (!waiters.empty()) return false;
        if (unlimited()) {  // no clock read, no bucket: the common case without limits
            ++in_flight;
            in_flight_tokens += weight;
            return true;
        }
        const TimePoint t = now();
        if (ready_at(weight) > t) return false;
        admit(weight, t);
        return true;
    }
    // Admits every head that is ready, then arms the timer for the next one.
    void serve() noexcept {
        if (waiters.empty()) {
            disarm();
            return;
        }
        EventLoop* loop = EventLoop::current();  // waiters exist only inside a running loop
        const TimePoint t = loop->now();
        while (auto* head = static_cast<QueuedAcquire*>(waiters.front())) {
            const TimePoint at = ready_at(head->weight());
            if (at > t) {
                arm(*loop, at);
                return;
            }
            admit(head->weight(), t);
            agentio::detail::WaitList::finish(*head, agentio::detail::ListWaiter::Result::Granted);
        }
        disarm();
    }
    void arm(EventLoop& loop, TimePoint at) {
        if (wakeup.armed() && wakeup.deadline() == at) return;
        disarm();
        timer_loop = &loop;
        agentio::detail::LoopAccess::timers(loop).arm(wakeup, at);
    }
    void disarm() noexcept {
        if (wakeup.armed()) agentio::detail::LoopAccess::timers(*timer_loop).disarm(wakeup);
    }

    // Adopts the server's limit unless the caller configured one.
    static void learn(std::optional<Bucket>& bucket, const std::optional<double>& configured,
                      std::optional<std::int64_t> limit, TimePoint t) {
        if (configured || !limit || *limit <= 0) return;
        const auto value = static_cast<double>(*limit);
        if (!bucket) bucket.emplace(value);
        else if (bucket->limit() != value) bucket->resize(value, t);
    }

    std::optional<double> configured_rpm;
    std::optional<double> configured_tpm;
    bool adapt;
    // The budget shared with other processes; one of this process's admitted
    // requests at a time asks it (the others wait in order).
    std::shared_ptr<SharedRateBudget> shared;
    Lock shared_turn;
    std::optional<Bucket> requests;
    std::optional<Bucket> tokens;
    TimePoint paused_until{};     // no admission before; the clock's zero: no pause
    std::int64_t in_flight = 0;   // admitted, not yet released
    double in_flight_tokens = 0;  // their estimated tokens
    agentio::detail::WaitList waiters;
    Wakeup wakeup{*this};
    EventLoop* timer_loop = nullptr;  // where `wakeup` was last armed
};

RateLimiter::RateLimiter(RateLimits limits) : state_(std::make_unique<State>(limits)) {}
RateLimiter::~RateLimiter() = default;

Task<RateLimiter::Admission> RateLimiter::acquire(std::int64_t tokens) {
    State& state = *state_;
    const double weight = static_cast<double>(std::max<std::int64_t>(tokens, 0));
    const TimePoint start = State::now();
    if (!state.try_admit(weight)) co_await State::QueuedAcquire{state, weight};
    // Charged and counted in flight when granted: the Admission owns that now
    // (and gives it back if the shared budget's wait below is cancelled).
    Admission admission(state, weight, Duration::zero());
    if (state.shared) {
        const Lock::Guard turn = co_await state.shared_turn.acquire();
        for (;;) {
            Task<std::optional<Duration>> asking = state.shared->try_take(weight);
            const std::optional<Duration> wait = co_await std::move(asking);
            if (!wait) break;
            co_await sleep(*wait);
        }
    }
    admission.waited_ = State::now() - start;
    co_return admission;
}

RateLimiter::Admission::Admission(Admission&& other) noexcept
    : state_(std::exchange(other.state_, nullptr)),
      weight_(other.weight_),
      charged_(other.charged_),
      waited_(other.waited_),
      in_flight_(std::exchange(other.in_flight_, false)) {}

RateLimiter::Admission& RateLimiter::Admission::operator=(Admission&& other) noexcept {
    if (this != &other) {
        release();
        state_ = std::exchange(other.state_, nullptr);
        weight_ = other.weight_;
        charged_ = other.charged_;
        waited_ = other.waited_;
        in_flight_ = std::exchange(other.in_flight_, false);
    }
    return *this;
}

void RateLimiter::Admission::release() noexcept {
    if (!in_flight_) return;
    in_flight_ = false;
    State& state = *state_;
    --state.in_flight;
    state.in_flight_tokens = state.in_flight > 0 ? state.in_flight_tokens - weight_ : 0;
}

void RateLimiter::Admission::settle(std::int64_t actual) {
    if (state_ == nullptr) return;
    const double used = static_cast<double>(std::max<std::int64_t>(actual, 0));
    State& state = *state_;
    if (state.tokens && used != charged_) {
        state.tokens->take(used - charged_, State::now());
        state.serve();
    }
    charged_ = used;
}

void RateLimiter::observe(const http::Headers& headers) {
    State& state = *state_;
    if (!state.adapt) return;
    const RateLimitHeaders seen = parse_rate_limit_headers(headers);
    if (!seen.limit_requests && !seen.limit_tokens && !seen.remaining_requests && !seen.remaining_tokens) return;
    const TimePoint t = State::now();
    State::learn(state.requests, state.configured_rpm, seen.limit_requests, t);
    State::learn(state.tokens, state.configured_tpm, seen.limit_tokens, t);
    const double others = static_cast<double>(std::max<std::int64_t>(state.in_flight - 1, 0));
    if (state.requests && seen.remaining_requests)
        state.requests->clamp(static_cast<double>(*seen.remaining_requests) - others, t);
    if (state.tokens && seen.remaining_tokens) {
        const double others_tokens =
            state.in_flight > 0 ? state.in_flight_tokens * others / static_cast<double>(state.in_flight) : 0;
        state.tokens->clamp(static_cast<double>(*seen.remaining_tokens) - others_tokens, t);
    }
    state.serve();
}

void RateLimiter::pause_for(Duration wait) {
    State& state = *state_;
    const TimePoint t = State::now();
    state.paused_until = std::max(state.paused_until, t + std::max(wait, Duration::zero()));
    if (state.requests) state.requests->clamp(0, t);
    state.serve();
}

std::optional<double> RateLimiter::requests_per_minute() const noexcept {
    if (state_->configured_rpm) return state_->configured_rpm;
    if (state_->requests) return state_->requests->limit();
    return std::nullopt;
}

std::int64_t RateLimiter::in_flight() const noexcept { return state_->in_flight; }
double RateLimiter::in_flight_tokens() const noexcept { return state_->in_flight_tokens; }

std::optional<double> RateLimiter::tokens_per_minute() const noexcept {
    if (state_->configured_tpm) return state_->configured_tpm;
    if (state_->tokens) return state_->tokens->limit();
    return std::nullopt;
}

}  // namespace agentio::llm
