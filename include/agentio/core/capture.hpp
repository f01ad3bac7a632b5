// capture.hpp: capture(work), a piece of work's result or exception as an Outcome.
//
// compile-context: returns llm::ChatResponse
// compile-context: using Reply = llm::ChatResponse; extern llm::Client client; extern llm::ChatRequest request;
// compile-context: Task<> close_session(); void log(const std::string&);
//     Outcome<Reply> reply = co_await capture(client.chat(request));
//     co_await close_session();                  // the clean-up runs either way
//     if (!reply) log(describe(reply.error()));
//     co_return std::move(reply).value();        // rethrows what the call threw
//
// For the pattern "finish the work, do something whatever happened, then
// decide": it replaces `try { x = co_await w; } catch (...) { error =
// std::current_exception(); }`.
// - Every exception is captured, CancelledError included, although it does not
//   derive from std::exception (Python's `except BaseException`). The caller
//   decides: outcome.cancelled() tells, and value() rethrows it. A task that
//   captures its own cancellation and goes on as if nothing had happened
//   ignores a cancel(); rethrow it once the clean-up is done. cancelling()
//   tells a cancellation of the caller's own task (rethrow it) from a
//   CancelledError the work raised on its own (an outcome like any other).
// - Work is a Task (awaited in the caller's frame: no extra coroutine), a
//   TaskHandle, an awaiter such as sleep(1s), or a callable returning one.
// - Like the Task it wraps, a capture does nothing until awaited.
#pragma once

#include <coroutine>
#include <exception>
#include <type_traits>
#include <utility>

#include "agentio/core/detail/inline_awaiter.hpp"
#include "agentio/core/outcome.hpp"

namespace agentio {
namespace detail {

template <class Inner>
class [[nodiscard]] Captured {
public:
    static_assert(std::is_void_v<decltype(std::declval<Inner&>().await_suspend(std::coroutine_handle<>{}))>,
                  "the inner awaiter always suspends (see inline_awaiter.hpp)");

    explicit Captured(Inner inner) noexcept(std::is_nothrow_move_constructible_v<Inner>) : inner_(std::move(inner)) {}

    // An error before the wait begins (an empty Task, awaiting outside a task)
    // is captured too.
    bool await_ready() noexcept {
        try {
            return inner_.await_ready();
        } catch (...) {
            early_ = std::current_exception();
            return true;
        }
    }
    bool await_suspend(std::coroutine_handle<> frame) noexcept {
        try {
            inner_.await_suspend(frame);
            return true;
        } catch (...) {
            early_ = std::current_exception();
            return false;
        }
    }
    auto await_resume() {
        using Result = decltype(resume_into_outcome(inner_));
        if (early_) return Result(std::move(early_));
        return resume_into_outcome(inner_);
    }

private:
    Inner inner_;
    std::exception_ptr early_;
};

}  // namespace detail

// Awaits `work`; returns its value, or the exception it ended with, as an Outcome.
template <class Work>
auto capture(Work work) {
    auto inner = detail::inline_awaiter(std::move(work));
    return detail::Captured<decltype(inner)>(std::move(inner));
}

// How many cancellation requests the running task has pending, as asyncio's
// current_task().cancelling(): 0 while it is not being cancelled.
int cancelling();

}  // namespace agentio
