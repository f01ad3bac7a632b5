// task_group.hpp: TaskGroup and task_group(), structured concurrency.
//
//     co_await task_group([&](TaskGroup& group) -> Task<> {
//         for (auto& url : urls) group.create_task(fetch(url));
//         co_return;
//     });
//
// The twin of `async with asyncio.TaskGroup() as tg:`. The body runs in the
// caller's task; task_group() returns only when every child has finished.
// - The first child failure cancels the other children and the body.
// - Every error is kept: they are thrown together as an ExceptionGroup (even a
//   single one, as asyncio does). Children's CancelledErrors are not errors.
// - If the body throws, the children are cancelled and awaited, and the body's
//   error joins the group's errors.
// - If the caller is cancelled, the children are cancelled and awaited, then
//   CancelledError propagates (unless children failed: ExceptionGroup).
// - create_task() after the group began shutting down throws InvalidStateError.
// The group is a scope argument rather than an object with a destructor
// because a destructor cannot wait for children: a scope can.
#pragma once

#include <exception>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "agentio/core/as_task.hpp"
#include "agentio/core/capture.hpp"
#include "agentio/core/create_task.hpp"
#include "agentio/core/task.hpp"

namespace agentio {

class TaskGroup final : detail::Waiter, detail::CompletionListener {
public:
    TaskGroup(const TaskGroup&) = delete;
    TaskGroup& operator=(const TaskGroup&) = delete;

    template <class T>
    TaskHandle<T> create_task(Task<T> task, std::string name = {}) {
        if (state_ != State::Open)
            throw InvalidStateError(state_ == State::Aborting ? "TaskGroup is shutting down: cannot create_task()"
                                                              : "TaskGroup has finished: cannot create_task()");
        TaskHandle<T> handle = detail::spawn(parent_.loop(), std::move(task), std::move(name));
        adopt(handle.node());
        return handle;
    }
    // Any other awaitable, or a callable returning one (see create_task()).
    template <class Work>
        requires(!is_task_v<Work> && (detail::Awaitable<Work> || std::invocable<Work&>))
    auto create_task(Work work, std::string name = {}) {
        return create_task(as_task(std::move(work)), std::move(name));
    }

    // Number of children not finished yet.
    std::size_t pending() const noexcept { return live_; }

    // For task_group(): the end of the scope.
    explicit TaskGroup(detail::TaskNode& parent) noexcept : parent_(parent) {}
    ~TaskGroup();
    auto join(std::exception_ptr body_error) {
        body_error_ = std::move(body_error);
        return JoinAwaiter{*this};
    }

private:
    enum class State { Open, Aborting, Joined };
    struct JoinAwaiter {
        TaskGroup& group;
        bool await_ready() const noexcept { return false; }
        bool await_suspend(std::coroutine_handle<> frame) { return group.start_join(frame); }
        void await_resume() { group.finish_join(); }
    };

    void adopt(detail::SpawnedTaskBase& child);
    void abort() noexcept;
    bool start_join(std::coroutine_handle<> frame);
    void finish_join();
    void task_finished(detail::SpawnedTaskBase& child) noexcept override;
    void cancel() noexcept override;
    std::string describe() const override;

    detail::TaskNode& parent_;
    std::vector<detail::SpawnedTaskBase*> children_;  // counted references
    std::vector<std::exception_ptr> errors_;
    std::exception_ptr body_error_;
    std::size_t live_ = 0;
    State state_ = State::Open;
    bool joining_ = false;
    bool parent_cancel_requested_ = false;
    bool propagate_cancel_ = false;
};

// Runs `body(group)` and waits for every child of the group (see above).
// Returns what the body returns.
template <class Body>
auto task_group(Body body) -> Task<await_result_t<std::invoke_result_t<Body&, TaskGroup&>>> {
    TaskGroup group(detail::running_node("task_group()"));
    auto body_outcome = co_await capture(body(group));
    co_await group.join(body_outcome.error());  // rethrows the body's error, with the children's
    co_return std::move(body_outcome).value();
}

}  // namespace agentio
