// timer_queue.cpp: the sorted list and the 4-ary heap of TimerQueue.
//
// A 4-ary heap has half the depth of a binary one, so half the writes to
// entries' slot fields (each a likely cache miss) per sift; the extra
// comparisons read keys stored inline in the heap array.
#include "agentio/core/detail/timer_queue.hpp"

namespace agentio::detail {

namespace {
constexpr std::size_t kArity = 4;
}

bool TimerQueue::list_first() const noexcept {
    TimerEntry* head = list_.front();
    if (head == nullptr) return false;
    if (heap_.empty()) return true;
    return earlier(Slot{head->deadline_, head->seq_, head}, heap_.front());
}

TimePoint TimerQueue::next_deadline() const noexcept {
    return list_first() ? list_.front()->deadline_ : heap_.front().deadline;
}

void TimerQueue::arm(TimerEntry& entry, TimePoint deadline) {
    if (entry.armed()) disarm(entry);
    entry.deadline_ = deadline;
    entry.seq_ = next_seq_++;
    if (list_.empty() || deadline >= list_.back()->deadline_) {
        entry.where_ = TimerEntry::kInList;
        list_.push_back(entry);
        return;
    }
    heap_.push_back(Slot{deadline, entry.seq_, &entry});
    entry.where_ = static_cast<std::uint32_t>(heap_.size() - 1);
    sift_up(entry.where_);
}

void TimerQueue::disarm(TimerEntry& entry) noexcept {
    if (!entry.armed()) return;
    if (entry.where_ == TimerEntry::kInList) list_.remove(entry);
    else heap_remove(entry);
    entry.where_ = TimerEntry::kNotArmed;
}

TimerEntry* TimerQueue::pop_expired(TimePoint now) noexcept {
    if (empty()) return nullptr;
    TimerEntry* first = list_first() ? list_.front() : heap_.front().entry;
    if (first->deadline_ > now) return nullptr;
    disarm(*first);
    return first;
}

void TimerQueue::heap_remove(TimerEntry& entry) noexcept {
    const std::size_t slot = entry.where_;
    const Slot last = heap_.back();
    heap_.pop_back();
    if (last.entry == &entry) return;
    place(last, slot);
    // The moved entry may belong above or below its new slot.
    sift_up(slot);
    sift_down(last.entry->where_);
}

void TimerQueue::sift_up(std::size_t slot) noexcept {
    const Slot item = heap_[slot];
    while (slot > 0) {
        const std::size_t parent = (slot - 1) / kArity;
        if (!earlier(item, heap_[parent])) break;
        place(heap_[parent], slot);
        slot = parent;
    }
    place(item, slot);
}

void TimerQueue::sift_down(std::size_t slot) noexcept {
    const Slot item = heap_[slot];
    const std::size_t n = heap_.size();
    for (;;) {
        const std::size_t first = kArity * slot + 1;
        if (first >= n) break;
        std::size_t child = first;
        const std::size_t end = first + kArity < n ? first + kArity : n;
        for (std::size_t c = first + 1; c < end; ++c)
            if (earlier(heap_[c], heap_[child])) child = c;
        if (!earlier(heap_[child], item)) break;
        place(heap_[child], slot);
        slot = child;
    }
    place(item, slot);
}

}  // namespace agentio::detail
