// semaphore.hpp: Semaphore and BoundedSemaphore, fair and cancel-safe.
//
//     Semaphore limit(10);
//     auto permit = co_await limit.acquire();    // released when `permit` dies
//     if (auto spare = limit.try_acquire()) {}   // a Permit if one is free now, without waiting
//
// Fairness: strictly FIFO. A release hands permits straight to the waiters at
// the head of the queue, and acquire() waits whenever anyone is queued, so a
// newcomer never barges ahead. acquire(n) takes n permits at once; a large
// request at the head is not starved by small ones behind it.
// Cancel safety (asyncio gh-90155 lost permits this way): a waiter cancelled
// while queued was handed nothing and leaves; if it was at the head, the
// permits it was blocking go to those behind it. A waiter that was already
// handed its permits gets them (as a Permit that releases on unwind) and is
// cancelled at its next wait.
// release() never suspends.
#pragma once

#include <cstddef>
#include <optional>
#include <utility>

#include "agentio/core/detail/wait_list.hpp"

namespace agentio {

class Semaphore {
public:
    explicit Semaphore(std::size_t permits) noexcept : available_(permits) {}
    Semaphore(const Semaphore&) = delete;
    Semaphore& operator=(const Semaphore&) = delete;

    // Held permits; releases them on destruction unless released earlier.
    class [[nodiscard]] Permit {
    public:
        Permit() noexcept = default;
        Permit(Semaphore& owner, std::size_t count) noexcept : owner_(&owner), count_(count) {}
        Permit(Permit&& other) noexcept
            : owner_(std::exchange(other.owner_, nullptr)), count_(std::exchange(other.count_, 0)) {}
        Permit& operator=(Permit other) noexcept {
            std::swap(owner_, other.owner_);
            std::swap(count_, other.count_);
            return *this;
        }
        ~Permit() { release(); }
        void release() noexcept {
            if (owner_ != nullptr) std::exchange(owner_, nullptr)->release(count_);
        }
        std::size_t count() const noexcept { return owner_ != nullptr ? count_ : 0; }

    private:
        Semaphore* owner_ = nullptr;
        std::size_t count_ = 0;
    };

    class [[nodiscard]] Awaiter final : detail::ListWaiter {
    public:
        Awaiter(Semaphore& owner, std::size_t count) noexcept : owner_(owner), count_(count) {}
        bool await_ready() noexcept { return owner_.try_take(count_); }
        bool await_suspend(std::coroutine_handle<> frame) { return park(owner_.waiters_, frame, "Semaphore::acquire()"); }
        Permit await_resume() const {
            check_cancelled("Semaphore::acquire()");
            return Permit(owner_, count_);
        }

    private:
        friend class Semaphore;
        void cancel() noexcept override {
            const bool was_head = owner_.waiters_.front() == this;
            ListWaiter::cancel();
            if (was_head) owner_.grant_waiters();
        }
        std::string describe() const override;
        Semaphore& owner_;
        std::size_t count_;
    };

    // Waits for `count` permits (FIFO) and returns them as a Permit.
    Awaiter acquire(std::size_t count = 1) noexcept { return Awaiter{*this, count}; }
    // Takes permits without waiting if nobody is queued and enough are free;
    // nullopt otherwise (a newcomer never barges ahead of the queue).
    std::optional<Permit> try_acquire(std::size_t count = 1) noexcept {
        if (!try_take(count)) return std::nullopt;
        return Permit(*this, count);
    }
    // Returns permits (never suspends); queued waiters are served in order.
    void release(std::size_t count = 1);

    std::size_t available() const noexcept { return available_; }
    std::size_t waiting() const noexcept { return waiters_.size(); }
    // True if acquire(1) would wait.
    bool locked() const noexcept { return available_ == 0 || !waiters_.empty(); }

protected:
    Semaphore(std::size_t permits, std::size_t bound) noexcept : available_(permits), bound_(bound) {}

private:
    bool try_take(std::size_t count) noexcept {
        if (!waiters_.empty() || available_ < count) return false;
        available_ -= count;
        return true;
    }
    void grant_waiters() noexcept;

    std::size_t available_;
    std::size_t bound_ = static_cast<std::size_t>(-1);  // BoundedSemaphore's limit
    detail::WaitList waiters_;
};

// A Semaphore whose release() beyond the initial count throws
// InvalidStateError instead of silently raising the limit.
class BoundedSemaphore final : public Semaphore {
public:
    explicit BoundedSemaphore(std::size_t permits) noexcept : Semaphore(permits, permits) {}
};

}  // namespace agentio
