// timer_queue.cpp: sift operations of the timer heap.
#include "agentio/core/timer_queue.hpp"

namespace agentio::detail {

void TimerQueue::arm(TimerEntry& entry, TimePoint deadline) {
    if (entry.armed()) disarm(entry);
    entry.deadline_ = deadline;
    entry.seq_ = next_seq_++;
    heap_.push_back(&entry);
    entry.slot_ = heap_.size() - 1;
    sift_up(entry.slot_);
}

void TimerQueue::disarm(TimerEntry& entry) noexcept {
    if (!entry.armed()) return;
    const std::size_t slot = entry.slot_;
    entry.slot_ = TimerEntry::kNotArmed;
    TimerEntry* last = heap_.back();
    heap_.pop_back();
    if (last == &entry) return;
    place(last, slot);
    // The moved entry may belong above or below its new slot.
    sift_up(slot);
    sift_down(last->slot_);
}

TimerEntry* TimerQueue::pop_expired(TimePoint now) noexcept {
    if (heap_.empty() || heap_.front()->deadline_ > now) return nullptr;
    TimerEntry* first = heap_.front();
    disarm(*first);
    return first;
}

void TimerQueue::sift_up(std::size_t slot) noexcept {
    TimerEntry* entry = heap_[slot];
    while (slot > 0) {
        const std::size_t parent = (slot - 1) / 2;
        if (!earlier(entry, heap_[parent])) break;
        place(heap_[parent], slot);
        slot = parent;
    }
    place(entry, slot);
}

void TimerQueue::sift_down(std::size_t slot) noexcept {
    TimerEntry* entry = heap_[slot];
    const std::size_t n = heap_.size();
    for (;;) {
        std::size_t child = 2 * slot + 1;
        if (child >= n) break;
        if (child + 1 < n && earlier(heap_[child + 1], heap_[child])) ++child;
        if (!earlier(heap_[child], entry)) break;
        place(heap_[child], slot);
        slot = child;
    }
    place(entry, slot);
}

}  // namespace agentio::detail
