// to_thread.hpp: to_thread(f, args...), run blocking work off the loop.
//
// compile-context: std::vector<std::string> read_csv(const std::string&); extern std::string path;
//     auto rows = co_await to_thread(read_csv, path);
//
// f(args...) runs on the loop's worker threads (started lazily), with the
// caller's task-local context; the caller resumes on the loop thread with the
// result or the exception. f and args are moved into the job (pass std::ref
// only for data that outlives the call).
// Cancelling the caller returns CancelledError at once and discards the
// result when it comes; the thread is not interrupted (a thread cannot be
// stopped safely), and run() waits for it before returning.
#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>

#include "agentio/core/context.hpp"
#include "agentio/core/detail/loop_access.hpp"
#include "agentio/core/detail/task_node.hpp"
#include "agentio/core/detail/thread_pool.hpp"
#include "agentio/core/errors.hpp"
#include "agentio/core/event_loop.hpp"
#include "agentio/core/outcome.hpp"

namespace agentio {
namespace detail {

template <class R, class F>
class ThreadCall;

// The job outlives its awaiter if the awaiter is cancelled, so the two are
// separate: the job holds everything the worker touches; the loop thread
// alone connects the job to the awaiter.
template <class R, class F>
class ThreadCallJob final : public ThreadJob {
public:
    ThreadCallJob(EventLoop& loop, F call, ContextRef context)
        : loop_(loop), call_(std::move(call)), context_(std::move(context)) {}

    void execute() noexcept override {
        ThreadContextScope scope(context_);
        try {
            if constexpr (std::is_void_v<R>) {
                call_();
                outcome_.emplace();
            } else {
                outcome_.emplace(call_());
            }
        } catch (...) {
            outcome_.emplace(std::current_exception());
        }
    }
    // On the loop thread, after execute().
    void run() noexcept override {
        detail::LoopAccess::job_completed(loop_);
        if (awaiter_ != nullptr) awaiter_->complete(std::move(*outcome_));
        delete this;
    }
    ThreadCall<R, F>* awaiter_ = nullptr;  // loop thread only; null once abandoned

private:
    EventLoop& loop_;
    F call_;
    ContextRef context_;
    std::optional<Outcome<R>> outcome_;
};

template <class R, class F>
class [[nodiscard]] ThreadCall final : Waiter {
public:
    explicit ThreadCall(F call) : call_(std::move(call)) {}
    bool await_ready() const noexcept { return false; }
    bool await_suspend(std::coroutine_handle<> frame) {
        node_ = &running_node("to_thread()");
        if (node_->take_pending_cancel()) {
            cancelled_ = true;
            return false;
        }
        auto job = std::make_unique<ThreadCallJob<R, F>>(node_->loop(), std::move(call_), node_->context);
        job->awaiter_ = this;
        detail::LoopAccess::run_in_thread(node_->loop(), *job);  // from here the job frees itself
        job_ = job.release();
        node_->wait_on(*this, frame);
        return true;
    }
    R await_resume() {
        if (cancelled_) throw CancelledError("cancelled while waiting for to_thread()");
        return std::move(*outcome_).value();
    }
    void complete(Outcome<R> outcome) noexcept {
        outcome_.emplace(std::move(outcome));
        node_->wake();
    }

private:
    void cancel() noexcept override {
        cancelled_ = true;
        job_->awaiter_ = nullptr;  // the result will be dropped
        node_->wake();
    }
    std::string describe() const override { return "to_thread(): waiting for a worker thread"; }

    F call_;
    ThreadCallJob<R, F>* job_ = nullptr;
    TaskNode* node_ = nullptr;
    std::optional<Outcome<R>> outcome_;
    bool cancelled_ = false;
};

}  // namespace detail

template <class F, class... Args>
auto to_thread(F&& f, Args&&... args) {
    using R = std::invoke_result_t<std::decay_t<F>, std::decay_t<Args>...>;
    auto call = [f = std::forward<F>(f), ... args = std::forward<Args>(args)]() mutable -> R {
        return std::invoke(std::move(f), std::move(args)...);
    };
    return detail::ThreadCall<R, decltype(call)>(std::move(call));
}

}  // namespace agentio
