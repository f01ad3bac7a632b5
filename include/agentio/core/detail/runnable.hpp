// runnable.hpp: Runnable and ReadyQueue, the loop's FIFO of things to run.
//
// The ready queue is intrusive: a Runnable carries its own link, so scheduling
// never allocates. A Runnable is in at most one queue at a time (TaskNode's
// state machine guarantees it for tasks). While it is in no queue the link is
// the item's own to use: a waiting task keeps what it waits on there, since a
// task is either scheduled or waiting, never both (one word less per task).
#pragma once

#include <cstddef>

namespace agentio::detail {

class Runnable {
public:
    virtual void run() noexcept = 0;

protected:
    ~Runnable() = default;
    // Memory run() touches first (a task's coroutine frame), prefetched by the
    // queue shortly before this item runs. May be null.
    void* hot_data_ = nullptr;
    // `next` belongs to the queue while the item is queued (push() writes it);
    // `parked` is the item's while it is not.
    union Link {
        Runnable* next;
        void* parked;
    };
    Link link_{nullptr};

private:
    friend class ReadyQueue;
};

class ReadyQueue {
public:
    bool empty() const noexcept { return head_ == nullptr; }
    std::size_t size() const noexcept { return size_; }

    void push(Runnable& item) noexcept {
        item.link_.next = nullptr;
        if (tail_ != nullptr) tail_->link_.next = &item;
        else head_ = &item;
        tail_ = &item;
        ++size_;
    }
    Runnable* pop() noexcept {
        Runnable* item = head_;
        if (item == nullptr) return nullptr;
        head_ = item->link_.next;
        if (head_ == nullptr) {
            tail_ = nullptr;
        } else {
            // With many tasks ready they lie far apart in memory: while this
            // item runs, fetch the next item's data and the item after it
            // (already requested one pop ago).
            if (head_->hot_data_ != nullptr) __builtin_prefetch(head_->hot_data_, 1);
            if (head_->link_.next != nullptr) __builtin_prefetch(head_->link_.next, 1);
        }
        --size_;
        return item;
    }
    // Moves every item of `other` to the back of this queue.
    void splice(ReadyQueue& other) noexcept {
        if (other.head_ == nullptr) return;
        if (tail_ != nullptr) tail_->link_.next = other.head_;
        else head_ = other.head_;
        tail_ = other.tail_;
        size_ += other.size_;
        other.head_ = other.tail_ = nullptr;
        other.size_ = 0;
    }

private:
    Runnable* head_ = nullptr;
    Runnable* tail_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace agentio::detail
