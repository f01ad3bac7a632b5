// timer_queue.hpp: the loop's timers, ordered by (deadline, arming order).
//
// Two structures behind one interface:
// - a sorted list for timers armed in deadline order, the common case in an
//   agent (every request arms the same 30 s timeout, every sleep(200ms) of a
//   batch is later than the one before): arming and firing are O(1);
// - a 4-ary min-heap for the others, O(log n).
// Entries are intrusive (each knows where it is), so arming never allocates
// after warm-up and a cancelled sleep is removed at once instead of lingering
// until its deadline. The heap keeps each key next to its pointer, so sifting
// compares without touching the entries (they live in coroutine frames all
// over memory). Timers with equal deadlines fire in the order they were armed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "agentio/core/clock.hpp"
#include "agentio/core/detail/intrusive_list.hpp"

namespace agentio::detail {

class TimerEntry : public IntrusiveLink<TimerEntry> {
public:
    virtual void on_timer() noexcept = 0;
    bool armed() const noexcept { return where_ != kNotArmed; }
    TimePoint deadline() const noexcept { return deadline_; }

protected:
    ~TimerEntry() = default;

private:
    friend class TimerQueue;
    static constexpr std::uint32_t kNotArmed = ~std::uint32_t{0};
    static constexpr std::uint32_t kInList = kNotArmed - 1;
    TimePoint deadline_{};
    // Arming order, for ties; compared modulo 2^32 (two timers armed four
    // billion arms apart never tie on a deadline in practice).
    std::uint32_t seq_ = 0;
    std::uint32_t where_ = kNotArmed;  // heap slot, kInList or kNotArmed
};

class TimerQueue {
public:
    bool empty() const noexcept { return list_.empty() && heap_.empty(); }
    std::size_t size() const noexcept { return list_.size() + heap_.size(); }
    // Precondition: !empty().
    TimePoint next_deadline() const noexcept;

    void arm(TimerEntry& entry, TimePoint deadline);
    void disarm(TimerEntry& entry) noexcept;
    // Removes and returns the earliest entry if its deadline is <= now.
    TimerEntry* pop_expired(TimePoint now) noexcept;

private:
    struct Slot {
        TimePoint deadline;
        std::uint32_t seq;
        TimerEntry* entry;
    };
    static bool earlier(const Slot& a, const Slot& b) noexcept {
        return a.deadline < b.deadline ||
               (a.deadline == b.deadline && static_cast<std::int32_t>(a.seq - b.seq) < 0);
    }
    // The list's head if it is due before the heap's top (or the heap is empty).
    bool list_first() const noexcept;
    void place(const Slot& item, std::size_t slot) noexcept {
        heap_[slot] = item;
        item.entry->where_ = static_cast<std::uint32_t>(slot);
    }
    void heap_remove(TimerEntry& entry) noexcept;
    void sift_up(std::size_t slot) noexcept;
    void sift_down(std::size_t slot) noexcept;

    IntrusiveList<TimerEntry> list_;  // deadlines in arming order
    std::vector<Slot> heap_;
    std::uint32_t next_seq_ = 0;
};

}  // namespace agentio::detail
