// inline_awaiter.hpp (internal): awaiting a piece of work in the caller's own
// frame, with its outcome taken as a value.
//
// capture() and Timeout::run() wrap the work's awaiter instead of wrapping the
// work in a coroutine of their own, so that neither costs a frame: a Task is
// awaited through its own Awaiter, and a wrapper that opted in (by declaring
// `inline_awaiter`) is awaited as it is, which lets them nest (a Timeout scope
// inside a Timeout scope inside capture()) at no cost either. Any other work
// (a TaskHandle, sleep(1s), a callable) goes through as_task() first.
//
// The awaiters held this way never complete synchronously (a Task's await_ready
// is false or throws) and suspend unconditionally (their await_suspend returns
// void), which is what lets the wrappers do their own work in await_suspend.
#pragma once

#include <exception>
#include <type_traits>
#include <utility>

#include "agentio/core/as_task.hpp"
#include "agentio/core/outcome.hpp"
#include "agentio/core/task.hpp"

namespace agentio::detail {

template <class W>
concept OptsInlineAwaiter = requires { W::inline_awaiter; };

// The awaiter that awaits `work` without a frame of its own (see above).
template <class Work>
auto inline_awaiter(Work work) {
    if constexpr (is_task_v<Work>) {
        return std::move(work).operator co_await();
    } else if constexpr (OptsInlineAwaiter<Work>) {
        return work;
    } else {
        return as_task(std::move(work)).operator co_await();
    }
}

// After an awaiter's wait: what await_resume() gives, or what it throws, as an
// Outcome. Every exception is taken, CancelledError included.
template <class Awaiter>
auto resume_into_outcome(Awaiter& awaiter) {
    using R = decltype(awaiter.await_resume());
    try {
        if constexpr (std::is_void_v<R>) {
            awaiter.await_resume();
            return Outcome<void>{};
        } else {
            return Outcome<R>(awaiter.await_resume());
        }
    } catch (...) {
        return Outcome<R>(std::current_exception());
    }
}

}  // namespace agentio::detail
