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

#include "agentio/core/errors.hpp"
#include "agentio/core/task_node.hpp"

namespace agentio::detail {

class ListWaiter : public Waiter {
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
    ListWaiter* prev_ = nullptr;
    ListWaiter* next_ = nullptr;
    WaitList* list_ = nullptr;
    Result result_ = Result::Pending;
};

class WaitList {
public:
    bool empty() const noexcept { return head_ == nullptr; }
    ListWaiter* front() const noexcept { return head_; }
    std::size_t size() const noexcept { return size_; }

    void push_back(ListWaiter& w) noexcept {
        w.list_ = this;
        w.prev_ = tail_;
        w.next_ = nullptr;
        if (tail_ != nullptr) tail_->next_ = &w;
        else head_ = &w;
        tail_ = &w;
        ++size_;
    }
    void remove(ListWaiter& w) noexcept {
        if (w.list_ != this) return;
        if (w.prev_ != nullptr) w.prev_->next_ = w.next_;
        else head_ = w.next_;
        if (w.next_ != nullptr) w.next_->prev_ = w.prev_;
        else tail_ = w.prev_;
        w.prev_ = w.next_ = nullptr;
        w.list_ = nullptr;
        --size_;
    }
    // Removes `w` and wakes its task with `result`.
    static void finish(ListWaiter& w, ListWaiter::Result result) noexcept {
        if (w.list_ != nullptr) w.list_->remove(w);
        w.result_ = result;
        w.node_->wake();
    }
    // Wakes every waiter with `result`, in FIFO order.
    void finish_all(ListWaiter::Result result) noexcept {
        while (head_ != nullptr) finish(*head_, result);
    }

private:
    ListWaiter* head_ = nullptr;
    ListWaiter* tail_ = nullptr;
    std::size_t size_ = 0;
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
