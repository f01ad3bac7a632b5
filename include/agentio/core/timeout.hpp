// timeout.hpp: wait_for(work, d), timeout(d, work) and timeout_at(t, work).
//
//     std::string reply = co_await wait_for(call_llm(prompt), 30s);
//     co_await timeout(5s, [&]() -> Task<> { co_await a(); co_await b(); });
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
// - Work is a Task, a TaskHandle (cancelled on expiry, as asyncio does), or a
//   callable returning a Task (a block of code, like `async with timeout()`).
#pragma once

#include <chrono>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "agentio/core/as_task.hpp"
#include "agentio/core/errors.hpp"
#include "agentio/core/event_loop.hpp"
#include "agentio/core/task.hpp"
#include "agentio/core/task_node.hpp"

namespace agentio {
namespace detail {

// Arms the deadline on construction; finish() disarms it and decides.
class TimeoutScope final : TimerEntry {
public:
    TimeoutScope(TaskNode& node, TimePoint deadline, Duration budget);
    ~TimeoutScope();
    TimeoutScope(const TimeoutScope&) = delete;
    TimeoutScope& operator=(const TimeoutScope&) = delete;

    // Called once the work has finished with `error` (null on success): throws
    // TimeoutError if the work was cancelled by this scope's expiry, rethrows
    // `error` otherwise.
    void finish(std::exception_ptr error);

private:
    void on_timer() noexcept override;
    void close() noexcept;

    TaskNode& node_;
    TimePoint outer_deadline_;
    Duration budget_;
    int cancelling_at_entry_;
    bool expired_ = false;
    bool closed_ = false;
};

// The deadline is `deadline`, or now + `budget` when the scope begins (when
// awaited, not when created: like every Task, a timeout is lazy).
template <class T>
Task<T> run_with_deadline(std::optional<TimePoint> deadline, Duration budget, Task<T> work) {
    TaskNode& node = running_node("timeout()");
    const TimePoint now = node.loop().now();
    if (deadline) budget = *deadline - now;
    TimeoutScope scope(node, deadline ? *deadline : now + budget, budget);
    std::exception_ptr error;
    if constexpr (std::is_void_v<T>) {
        try {
            co_await std::move(work);
        } catch (...) {
            error = std::current_exception();
        }
        scope.finish(error);
    } else {
        std::optional<T> value;
        try {
            value.emplace(co_await std::move(work));
        } catch (...) {
            error = std::current_exception();
        }
        scope.finish(error);
        co_return std::move(*value);
    }
}

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

// The deadline of the innermost timeout scope around the running task, if any.
inline std::optional<TimePoint> current_deadline() {
    detail::TaskNode* node = detail::TaskNode::running();
    if (node == nullptr || node->deadline() == TimePoint::max()) return std::nullopt;
    return node->deadline();
}

}  // namespace agentio
