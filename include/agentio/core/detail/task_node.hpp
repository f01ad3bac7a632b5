// task_node.hpp: TaskNode, the schedulable unit (what asyncio calls a Task).
//
// A TaskNode drives one chain of Task frames: its root frame and whatever that
// frame is awaiting, down to a leaf that waits on the outside world (a timer, a
// semaphore, another task). The loop steps a node; a step runs the trampoline
// until the chain suspends on a leaf or the root finishes.
//
// One invariant per state (as in CPython's tasks.py): a node is
//   Created   - not started yet;
//   Scheduled - in the loop's ready queue, exactly once;
//   Running   - being stepped right now;
//   Waiting   - suspended on exactly one Waiter, and in no ready queue;
//   Done      - its root frame has finished.
// Only the Waiter that a node waits on may wake it (Waiting -> Scheduled).
//
// Cancellation follows asyncio's request counting (cancel / uncancel /
// cancelling), which is what lets a timeout tell its own cancellation apart
// from an external one:
// - cancel() on a Waiting node asks its Waiter to stop waiting; the Waiter
//   then resumes the task with CancelledError (or forwards the cancellation to
//   the work it waits on and throws when that work has finished).
// - cancel() on a Scheduled or Running node sets must_cancel: whatever the
//   task was woken with is delivered (a semaphore permit, a queue item: a
//   cancellation never discards a completed operation's result), and the
//   next suspension point throws CancelledError instead of waiting.
#pragma once

#include <coroutine>
#include <cstdint>
#include <memory>
#include <string>

#include "agentio/core/clock.hpp"
#include "agentio/core/context.hpp"
#include "agentio/core/detail/runnable.hpp"

namespace agentio {

class EventLoop;
class Timeout;

namespace detail {

class TaskNode;

// What a suspended task waits on. Implemented by every leaf awaitable.
class Waiter {
public:
    // The waiting task was cancelled. Either stop waiting and wake the task so
    // that it throws CancelledError, or forward the cancellation and wake it
    // once the awaited work has finished.
    virtual void cancel() noexcept = 0;
    // For debug dumps: what the task is waiting on.
    virtual std::string describe() const = 0;

protected:
    ~Waiter() = default;
};

class TaskNode : public Runnable {
public:
    enum class State : std::uint8_t { Created, Scheduled, Running, Waiting, Done };

    TaskNode() = default;
    TaskNode(const TaskNode&) = delete;
    TaskNode& operator=(const TaskNode&) = delete;

    State state() const noexcept { return state_; }
    bool done() const noexcept { return state_ == State::Done; }

    // Requests cancellation (see the file comment). False if already done.
    bool cancel() noexcept;
    // Withdraws one cancellation request; returns how many remain. When none
    // remain, a pending must_cancel is withdrawn too.
    int uncancel() noexcept;
    // How many cancellation requests are pending.
    int cancelling() const noexcept { return static_cast<int>(cancel_requests_); }

    // For suspension points: consumes a pending must_cancel. A leaf that gets
    // true throws CancelledError instead of suspending.
    bool take_pending_cancel() noexcept {
        if (!must_cancel_) return false;
        must_cancel_ = false;
        return true;
    }
    // Leaf side: suspend the running task on `waiter`, to be resumed at `frame`.
    void wait_on(Waiter& waiter, std::coroutine_handle<> frame) noexcept {
        link_.parked = &waiter;
        hot_data_ = frame.address();
        state_ = State::Waiting;
    }
    // Leaf side: the thing the task waits on has happened; schedule it.
    void wake() noexcept;
    // Leaf side: reschedule the running task at the back of the ready queue
    // (sleep(0)); it resumes at `frame` on the next loop iteration.
    void yield(std::coroutine_handle<> frame) noexcept;
    // Leaf side: a shielded wait defers cancellation to the next suspension point.
    void defer_cancel() noexcept { must_cancel_ = true; }

    // Starts the node (its root frame set): the root runs on the next loop iteration.
    void start(EventLoop& loop) noexcept;

    // False if the task was cancelled before its first step: its body never ran
    // and its outcome is CancelledError (as asyncio does for such a task).
    bool ran() const noexcept { return ran_; }

    // The given name, else the kind's own: "Task-<n>" for a spawned task
    // (numbered per thread, as asyncio does), the position for a child.
    std::string name() const;
    void set_name(std::string name) {
        if (!name.empty()) extras().name = std::move(name);
    }
    // What the task waits on while Waiting; null in every other state.
    const Waiter* waiter() const noexcept {
        return state_ == State::Waiting ? static_cast<const Waiter*>(link_.parked) : nullptr;
    }
    // The loop the task runs on: the running loop (a task never leaves the
    // loop, and the loop's thread, that started it; keeping no pointer keeps
    // the node small).
    EventLoop& loop() const noexcept;

    // The innermost Timeout scope the task is in (null if none); each scope
    // links to the one around it. current_deadline() reads the chain.
    Timeout* innermost_timeout() const noexcept { return extras_ ? extras_->innermost_timeout : nullptr; }
    void set_innermost_timeout(Timeout* scope) {
        if (extras_ || scope != nullptr) extras().innermost_timeout = scope;
    }

    // Task-local context: the values of ContextVars for this task.
    ContextRef context;

    // The node the loop is stepping on this thread, or null.
    static TaskNode* running() noexcept { return running_; }

protected:
    ~TaskNode() = default;
    // The root frame (the Task the node was started with).
    std::coroutine_handle<> root() const noexcept { return root_; }
    // Takes a root frame before start() (a child waiting to be launched).
    void set_root(std::coroutine_handle<> root) noexcept { root_ = root; }
    // Called once, when the root frame has finished; the frame is still alive.
    virtual void on_finished() noexcept = 0;
    // The name of a task that was given none.
    virtual std::string default_name() const = 0;

private:
    void run() noexcept final;  // one step, called by the loop

    // What few tasks have (a name, a timeout scope): out of line, so that the
    // node of a plain task stays small.
    struct Extras {
        std::string name;
        Timeout* innermost_timeout = nullptr;
    };
    Extras& extras() {
        if (!extras_) extras_ = std::make_unique<Extras>();
        return *extras_;
    }

    // Where the task resumes is kept in Runnable::hot_data_ (a frame address),
    // and what it waits on in Runnable::link_ (a waiting task is in no queue).
    std::coroutine_handle<> root_;
    std::unique_ptr<Extras> extras_;
    // The small state in one word, so that a subclass's first small field
    // fits in this class's tail padding (node size is memory per task).
    // The count saturates (at 65,535 requests pending) instead of wrapping.
    std::uint16_t cancel_requests_ = 0;
    State state_ = State::Created;
    bool must_cancel_ : 1 = false;
    bool ran_ : 1 = false;

    static inline thread_local TaskNode* running_ = nullptr;
};

// The node running right now; throws InvalidStateError outside a task.
TaskNode& running_node(const char* what);

}  // namespace detail
}  // namespace agentio
