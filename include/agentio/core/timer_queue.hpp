// timer_queue.hpp: the loop's timers, a binary min-heap keyed by (deadline, seq).
//
// Entries are intrusive (each knows its heap slot), so arming and disarming a
// timer never allocates after warm-up and a cancelled sleep is removed at once
// in O(log n) instead of lingering until its deadline. Timers with equal
// deadlines fire in the order they were armed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "agentio/core/clock.hpp"

namespace agentio::detail {

class TimerEntry {
public:
    virtual void on_timer() noexcept = 0;
    bool armed() const noexcept { return slot_ != kNotArmed; }
    TimePoint deadline() const noexcept { return deadline_; }

protected:
    ~TimerEntry() = default;

private:
    friend class TimerQueue;
    static constexpr std::size_t kNotArmed = ~std::size_t{0};
    TimePoint deadline_{};
    std::uint64_t seq_ = 0;
    std::size_t slot_ = kNotArmed;
};

class TimerQueue {
public:
    bool empty() const noexcept { return heap_.empty(); }
    std::size_t size() const noexcept { return heap_.size(); }
    TimePoint next_deadline() const noexcept { return heap_.front()->deadline_; }

    void arm(TimerEntry& entry, TimePoint deadline);
    void disarm(TimerEntry& entry) noexcept;
    // Removes and returns the earliest entry if its deadline is <= now.
    TimerEntry* pop_expired(TimePoint now) noexcept;

private:
    static bool earlier(const TimerEntry* a, const TimerEntry* b) noexcept {
        return a->deadline_ < b->deadline_ || (a->deadline_ == b->deadline_ && a->seq_ < b->seq_);
    }
    void place(TimerEntry* entry, std::size_t slot) noexcept {
        heap_[slot] = entry;
        entry->slot_ = slot;
    }
    void sift_up(std::size_t slot) noexcept;
    void sift_down(std::size_t slot) noexcept;

    std::vector<TimerEntry*> heap_;
    std::uint64_t next_seq_ = 0;
};

}  // namespace agentio::detail
