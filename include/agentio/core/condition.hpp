// condition.hpp: Condition, like asyncio.Condition, over a Lock.
//
// compile-context: extern Condition cond; extern std::vector<int> jobs;
//     auto guard = co_await cond.lock().acquire();
//     co_await cond.wait_for([&] { return !jobs.empty(); });
//
// wait() must be called with the lock held: it releases the lock, waits for
// notify(), and re-acquires the lock before returning, also when it was
// cancelled (the CancelledError is thrown once the lock is held again, so the
// caller's guard stays truthful). notify(n) wakes up to n waiters in FIFO order.
#pragma once

#include <cstddef>
#include <exception>

#include "agentio/core/detail/wait_list.hpp"
#include "agentio/core/lock.hpp"
#include "agentio/core/task.hpp"

namespace agentio {

class Condition {
public:
    explicit Condition(Lock& lock) noexcept : lock_(&lock) {}
    Condition() noexcept : lock_(&own_lock_) {}
    Condition(const Condition&) = delete;
    Condition& operator=(const Condition&) = delete;

    Lock& lock() noexcept { return *lock_; }

    // Precondition: the lock is held. See the file comment.
    Task<> wait();
    // Waits until pred() is true (checked with the lock held); returns it.
    template <class Predicate>
    Task<bool> wait_for(Predicate pred) {
        while (!pred()) co_await wait();
        co_return true;
    }
    // Wakes up to n waiters. Precondition: the lock is held.
    void notify(std::size_t n = 1);
    void notify_all() { notify(waiters_.size()); }

private:
    class NotifyAwaiter final : detail::ListWaiter {
    public:
        explicit NotifyAwaiter(Condition& cond) noexcept : cond_(cond) {}
        bool await_ready() const noexcept { return false; }
        bool await_suspend(std::coroutine_handle<> frame) { return park(cond_.waiters_, frame, "Condition::wait()"); }
        void await_resume() const { check_cancelled("Condition::wait()"); }

    private:
        std::string describe() const override { return "Condition::wait()"; }
        Condition& cond_;
    };

    Lock own_lock_;
    Lock* lock_;
    detail::WaitList waiters_;
};

}  // namespace agentio
