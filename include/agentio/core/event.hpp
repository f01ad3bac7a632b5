// event.hpp: Event, like asyncio.Event.
//
// set() wakes every waiter (in the order they began waiting) and makes later
// wait()s return at once until clear(). A cancelled waiter just leaves.
#pragma once

#include "agentio/core/detail/wait_list.hpp"

namespace agentio {

class Event {
public:
    bool is_set() const noexcept { return set_; }
    void set() noexcept {
        set_ = true;
        waiters_.finish_all(detail::ListWaiter::Result::Granted);
    }
    void clear() noexcept { set_ = false; }

    class [[nodiscard]] Awaiter final : detail::ListWaiter {
    public:
        explicit Awaiter(Event& event) noexcept : event_(event) {}
        bool await_ready() const noexcept { return event_.set_; }
        bool await_suspend(std::coroutine_handle<> frame) { return park(event_.waiters_, frame, "Event::wait()"); }
        void await_resume() const { check_cancelled("Event::wait()"); }

    private:
        std::string describe() const override { return "Event::wait()"; }
        Event& event_;
    };
    Awaiter wait() noexcept { return Awaiter{*this}; }

private:
    detail::WaitList waiters_;
    bool set_ = false;
};

}  // namespace agentio
