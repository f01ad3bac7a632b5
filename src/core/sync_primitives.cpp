// sync_primitives.cpp: the hand-off paths of Semaphore and Lock.
#include <string>

#include "agentio/core/lock.hpp"
#include "agentio/core/semaphore.hpp"

namespace agentio {

void Semaphore::release(std::size_t count) {
    if (available_ + count > bound_)
        throw InvalidStateError("BoundedSemaphore released too many times (limit " + std::to_string(bound_) + ")");
    available_ += count;
    grant_waiters();
}

void Semaphore::grant_waiters() noexcept {
    // Serve the head while it can be served; stop at the first that cannot,
    // so that nobody behind it overtakes it.
    while (auto* head = static_cast<Awaiter*>(waiters_.front())) {
        if (available_ < head->count_) break;
        available_ -= head->count_;
        detail::WaitList::finish(*head, detail::ListWaiter::Result::Granted);
    }
}

std::string Semaphore::Awaiter::describe() const {
    return "Semaphore::acquire(" + std::to_string(count_) + "), " + std::to_string(owner_.available_) +
           " permit(s) free, " + std::to_string(owner_.waiters_.size()) + " waiter(s)";
}

void Lock::release() {
    if (!locked_) throw InvalidStateError("Lock::release() of a lock that is not locked");
    if (auto* head = waiters_.front()) {
        detail::WaitList::finish(*head, detail::ListWaiter::Result::Granted);  // stays locked: ownership moves
        return;
    }
    locked_ = false;
}

}  // namespace agentio

#include "agentio/core/condition.hpp"

namespace agentio {

Task<> Condition::wait() {
    if (!lock_->locked()) throw InvalidStateError("Condition::wait() without holding its lock");
    lock_->release();
    std::exception_ptr interrupted;
    try {
        co_await NotifyAwaiter{*this};
    } catch (...) {
        interrupted = std::current_exception();
    }
    // Take the lock back whatever happened; the caller's guard owns it.
    Lock::Guard regained = co_await lock_->acquire_uninterruptible();
    regained.dismiss();  // the caller's guard owns the lock again
    if (interrupted) std::rethrow_exception(interrupted);
}

void Condition::notify(std::size_t n) {
    if (!lock_->locked()) throw InvalidStateError("Condition::notify() without holding its lock");
    while (n-- > 0 && !waiters_.empty()) detail::WaitList::finish(*waiters_.front(), detail::ListWaiter::Result::Granted);
}

}  // namespace agentio
