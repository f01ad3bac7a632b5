// sleep.hpp: sleep(d) and sleep_until(t), like asyncio.sleep.
//
// sleep(0) (or any non-positive duration) yields: the task goes to the back of
// the ready queue and resumes on the next loop iteration. Otherwise a timer is
// armed; cancelling the sleeping task disarms it at once (no timer lingers
// until its deadline) and the sleep throws CancelledError.
#pragma once

#include <chrono>

#include "agentio/core/detail/frame_allocator.hpp"
#include "agentio/core/detail/loop_access.hpp"
#include "agentio/core/detail/task_node.hpp"
#include "agentio/core/errors.hpp"
#include "agentio/core/event_loop.hpp"

namespace agentio {

class [[nodiscard]] SleepAwaiter final : detail::Waiter {
public:
    // `target` is a delay (relative) or a deadline.
    SleepAwaiter(bool relative, TimePoint target) noexcept
        : target_(target), phase_(relative ? Phase::Delay : Phase::Deadline) {}
    SleepAwaiter(SleepAwaiter&& other) noexcept : target_(other.target_), phase_(other.phase_) {}
    ~SleepAwaiter() {
        if (phase_ != Phase::Armed) return;
        if (timer_->armed()) detail::LoopAccess::timers(timer_->node.loop()).disarm(*timer_);  // the frame died mid-sleep
        delete timer_;
    }

    bool await_ready() const noexcept { return false; }
    bool await_suspend(std::coroutine_handle<> frame) {
        detail::TaskNode& node = detail::running_node("sleep()");
        if (node.take_pending_cancel()) {
            cancelled_ = true;
            return false;
        }
        EventLoop& loop = node.loop();
        const Duration delay = phase_ == Phase::Delay ? target_.time_since_epoch() : target_ - loop.now();
        if (delay <= Duration::zero()) {
            node.yield(frame);
            return true;
        }
        const TimePoint deadline = phase_ == Phase::Delay ? loop.now() + delay : target_;
        timer_ = new Timer(node);  // from here on the union holds the timer
        phase_ = Phase::Armed;
        detail::LoopAccess::timers(loop).arm(*timer_, deadline);
        node.wait_on(*this, frame);
        return true;
    }
    void await_resume() const {
        if (cancelled_) throw CancelledError("cancelled during sleep()");
    }

private:
    // The timer lives outside the coroutine frame, in the frame pool: every
    // frame that may sleep is smaller (sleep(0) and short tasks need no
    // timer), and armed timers sit close together in memory.
    struct Timer final : detail::TimerEntry {
        explicit Timer(detail::TaskNode& sleeper) noexcept : node(sleeper) {}
        void on_timer() noexcept override { node.wake(); }
        static void* operator new(std::size_t size) { return detail::allocate_frame(size); }
        static void operator delete(void* p, std::size_t size) noexcept { detail::deallocate_frame(p, size); }
        detail::TaskNode& node;
    };
    // Called only while the task waits, i.e. with the timer armed.
    void cancel() noexcept override {
        detail::LoopAccess::timers(timer_->node.loop()).disarm(*timer_);
        cancelled_ = true;
        timer_->node.wake();
    }
    std::string describe() const override;

    // What the awaiter holds, in one word: the awaiter is part of every
    // frame that sleeps, and a spawned task's memory is mostly its frame.
    enum class Phase : std::uint8_t { Delay, Deadline, Armed };
    union {
        TimePoint target_;  // Delay: the delay since the epoch; Deadline: the deadline
        Timer* timer_;      // Armed
    };
    Phase phase_;
    bool cancelled_ = false;
};

template <class Rep, class Period>
SleepAwaiter sleep(std::chrono::duration<Rep, Period> delay) noexcept {
    return SleepAwaiter(true, TimePoint{} + std::chrono::duration_cast<Duration>(delay));
}
inline SleepAwaiter sleep_until(TimePoint deadline) noexcept { return SleepAwaiter(false, deadline); }

}  // namespace agentio
