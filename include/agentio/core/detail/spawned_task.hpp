// spawned_task.hpp: the loop-owned task behind create_task() and TaskHandle.
//
// Ownership: a spawned task is counted. The loop holds one reference until the
// task finishes, each TaskHandle holds one; the last release frees it. So a
// dropped handle never destroys a running task, and a finished task's result
// lives as long as someone can still ask for it.
//
// Errors are never lost: a task that ends with an exception (other than
// CancelledError) that nobody retrieved (by awaiting it, result(), exception(),
// or by being a TaskGroup child) is reported to the loop's exception handler
// when its last reference goes away.
#pragma once

#include <cstdint>
#include <exception>
#include <string>

#include "agentio/core/detail/frame_allocator.hpp"
#include "agentio/core/detail/intrusive_list.hpp"
#include "agentio/core/detail/task_node.hpp"
#include "agentio/core/task.hpp"

namespace agentio::detail {

class SpawnedTaskBase;

// Told when a spawned task finishes: awaiters, TaskGroups, as_completed.
class CompletionListener : public IntrusiveLink<CompletionListener> {
public:
    virtual void task_finished(SpawnedTaskBase& task) noexcept = 0;

protected:
    ~CompletionListener() = default;
};

class SpawnedTaskBase : public TaskNode, public IntrusiveLink<SpawnedTaskBase> {
public:
    // Recycled like coroutine frames (the virtual destructor passes the real size).
    static void* operator new(std::size_t size) { return allocate_frame(size); }
    static void operator delete(void* p, std::size_t size) noexcept { deallocate_frame(p, size); }

    void add_ref() noexcept { ++refs_; }
    // True if one reference is left (after the task finished: one handle).
    bool sole_reference() const noexcept { return refs_ == 1; }
    void release() noexcept {
        if (--refs_ == 0) destroy();
    }

    void add_listener(CompletionListener& listener) noexcept;
    void remove_listener(CompletionListener& listener) noexcept;

    // The task's exception (null if it returned a value); counts as retrieved.
    std::exception_ptr take_error() noexcept {
        retrieved_ = true;
        return error();
    }
    bool cancelled() const noexcept { return done() && is_cancellation(error()); }
    void mark_retrieved() noexcept { retrieved_ = true; }

    // A structured owner's number for this task (as_completed: its input position).
    std::uint32_t index() const noexcept { return index_; }
    void set_index(std::uint32_t index) noexcept { index_ = index; }

    // The structured owner (a TaskGroup, as_completed) told before any other
    // listener; it retrieves the task's error itself.
    CompletionListener* owner = nullptr;

    // EventLoop::cancel_and_drain() cancels each task once.
    bool cancelled_by_shutdown() const noexcept { return cancelled_by_shutdown_; }
    void mark_cancelled_by_shutdown() noexcept { cancelled_by_shutdown_ = true; }

protected:
    SpawnedTaskBase();
    virtual ~SpawnedTaskBase() = default;
    virtual std::exception_ptr error() const noexcept = 0;
    void on_finished() noexcept final;
    std::string default_name() const final { return "Task-" + std::to_string(number_); }
    // A move-only result can be moved out once.
    bool result_taken() const noexcept { return result_taken_; }
    void mark_result_taken() noexcept { result_taken_ = true; }

private:
    void destroy() noexcept;

    // The small fields paired, so that no word is half padding.
    std::uint32_t number_;  // for the default name
    std::uint32_t refs_ : 29 = 1;  // the loop's, until the task finishes
    std::uint32_t retrieved_ : 1 = 0;
    std::uint32_t result_taken_ : 1 = 0;
    std::uint32_t cancelled_by_shutdown_ : 1 = 0;
    IntrusiveList<CompletionListener> listeners_;  // told in the order they registered
    std::uint32_t index_ = 0;
};

template <class T>
class SpawnedTask final : public SpawnedTaskBase {
public:
    // Takes the frame over (the node destroys it).
    explicit SpawnedTask(Task<T> task) noexcept { set_root(task.release()); }
    ~SpawnedTask() override { root().destroy(); }

    // Precondition: done(). The result (rethrows the task's exception), moved
    // out when `may_move` and nobody else can still ask for it, else copied.
    // A move-only result can be taken once; InvalidStateError after that.
    T result(bool may_move) {
        mark_retrieved();
        if (!ran()) throw CancelledError("task '" + name() + "' was cancelled before it started");
        auto& promise = frame().promise();
        if constexpr (std::is_void_v<T>) {
            promise.peek_result();
        } else {
            if (result_taken())
                throw InvalidStateError("the result of task '" + name() + "' was already moved out");
            if constexpr (std::is_copy_constructible_v<T>) {
                if (!(may_move && sole_reference())) return promise.peek_result();
            }
            T value = promise.take_result();
            mark_result_taken();
            return value;
        }
    }

private:
    std::exception_ptr error() const noexcept override {
        if (!ran()) return std::make_exception_ptr(CancelledError("task was cancelled before it started"));
        return frame().promise().error();
    }
    typename Task<T>::Handle frame() const noexcept { return Task<T>::Handle::from_address(root().address()); }
};

}  // namespace agentio::detail
