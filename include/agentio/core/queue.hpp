// queue.hpp: Queue<T>, a bounded FIFO between tasks, like asyncio.Queue.
//
// compile-context: struct Job {}; extern Job job;
//     Queue<Job> jobs(100);               // 0 = unbounded
//     co_await jobs.put(job);             // waits while full (back-pressure)
//     Job next = co_await jobs.get();     // waits while empty
//
// Hand-off: put() with a getter waiting gives the item straight to it; get()
// from a full queue takes the first waiting putter's item into the queue. An
// item is therefore never in limbo: once put() returns, the item is in the
// queue or in a getter's hands, and a getter that was handed an item receives
// it even if cancelled right after (the cancellation fires at its next wait).
// A putter cancelled while waiting did not put its item; a getter cancelled
// while waiting took nothing.
// close(): later put()s throw QueueClosed, waiting putters too (their items
// were not added); get() drains what is left, then throws QueueClosed.
// task_done()/join() count unfinished items, as asyncio's do.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <utility>

#include "agentio/core/detail/wait_list.hpp"
#include "agentio/core/event.hpp"

namespace agentio {

template <class T>
class Queue {
public:
    explicit Queue(std::size_t maxsize = 0) noexcept : maxsize_(maxsize) { all_done_.set(); }
    Queue(const Queue&) = delete;
    Queue& operator=(const Queue&) = delete;

    std::size_t size() const noexcept { return items_.size(); }
    std::size_t maxsize() const noexcept { return maxsize_; }
    bool empty() const noexcept { return items_.empty(); }
    bool full() const noexcept { return maxsize_ != 0 && items_.size() >= maxsize_; }
    bool closed() const noexcept { return closed_; }

    class [[nodiscard]] PutAwaiter final : detail::ListWaiter {
    public:
        PutAwaiter(Queue& queue, T item) : queue_(queue), item_(std::move(item)) {}
        bool await_ready() {
            queue_.throw_if_closed("put()");
            return queue_.try_put_ref(item_);
        }
        bool await_suspend(std::coroutine_handle<> frame) { return park(queue_.putters_, frame, "Queue::put()"); }
        void await_resume() const {
            check_cancelled("Queue::put()");
            if (result() == Result::Closed) throw QueueClosed("Queue::put(): the queue was closed while waiting");
        }

    private:
        friend class Queue;
        std::string describe() const override { return "Queue::put(), queue full"; }
        Queue& queue_;
        T item_;
    };

    class [[nodiscard]] GetAwaiter final : detail::ListWaiter {
    public:
        explicit GetAwaiter(Queue& queue) noexcept : queue_(queue) {}
        bool await_ready() {
            if (queue_.items_.empty()) return false;
            item_.emplace(queue_.take_front());
            return true;
        }
        bool await_suspend(std::coroutine_handle<> frame) {
            queue_.throw_if_closed("get()");
            return park(queue_.getters_, frame, "Queue::get()");
        }
        T await_resume() {
            check_cancelled("Queue::get()");
            if (!item_) throw QueueClosed("Queue::get(): the queue is closed and empty");
            return std::move(*item_);
        }

    private:
        friend class Queue;
        std::string describe() const override { return "Queue::get(), queue empty"; }
        Queue& queue_;
        std::optional<T> item_;
    };

    PutAwaiter put(T item) { return PutAwaiter{*this, std::move(item)}; }
    GetAwaiter get() noexcept { return GetAwaiter{*this}; }

    // put_nowait: false if the queue is full; QueueClosed if closed.
    bool try_put(T item) {
        throw_if_closed("try_put()");
        return try_put_ref(item);
    }
    // get_nowait: the next item, or nullopt if empty.
    std::optional<T> try_get() {
        if (items_.empty()) return std::nullopt;
        return take_front();
    }

    void close() noexcept {
        closed_ = true;
        putters_.finish_all(detail::ListWaiter::Result::Closed);
        getters_.finish_all(detail::ListWaiter::Result::Closed);
    }

    // One item put earlier is fully processed.
    void task_done() {
        if (unfinished_ == 0) throw InvalidStateError("Queue::task_done() called more times than items were put");
        if (--unfinished_ == 0) all_done_.set();
    }
    // Waits until every item put has been matched by task_done().
    auto join() noexcept { return all_done_.wait(); }

private:
    void throw_if_closed(const char* what) const {
        if (closed_) throw QueueClosed(std::string("Queue::") + what + " on a closed queue");
    }
    // Delivers `item` now if possible (moving from it); false if full.
    bool try_put_ref(T& item) {
        if (auto* getter = static_cast<GetAwaiter*>(getters_.front())) {
            getter->item_.emplace(std::move(item));
            detail::WaitList::finish(*getter, detail::ListWaiter::Result::Granted);
        } else if (full()) {
            return false;
        } else {
            items_.push_back(std::move(item));
        }
        count_put();
        return true;
    }
    T take_front() {
        T item = std::move(items_.front());
        items_.pop_front();
        // Room was made: the first waiting putter's item moves in.
        if (auto* putter = static_cast<PutAwaiter*>(putters_.front())) {
            items_.push_back(std::move(putter->item_));
            count_put();
            detail::WaitList::finish(*putter, detail::ListWaiter::Result::Granted);
        }
        return item;
    }
    void count_put() {
        if (unfinished_++ == 0) all_done_.clear();
    }

    std::deque<T> items_;
    std::size_t maxsize_;
    detail::WaitList putters_;
    detail::WaitList getters_;
    std::size_t unfinished_ = 0;
    Event all_done_;
    bool closed_ = false;
};

}  // namespace agentio
