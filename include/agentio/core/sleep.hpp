// sleep.hpp: sleep(d) and sleep_until(t), like asyncio.sleep.
//
// sleep(0) (or any non-positive duration) yields: the task goes to the back of
// the ready queue and resumes on the next loop iteration. Otherwise a timer is
// armed; cancelling the sleeping task disarms it at once (no timer lingers
// until its deadline) and the sleep throws CancelledError.
#pragma once

#include <chrono>

#include "agentio/core/errors.hpp"
#include "agentio/core/event_loop.hpp"
#include "agentio/core/frame_allocator.hpp"
#include "agentio/core/task_node.hpp"

namespace agentio {

class [[nodiscard]] SleepAwaiter final : detail::Waiter {
public:
    // `target` is a delay (relative) or a deadline.
    SleepAwaiter(bool relative, TimePoint target) noexcept : target_(target), relative_(relative) {}
    SleepAwaiter(SleepAwaiter&& other) noexcept : target_(other.target_), relative_(other.relative_) {}
    ~SleepAwaiter() {
        if (timer_ != nullptr) {
            if (timer_->armed()) node_->loop().timers().disarm(*timer_);  // the frame died mid-sleep
            delete timer_;
        }
    }

    bool await_ready() const noexcept { return false; }
    bool await_suspend(std::coroutine_handle<> frame) {
        node_ = &detail::running_node("sleep()");
        if (node_->take_pending_cancel()) {
            cancelled_ = true;
            return false;
        }
        EventLoop& loop = node_->loop();
        const Duration delay = relative_ ? target_.time_since_epoch() : target_ - loop.now();
        if (delay <= Duration::zero()) {
            node_->yield(frame);
            return true;
        }
        timer_ = new Timer(*node_);
        loop.timers().arm(*timer_, relative_ ? loop.now() + delay : target_);
        node_->wait_on(*this, frame);
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
    void cancel() noexcept override {
        node_->loop().timers().disarm(*timer_);
        cancelled_ = true;
        node_->wake();
    }
    std::string describe() const override;

    TimePoint target_;
    detail::TaskNode* node_ = nullptr;
    Timer* timer_ = nullptr;
    bool relative_;
    bool cancelled_ = false;
};

template <class Rep, class Period>
SleepAwaiter sleep(std::chrono::duration<Rep, Period> delay) noexcept {
    return SleepAwaiter(true, TimePoint{} + std::chrono::duration_cast<Duration>(delay));
}
inline SleepAwaiter sleep_until(TimePoint deadline) noexcept { return SleepAwaiter(false, deadline); }

}  // namespace agentio
