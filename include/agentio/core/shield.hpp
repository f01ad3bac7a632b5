// shield.hpp: shield(work), protect an operation from the caller's cancellation.
//
// Two forms, because C++ must not let work outlive the frame it may point into:
// - shield(task) runs the Task as a child that the caller's cancellation does
//   not reach. If the caller is cancelled meanwhile, it still waits for the
//   child to finish (the protected side effects happen; a lazy Task may refer
//   to the caller's locals, so it cannot be left running), then throws
//   CancelledError, as `await asyncio.shield(...)` does.
// - shield(handle) waits for a spawned task; if the caller is cancelled it
//   stops waiting at once and throws CancelledError, while the task, owned by
//   the loop, keeps running. This is asyncio's wait_for(shield(task), t) idiom.
// A timeout around a shield therefore throws TimeoutError only once a shielded
// Task has finished, and at once around a shielded handle.
#pragma once

#include <type_traits>

#include "agentio/core/create_task.hpp"
#include "agentio/core/detail/child_task.hpp"
#include "agentio/core/task.hpp"

namespace agentio {
namespace detail {

template <class T>
class ShieldedChild final : Waiter, ChildCollector {
public:
    explicit ShieldedChild(Task<T> task) { child_.assign(std::move(task), "shield()"); }
    bool await_ready() const noexcept { return false; }
    bool await_suspend(std::coroutine_handle<> frame) {
        parent_ = &running_node("shield()");
        // A cancellation already pending is handled like one that arrives
        // while waiting: the child still runs to its end.
        if (parent_->take_pending_cancel()) cancelled_ = true;
        child_.launch(*parent_, *this);
        parent_->wait_on(*this, frame);
        return true;
    }
    value_or_monostate_t<T> await_resume() {
        if (cancelled_) throw CancelledError("cancelled while waiting on a shielded task (it has finished)");
        return child_.take_value();
    }

private:
    void cancel() noexcept override { cancelled_ = true; }
    void child_finished(ChildBase&) noexcept override { parent_->wake(); }
    std::string describe() const override { return "shield(): waiting on a protected child"; }

    ChildTask<T> child_;
    TaskNode* parent_ = nullptr;
    bool cancelled_ = false;
};

template <class T>
class ShieldedHandle final : Waiter, CompletionListener {
public:
    explicit ShieldedHandle(TaskHandle<T> handle) : handle_(std::move(handle)) {}
    bool await_ready() const { return handle_.done(); }
    bool await_suspend(std::coroutine_handle<> frame) {
        node_ = &running_node("shield()");
        if (node_->take_pending_cancel()) {
            cancelled_ = true;
            return false;
        }
        handle_.node().add_listener(*this);
        node_->wait_on(*this, frame);
        return true;
    }
    T await_resume() {
        if (cancelled_) throw CancelledError("cancelled while waiting on shielded task '" + handle_.name() + "'");
        return handle_.node().result(true);  // copied if the caller still holds the task
    }

private:
    void cancel() noexcept override {
        cancelled_ = true;
        handle_.node().remove_listener(*this);
        node_->wake();
    }
    void task_finished(SpawnedTaskBase&) noexcept override { node_->wake(); }
    std::string describe() const override { return "shield(): waiting on task '" + handle_.name() + "'"; }

    TaskHandle<T> handle_;
    TaskNode* node_ = nullptr;
    bool cancelled_ = false;
};

}  // namespace detail

template <class T>
Task<T> shield(Task<T> task) {
    detail::ShieldedChild<T> child(std::move(task));
    if constexpr (std::is_void_v<T>) co_await child;
    else co_return co_await child;
}

template <class T>
Task<T> shield(TaskHandle<T> handle) {
    co_return co_await detail::ShieldedHandle<T>(std::move(handle));
}

}  // namespace agentio
