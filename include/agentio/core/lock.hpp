// lock.hpp: Lock, like asyncio.Lock: FIFO, cancel-safe, RAII guard.
//
// compile-context: extern Lock lock;
//     auto guard = co_await lock.acquire();   // unlocked when `guard` dies
//
// Ownership passes straight from release() to the first waiter, so the lock
// is never observed free while someone waits, and nobody barges ahead. A
// waiter cancelled while queued leaves without the lock; one that was already
// handed the lock gets its guard and is cancelled at its next wait.
#pragma once

#include <utility>

#include "agentio/core/detail/wait_list.hpp"

namespace agentio {

class Lock {
public:
    Lock() = default;
    Lock(const Lock&) = delete;
    Lock& operator=(const Lock&) = delete;

    class [[nodiscard]] Guard {
    public:
        Guard() noexcept = default;
        explicit Guard(Lock& lock) noexcept : lock_(&lock) {}
        Guard(Guard&& other) noexcept : lock_(std::exchange(other.lock_, nullptr)) {}
        Guard& operator=(Guard other) noexcept {
            std::swap(lock_, other.lock_);
            return *this;
        }
        ~Guard() { unlock(); }
        void unlock() noexcept {
            if (lock_ != nullptr) std::exchange(lock_, nullptr)->release();
        }
        bool owns_lock() const noexcept { return lock_ != nullptr; }
        // Gives up the guard's ownership without unlocking.
        void dismiss() noexcept { lock_ = nullptr; }

    private:
        Lock* lock_ = nullptr;
    };

    class [[nodiscard]] Awaiter final : detail::ListWaiter {
    public:
        Awaiter(Lock& lock, bool shielded) noexcept : lock_(lock), shielded_(shielded) {}
        bool await_ready() noexcept { return lock_.try_lock(); }
        bool await_suspend(std::coroutine_handle<> frame) {
            if (shielded_) {
                node_ = &detail::running_node("Lock::acquire()");
                lock_.waiters_.push_back(*this);
                node_->wait_on(*this, frame);
                return true;
            }
            return park(lock_.waiters_, frame, "Lock::acquire()");
        }
        Guard await_resume() const {
            check_cancelled("Lock::acquire()");
            return Guard(lock_);
        }

    private:
        // Condition re-acquires its lock even when cancelled: such a waiter
        // keeps its place and is cancelled at its next wait instead.
        void cancel() noexcept override {
            if (shielded_) node_->defer_cancel();
            else ListWaiter::cancel();
        }
        std::string describe() const override { return "Lock::acquire()"; }
        Lock& lock_;
        bool shielded_;
    };

    Awaiter acquire() noexcept { return Awaiter{*this, false}; }
    bool try_lock() noexcept {
        if (locked_ || !waiters_.empty()) return false;
        locked_ = true;
        return true;
    }
    // Unlocks, or hands the lock to the first waiter. Never suspends.
    void release();
    bool locked() const noexcept { return locked_; }

    // For Condition: acquire that a cancellation cannot interrupt.
    Awaiter acquire_uninterruptible() noexcept { return Awaiter{*this, true}; }

private:
    detail::WaitList waiters_;
    bool locked_ = false;
};

}  // namespace agentio
