// child_task.hpp: ChildTask<T>, a task owned by a structured parent (gather,
// shield, map_concurrent).
//
// Unlike a spawned task, a child is not registered with the loop and is not
// counted: it lives with its parent (in its frame, or in blocks a gather owns),
// and the parent does not resume until every child it started has finished, so
// no child outlives it. A child inherits its parent's task-local context.
#pragma once

#include <cstdint>
#include <exception>
#include <string>
#include <type_traits>

#include "agentio/core/detail/task_node.hpp"
#include "agentio/core/event_loop.hpp"
#include "agentio/core/outcome.hpp"
#include "agentio/core/task.hpp"

namespace agentio::detail {

class ChildBase;

class ChildCollector {
public:
    virtual void child_finished(ChildBase& child) noexcept = 0;

protected:
    ~ChildCollector() = default;
};

class ChildBase : public TaskNode {
public:
    // The child's exception once it is done (CancelledError if it never ran).
    virtual std::exception_ptr error() const noexcept = 0;

    // The parent's number for this child (its input position).
    std::uint32_t index() const noexcept { return index_; }
    void set_index(std::uint32_t index) noexcept { index_ = index; }

protected:
    ~ChildBase() = default;
    void on_finished() noexcept final { collector_->child_finished(*this); }
    std::string default_name() const final { return "child #" + std::to_string(index_); }
    void set_collector(ChildCollector& collector) noexcept { collector_ = &collector; }

private:
    std::uint32_t index_ = 0;  // first: it fits in TaskNode's tail padding
    ChildCollector* collector_ = nullptr;
};

template <class T>
class ChildTask final : public ChildBase {
public:
    ChildTask() = default;
    ~ChildTask() { destroy_frame(); }

    // Takes `task` over; InvalidStateError if it cannot be started.
    void assign(Task<T> task, const char* who) {
        if (!task.valid())
            throw InvalidStateError(std::string(who) + " was given an empty Task (moved from, or already awaited)");
        set_root(task.release());  // the node owns the frame from here
    }
    // Frees the frame (its result taken) before the node goes.
    void destroy_frame() noexcept {
        if (!root()) return;
        root().destroy();
        set_root({});
    }
    void launch(TaskNode& parent, ChildCollector& owner) noexcept {
        set_collector(owner);
        context = parent.context;
        start(parent.loop());
    }
    std::exception_ptr error() const noexcept override {
        if (!ran()) return std::make_exception_ptr(CancelledError("task was cancelled before it started"));
        return frame().promise().error();
    }
    // Precondition: done(). Rethrows the child's exception.
    value_or_monostate_t<T> take_value() {
        if (!ran()) throw CancelledError("task was cancelled before it started");
        if constexpr (std::is_void_v<T>) {
            frame().promise().take_result();
            return {};
        } else {
            return frame().promise().take_result();
        }
    }
    Outcome<T> take_outcome() {
        if (std::exception_ptr e = error()) return Outcome<T>(e);
        if constexpr (std::is_void_v<T>) return Outcome<void>();
        else return Outcome<T>(frame().promise().take_result());
    }

private:
    typename Task<T>::Handle frame() const noexcept { return Task<T>::Handle::from_address(root().address()); }
};

}  // namespace agentio::detail
