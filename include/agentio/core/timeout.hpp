// timeout.hpp: Timeout, a deadline around a piece of work (asyncio.Timeout),
// and wait_for(work, d), timeout(d, work), timeout_at(t, work) built on it.
//
// compile-context: Task<std::string> call_llm(std::string); extern std::string prompt, peer; Task<> a(); Task<> b(); Task<> handshake();
// compile-context: struct Options { Duration connect_timeout; }; extern Options options; extern TimePoint now; Task<> read_all(Timeout&);
//     std::string reply = co_await wait_for(call_llm(prompt), 30s);
//     co_await timeout(5s, [&]() -> Task<> { co_await a(); co_await b(); });
//     co_await wait_for(handshake(), options.connect_timeout, peer + ": no connection within the connect timeout");
//
//     Timeout total(now + 60s), quiet(now + 5s);    // two deadlines, one piece of work
//     try {
//         co_await total.run(quiet.run(read_all(quiet)));   // read_all() calls quiet.reschedule()
//     } catch (const TimeoutError&) {
//         if (total.expired()) {}                   // exactly the one that fired
//         else if (quiet.expired()) {}
//         else throw;                                // a TimeoutError from inside the work
//     }
//
// Semantics (asyncio.timeout / wait_for since Python 3.11):
// - When the deadline passes, the work is cancelled; the caller waits until it
//   has really finished (its cleanup included) and then gets TimeoutError.
// - A cancellation from outside is never turned into TimeoutError: it stays
//   CancelledError, even if the deadline passed too. (The scope counts
//   cancellation requests, as asyncio does with uncancel().)
// - If the work finishes anyway, having caught the cancellation, its result is
//   returned and no TimeoutError is thrown.
// - Scopes nest; the innermost deadline is visible to I/O through
//   current_deadline(). The work runs in the caller's task (no new task).
//   When nested scopes both expire (the outer one while the inner one's work
//   is still cleaning up), the TimeoutError that comes out is the outer one's:
//   check the outer scope's expired() first.
// - Work is a Task, a TaskHandle (cancelled on expiry, as asyncio does), or a
//   callable returning a Task (a block of code, like `async with timeout()`).
//
// A Timeout's life is asyncio's state machine: Created -> Entered (run() is
// awaited) -> Exited (the work ended before the deadline), or Entered ->
// Expiring (the deadline passed, the work is being cancelled) -> Expired.
// - when(): the deadline (none: no deadline, the scope never fires).
// - reschedule(t): moves the deadline, before run() or while the work runs
//   (re-arming the timer; none disarms it; a time already past fires at once);
//   InvalidStateError once the timeout expired or its work ended.
// - expired(): true once this timeout fired, and only this one.
// - A Timeout bounds one piece of work (run() twice is InvalidStateError); it
//   lives at least as long as the awaited run(), and is not moved.
#pragma once

#include <chrono>
#include <coroutine>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "agentio/core/clock.hpp"
#include "agentio/core/detail/inline_awaiter.hpp"
#include "agentio/core/detail/task_node.hpp"
#include "agentio/core/detail/timer_queue.hpp"
#include "agentio/core/errors.hpp"
#include "agentio/core/event_loop.hpp"
#include "agentio/core/task.hpp"

namespace agentio {

namespace detail {
template <class Inner>
class TimeoutScope;
}

class Timeout final : detail::TimerEntry {
public:
    enum class State : std::uint8_t { Created, Entered, Expiring, Expired, Exited };

    explicit Timeout(std::optional<TimePoint> when = std::nullopt) noexcept : when_(when) {}
    ~Timeout();
    Timeout(const Timeout&) = delete;
    Timeout& operator=(const Timeout&) = delete;

    State state() const noexcept { return state_; }
    std::optional<TimePoint> when() const noexcept { return when_; }
    void reschedule(std::optional<TimePoint> when);
    bool expired() const noexcept { return state_ == State::Expiring || state_ == State::Expired; }

    // Awaits `work` within this deadline: its value, or TimeoutError if the
    // deadline cancelled it, or what it threw. Nothing happens until awaited;
    // a Task is awaited in the caller's frame (no extra coroutine), and so is
    // another Timeout's run() (nested scopes cost nothing either).
    template <class Work>
    auto run(Work work) {
        auto inner = detail::inline_awaiter(std::move(work));
        return detail::TimeoutScope<decltype(inner)>(*this, std::move(inner));
    }

private:
    template <class Inner>
    friend class detail::TimeoutScope;
    friend std::optional<TimePoint> current_deadline();

    void enter();
    // The work ended with `error` (null: a value). Throws TimeoutError if this
    // timeout's cancellation is what ended it.
    void exit(const std::exception_ptr& error);
    // The scope is destroyed before its work finished (its frame was destroyed).
    void abandon() noexcept;
    void close() noexcept;
    void on_timer() noexcept override;

    std::optional<TimePoint> when_;
    detail::TaskNode* node_ = nullptr;
    Timeout* outer_ = nullptr;  // the scope around this one in the same task
    TimePoint entered_at_{};
    int cancelling_at_entry_ = 0;
    State state_ = State::Created;
};

namespace detail {

// What Timeout::run() returns: the work's awaiter, inside the timeout.
template <class Inner>
class [[nodiscard]] TimeoutScope {
public:
    static constexpr bool inline_awaiter = true;
    static_assert(std::is_void_v<decltype(std::declval<Inner&>().await_suspend(std::coroutine_handle<>{}))>,
                  "the inner awaiter always suspends (see inline_awaiter.hpp)");

    TimeoutScope(Timeout& timeout, Inner inner) noexcept(std::is_nothrow_move_constructible_v<Inner>)
        : timeout_(&timeout), inner_(std::move(inner)) {}
    TimeoutScope(TimeoutScope&& other) noexcept(std::is_nothrow_move_constructible_v<Inner>)
        : timeout_(other.timeout_), inner_(std::move(other.inner_)), entered_(std::exchange(other.entered_, false)) {}
    TimeoutScope& operator=(TimeoutScope&&) = delete;
    ~TimeoutScope() {
        if (entered_) timeout_->abandon();
    }

    bool await_ready() { return inner_.await_ready(); }
    // Entered here, outer scopes first: the work starts right after.
    void await_suspend(std::coroutine_handle<> frame) {
        timeout_->enter();
        entered_ = true;
        inner_.await_suspend(frame);
    }
    auto await_resume() {
        auto outcome = resume_into_outcome(inner_);
        if (entered_) {
            entered_ = false;
            timeout_->exit(outcome.error());
        }
        return std::move(outcome).value();
    }

private:
    Timeout* timeout_;
    Inner inner_;
    bool entered_ = false;
};

// The deadline is `deadline`, or now + `budget` when the scope begins (when
// awaited, not when created: like every Task, a timeout is lazy).
template <class T>
Task<T> run_with_deadline(std::optional<TimePoint> deadline, Duration budget, Task<T> work) {
    Timeout scope(deadline ? *deadline : running_node("timeout()").loop().now() + budget);
    co_return co_await scope.run(std::move(work));
}

[[noreturn]] void throw_limit_reached(const std::string& what, Duration limit);

}  // namespace detail

// Runs `work` (an awaitable or a callable returning one) with a deadline.
template <class Work>
auto timeout_at(TimePoint deadline, Work work) {
    return detail::run_with_deadline(deadline, Duration::zero(), as_task(std::move(work)));
}

// The budget starts when the returned Task is awaited.
template <class Work, class Rep, class Period>
auto timeout(std::chrono::duration<Rep, Period> delay, Work work) {
    return detail::run_with_deadline(std::nullopt, std::chrono::duration_cast<Duration>(delay),
                                     as_task(std::move(work)));
}

template <class Work, class Rep, class Period>
auto wait_for(Work work, std::chrono::duration<Rep, Period> delay) {
    return timeout(delay, std::move(work));
}

// wait_for with a limit that may be absent (none: `work` runs unbounded) and
// an error that says what ran out: TimeoutError("<what> of <limit> s"), as
// "postgres 10.0.0.5:5432: no connection within the connect timeout of
// 10.000 s". A TimeoutError that is not this limit's (an enclosing scope's,
// or one `work` threw) passes through as it is.
template <class T>
Task<T> wait_for(Task<T> work, std::optional<Duration> limit, std::string what) {
    if (!limit) co_return co_await std::move(work);
    Timeout scope(detail::running_node("wait_for()").loop().now() + *limit);
    try {
        co_return co_await scope.run(std::move(work));
    } catch (const TimeoutError&) {
        if (!scope.expired()) throw;
    }
    detail::throw_limit_reached(what, *limit);
}

// The deadline of the innermost timeout scope around the running task (the
// earliest of the scopes it is in), if any.
std::optional<TimePoint> current_deadline();

}  // namespace agentio
