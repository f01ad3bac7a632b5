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
#include "agentio/core/task_node.hpp"

namespace agentio {

class [[nodiscard]] SleepAwaiter final : detail::Waiter, detail::TimerEntry {
public:
    // `target` is a delay (relative) or a deadline; one field keeps frames small.
    SleepAwaiter(bool relative, TimePoint target) noexcept : relative_(relative) { set_deadline(target); }
    SleepAwaiter(SleepAwaiter&& other) noexcept : relative_(other.relative_) { set_deadline(other.deadline()); }

    bool await_ready() const noexcept { return false; }
    bool await_suspend(std::coroutine_handle<> frame) {
        node_ = &detail::running_node("sleep()");
        if (node_->take_pending_cancel()) {
            cancelled_ = true;
            return false;
        }
        EventLoop& loop = node_->loop();
        const TimePoint target = deadline();  // not armed yet: the requested delay or deadline
        const Duration delay = relative_ ? target.time_since_epoch() : target - loop.now();
        if (delay <= Duration::zero()) {
            node_->yield(frame);
            return true;
        }
        loop.timers().arm(*this, relative_ ? loop.now() + delay : target);
        node_->wait_on(*this, frame);
        return true;
    }
    void await_resume() const {
        if (cancelled_) throw CancelledError("cancelled during sleep()");
    }

private:
    void on_timer() noexcept override { node_->wake(); }
    void cancel() noexcept override {
        node_->loop().timers().disarm(*this);
        cancelled_ = true;
        node_->wake();
    }
    std::string describe() const override;

    detail::TaskNode* node_ = nullptr;
    bool relative_;
    bool cancelled_ = false;
};

template <class Rep, class Period>
SleepAwaiter sleep(std::chrono::duration<Rep, Period> delay) noexcept {
    return SleepAwaiter(true, TimePoint{} + std::chrono::duration_cast<Duration>(delay));
}
inline SleepAwaiter sleep_until(TimePoint deadline) noexcept { return SleepAwaiter(false, deadline); }

}  // namespace agentio
