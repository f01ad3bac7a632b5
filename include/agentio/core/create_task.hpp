// create_task.hpp: create_task() and TaskHandle<T>, asyncio's create_task and Task.
//
// compile-context: Task<std::string> fetch(std::string); extern std::string url;
//     auto h = create_task(fetch(url), "fetch");   // runs from the next iteration on
//     // ... other work ...
//     std::string body = co_await h;               // or h.cancel(), h.done()
//
// The loop owns a running task: dropping the handle does not stop or destroy
// it, and an exception that nobody retrieves is reported to the loop's
// exception handler. A handle may be copied and awaited by several tasks.
//
// Awaiting a handle and being cancelled while waiting cancels the awaited task
// too (as asyncio does); the awaiter then waits for it to finish and throws
// CancelledError, unless the task caught the cancellation and finished anyway:
// then its outcome stands. (shield(handle) waits without passing it on.)
// Awaiting an rvalue handle that is the last reference moves the result out;
// otherwise the result is copied, so every holder sees the same value.
#pragma once

#include <string>
#include <type_traits>
#include <utility>

#include "agentio/core/as_task.hpp"
#include "agentio/core/detail/loop_access.hpp"
#include "agentio/core/detail/spawned_task.hpp"
#include "agentio/core/event_loop.hpp"

namespace agentio {

template <class T = void>
class TaskHandle {
public:
    TaskHandle() noexcept = default;
    explicit TaskHandle(detail::SpawnedTask<T>* task) noexcept : task_(task) {}  // adopts a reference
    TaskHandle(const TaskHandle& other) noexcept : task_(other.task_) {
        if (task_ != nullptr) task_->add_ref();
    }
    TaskHandle(TaskHandle&& other) noexcept : task_(std::exchange(other.task_, nullptr)) {}
    TaskHandle& operator=(TaskHandle other) noexcept {
        std::swap(task_, other.task_);
        return *this;
    }
    ~TaskHandle() {
        if (task_ != nullptr) task_->release();
    }

    bool valid() const noexcept { return task_ != nullptr; }
    bool done() const { return checked().done(); }
    // Requests cancellation; false if the task already finished.
    bool cancel() { return checked().cancel(); }
    // True if the task finished with CancelledError.
    bool cancelled() const { return checked().cancelled(); }
    int cancelling() const { return checked().cancelling(); }
    int uncancel() { return checked().uncancel(); }
    std::string name() const { return checked().name(); }
    void set_name(std::string name) { checked().set_name(std::move(name)); }

    // The result of a finished task (rethrows its exception); InvalidStateError
    // if it is not done yet.
    T result() const {  // a copy (T copyable), else moved out once
        auto& task = checked();
        if (!task.done()) throw InvalidStateError("result() of task '" + task.name() + "', which is not done");
        return task.result(false);
    }
    // The exception of a finished task, or null.
    std::exception_ptr exception() const {
        auto& task = checked();
        if (!task.done()) throw InvalidStateError("exception() of task '" + task.name() + "', which is not done");
        return task.take_error();
    }

    class Awaiter final : detail::Waiter, detail::CompletionListener {
    public:
        Awaiter(detail::SpawnedTask<T>& task, bool take) noexcept : task_(task), take_(take) {}
        bool await_ready() const noexcept { return task_.done(); }
        bool await_suspend(std::coroutine_handle<> frame) {
            node_ = &detail::running_node("co_await on a TaskHandle");
            if (node_ == &task_) throw InvalidStateError("task '" + task_.name() + "' awaits itself");
            if (node_->take_pending_cancel()) {
                aborted_ = true;
                return false;
            }
            task_.add_listener(*this);
            node_->wait_on(*this, frame);
            return true;
        }
        T await_resume() {
            // Cancelled while waiting: the cancellation was passed on to the
            // task. If the task caught it and finished anyway, its outcome
            // stands (as in asyncio); otherwise the awaiter is cancelled too.
            if (aborted_) throw CancelledError("cancelled before awaiting task '" + task_.name() + "'");
            if (cancelled_ && task_.cancelled())
                throw CancelledError("cancelled while awaiting task '" + task_.name() + "'");
            return task_.result(take_);
        }

    private:
        void cancel() noexcept override {
            cancelled_ = true;
            task_.cancel();  // keep waiting: we are woken when it has finished
        }
        std::string describe() const override { return "awaiting task '" + task_.name() + "'"; }
        void task_finished(detail::SpawnedTaskBase&) noexcept override { node_->wake(); }

        detail::SpawnedTask<T>& task_;
        detail::TaskNode* node_ = nullptr;
        bool take_;
        bool cancelled_ = false;  // the wait was cancelled (and passed on)
        bool aborted_ = false;    // a pending cancellation stopped the wait before it began
    };
    Awaiter operator co_await() const& { return Awaiter{checked(), false}; }
    Awaiter operator co_await() && { return Awaiter{checked(), true}; }

    detail::SpawnedTask<T>& node() const { return checked(); }

private:
    detail::SpawnedTask<T>& checked() const {
        if (task_ == nullptr) throw InvalidStateError("use of an empty TaskHandle (moved from or default-constructed)");
        return *task_;
    }
    detail::SpawnedTask<T>* task_ = nullptr;
};

namespace detail {
// Spawns `task` on `loop` with the running task's context (if any).
template <class T>
TaskHandle<T> spawn(EventLoop& loop, Task<T> task, std::string name) {
    if (!task.valid()) throw InvalidStateError("create_task() of an empty Task (moved from, or already awaited)");
    auto* node = new SpawnedTask<T>(std::move(task));
    node->set_name(std::move(name));
    node->context = current_context();
    node->add_ref();  // the handle's
    detail::LoopAccess::register_task(loop, *node);
    node->start(loop);
    return TaskHandle<T>(node);
}
}  // namespace detail

// Schedules `task` on the running loop; it starts on the next loop iteration.
template <class T>
TaskHandle<T> create_task(Task<T> task, std::string name = {}) {
    return detail::spawn(get_running_loop("create_task()"), std::move(task), std::move(name));
}

// Any other awaitable (sleep(1s) ...), or a callable returning one, is wrapped
// in a Task. Pass a capturing lambda itself rather than its call: the task then
// owns the lambda, so its captures live as long as the task runs.
//     create_task([&]() -> Task<> { co_await use(state); });     // safe
//     create_task([&]() -> Task<> { co_await use(state); }());   // captures dangle
template <class Work>
    requires(!is_task_v<Work> && (detail::Awaitable<Work> || std::invocable<Work&>))
auto create_task(Work work, std::string name = {}) {
    return create_task(as_task(std::move(work)), std::move(name));
}

}  // namespace agentio
