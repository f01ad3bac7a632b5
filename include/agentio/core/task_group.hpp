// task_group.hpp: TaskGroup and task_group(), structured concurrency.
//
// compile-context: Task<std::string> fetch(std::string); extern std::vector<std::string> urls;
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
// - cancel() (asyncio's TaskGroup.cancel(), Python 3.15) ends the group early
//   without an error: the children and the body are cancelled, and
//   task_group() returns normally once they have finished. Call it from the
//   body or from a child, once the group's goal is met. It is idempotent and a
//   no-op once the group has finished. A cancellation from outside that comes
//   at the same time still propagates, and so do children's errors. A body
//   that returns a value and is stopped before it returns has none to give:
//   task_group() then throws InvalidStateError.
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

namespace detail {
struct TaskGroupScope;
}

class TaskGroup final : detail::CompletionListener {
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

    // Ends the group early, without an error (see the file comment).
    void cancel() noexcept;

    ~TaskGroup();

private:
    friend struct detail::TaskGroupScope;
    enum class State { Open, Aborting, Joined };
    // The scope's task waits on the join through this: a cancellation of that
    // task arrives here (a separate object, so that it is not the public cancel()).
    struct Joiner final : detail::Waiter {
        TaskGroup& group;
        explicit Joiner(TaskGroup& g) noexcept : group(g) {}
        void cancel() noexcept override { group.joiner_cancelled(); }
        std::string describe() const override { return group.describe(); }
    };
    struct JoinAwaiter {
        TaskGroup& group;
        bool await_ready() const noexcept { return false; }
        bool await_suspend(std::coroutine_handle<> frame) { return group.start_join(frame); }
        void await_resume() { group.finish_join(); }
    };

    explicit TaskGroup(detail::TaskNode& parent) noexcept : parent_(parent) {}
    auto join(std::exception_ptr body_error) {
        body_error_ = std::move(body_error);
        return JoinAwaiter{*this};
    }
    void adopt(detail::SpawnedTaskBase& child);
    void abort() noexcept;
    void cancel_body() noexcept;
    bool start_join(std::coroutine_handle<> frame);
    void finish_join();
    void task_finished(detail::SpawnedTaskBase& child) noexcept override;
    void joiner_cancelled() noexcept;
    std::string describe() const;

    detail::TaskNode& parent_;
    Joiner joiner_{*this};
    std::vector<detail::SpawnedTaskBase*> children_;  // counted references
    std::vector<std::exception_ptr> errors_;
    std::exception_ptr body_error_;
    std::size_t live_ = 0;
    State state_ = State::Open;
    bool joining_ = false;
    bool parent_cancel_requested_ = false;
    bool propagate_cancel_ = false;
};

namespace detail {
// What task_group() alone may do with a TaskGroup: make it and join it.
struct TaskGroupScope {
    static TaskGroup make(TaskNode& parent) noexcept { return TaskGroup(parent); }
    static auto join(TaskGroup& group, std::exception_ptr body_error) { return group.join(std::move(body_error)); }
};
}  // namespace detail

// Runs `body(group)` and waits for every child of the group (see above).
// Returns what the body returns.
template <class Body>
auto task_group(Body body) -> Task<await_result_t<std::invoke_result_t<Body&, TaskGroup&>>> {
    using T = await_result_t<std::invoke_result_t<Body&, TaskGroup&>>;
    TaskGroup group = detail::TaskGroupScope::make(detail::running_node("task_group()"));
    auto body_outcome = co_await capture(body(group));
    // Rethrows the body's error with the children's; returns when the body
    // was stopped by cancel(), or finished.
    co_await detail::TaskGroupScope::join(group, body_outcome.error());
    if constexpr (!std::is_void_v<T>) {
        if (!body_outcome) throw InvalidStateError("TaskGroup::cancel() stopped the body before it returned a value");
        co_return std::move(body_outcome).value();
    }
}

}  // namespace agentio
