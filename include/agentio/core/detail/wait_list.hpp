// wait_list.hpp: WaitList, the FIFO of parked tasks behind Event, Lock,
// Semaphore, Condition and Queue.
//
// A ListWaiter is the awaiter object in the waiting task's frame; the list
// links those objects, so parking a task never allocates. A waiter leaves the
// list in exactly one of two ways, which is what makes the primitives
// cancel-safe:
// - granted: the primitive removes it, hands it what it waited for (a permit,
//   the lock, an item) and wakes it. The task will get that, even if it is
//   cancelled before it runs (the cancellation then fires at its next wait).
// - cancelled: the task was cancelled while parked; it removes itself, was
//   handed nothing, and throws CancelledError. The primitive is told, so that
//   a permit it could not give to this waiter goes to the next one.
#pragma once

#include <coroutine>
#include <cstdint>

#include "agentio/core/detail/intrusive_list.hpp"
#include "agentio/core/detail/task_node.hpp"
#include "agentio/core/errors.hpp"

namespace agentio::detail {

class ListWaiter : public Waiter, public IntrusiveLink<ListWaiter> {
public:
    enum class Result : std::uint8_t { Pending, Granted, Cancelled, Closed };

    Result result() const noexcept { return result_; }
    // Throws CancelledError if the wait was cancelled.
    void check_cancelled(const char* what) const {
        if (result_ == Result::Cancelled) throw CancelledError(std::string("cancelled while waiting in ") + what);
    }

protected:
    ~ListWaiter() = default;
    // Parks the running task at the back of `list`; false (do not suspend) if
    // a cancellation was pending.
    bool park(class WaitList& list, std::coroutine_handle<> frame, const char* what);
    // Default cancel(): leave the list and wake as cancelled.
    void cancel() noexcept override;
    TaskNode* node_ = nullptr;

private:
    friend class WaitList;
    WaitList* list_ = nullptr;  // the list it is parked in, if any
    Result result_ = Result::Pending;
};

class WaitList {
public:
    bool empty() const noexcept { return waiters_.empty(); }
    ListWaiter* front() const noexcept { return waiters_.front(); }
    std::size_t size() const noexcept { return waiters_.size(); }

    void push_back(ListWaiter& w) noexcept {
        w.list_ = this;
        waiters_.push_back(w);
    }
    void remove(ListWaiter& w) noexcept {
        if (w.list_ != this) return;
        waiters_.remove(w);
        w.list_ = nullptr;
    }
    // Removes `w` and wakes its task with `result`.
    static void finish(ListWaiter& w, ListWaiter::Result result) noexcept {
        if (w.list_ != nullptr) w.list_->remove(w);
        w.result_ = result;
        w.node_->wake();
    }
    // Wakes every waiter with `result`, in FIFO order.
    void finish_all(ListWaiter::Result result) noexcept {
        while (ListWaiter* w = waiters_.front()) finish(*w, result);
    }

private:
    IntrusiveList<ListWaiter> waiters_;
};

inline bool ListWaiter::park(WaitList& list, std::coroutine_handle<> frame, const char* what) {
    node_ = &running_node(what);
    if (node_->take_pending_cancel()) {
        result_ = Result::Cancelled;
        return false;
    }
    list.push_back(*this);
    node_->wait_on(*this, frame);
    return true;
}

inline void ListWaiter::cancel() noexcept { WaitList::finish(*this, Result::Cancelled); }

}  // namespace agentio::detail
