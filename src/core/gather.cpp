// gather.cpp: the parent's side of gather.
//
// Why no wake-up is lost: the parent is woken exactly once, by the child that
// brings pending_ to zero. Cancelling children only makes them finish sooner;
// each still reports through child_finished, so pending_ reaches zero even
// when every child is cancelled before its first step.
#include "agentio/core/gather.hpp"

namespace agentio::detail {

bool GatherBase::await_suspend(std::coroutine_handle<> frame) {
    parent_ = &running_node("gather()");
    if (parent_->take_pending_cancel()) {
        cancelled_ = true;  // no child was started
        return false;
    }
    try {
        launch_all(*parent_);
    } catch (...) {
        // Failed part-way (out of memory): the children already started are
        // cancelled and waited for before the error is thrown.
        first_error_ = std::current_exception();
        if (count_ == 0) return false;
        cancel_started();
    }
    pending_ = count_;
    parent_->wait_on(*this, frame);
    return true;
}

void GatherBase::await_resume() const {
    if (cancelled_) throw CancelledError("cancelled while waiting in gather()");
    if (first_error_) std::rethrow_exception(first_error_);
}

void GatherBase::child_finished(ChildBase& child) noexcept {
    if (!keep_outcomes_ && !first_error_ && !cancelled_) {
        if (std::exception_ptr error = child.error()) {
            first_error_ = error;
            cancel_started();
        }
    }
    retire(child);  // may free the child
    if (--pending_ == 0) parent_->wake();
}

void GatherBase::cancel() noexcept {
    cancelled_ = true;
    cancel_started();
}

std::string GatherBase::describe() const {
    return "gather(): " + std::to_string(pending_) + " of " + std::to_string(count_) + " children pending";
}

}  // namespace agentio::detail
