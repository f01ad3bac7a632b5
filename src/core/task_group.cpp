// task_group.cpp: TaskGroup's abort and join, as asyncio's taskgroups.py.
//
// Why the caller is woken exactly once: it waits in join only while live_ > 0,
// and only the child that brings live_ to zero wakes it. A child failing while
// the body still runs cancels the body (one request, withdrawn in finish_join),
// so the body stops at its next suspension point and reaches join.
#include "agentio/core/task_group.hpp"

#include "agentio/core/detail/spawned_task.hpp"

namespace agentio {

TaskGroup::~TaskGroup() {
    for (auto* child : children_) child->release();
}

void TaskGroup::adopt(detail::SpawnedTaskBase& child) {
    children_.push_back(&child);  // first: it may throw, and nothing is changed yet
    child.add_ref();
    child.owner = this;
    ++live_;
}

void TaskGroup::abort() noexcept {
    if (state_ != State::Open) return;
    state_ = State::Aborting;
    for (auto* child : children_) child->cancel();
}

void TaskGroup::task_finished(detail::SpawnedTaskBase& child) noexcept {
    --live_;
    std::exception_ptr error = child.take_error();
    if (error && !detail::is_cancellation(error)) {
        errors_.push_back(error);
        if (state_ == State::Open) {
            abort();
            cancel_body();
        }
    }
    if (live_ == 0 && joining_) {
        // Closed from this moment: a task that still holds the group cannot
        // add a child between this wake-up and the joiner's return.
        state_ = State::Joined;
        parent_.wake();
    }
}

bool TaskGroup::start_join(std::coroutine_handle<> frame) {
    if (body_error_) {
        if (detail::is_cancellation(body_error_)) propagate_cancel_ = true;
        abort();
    }
    if (parent_.take_pending_cancel()) {
        propagate_cancel_ = true;
        abort();
    }
    if (live_ == 0) return false;
    joining_ = true;
    parent_.wait_on(joiner_, frame);
    return true;
}

// While the body runs, it is stopped too, as asyncio does: one cancellation
// request, withdrawn in finish_join. Once it is joining there is no body left
// to stop (and cancelling the joiner would read as a cancel from outside).
void TaskGroup::cancel_body() noexcept {
    if (joining_ || parent_cancel_requested_) return;
    parent_cancel_requested_ = true;
    parent_.cancel();
}

void TaskGroup::cancel() noexcept {
    if (state_ == State::Joined) return;
    abort();
    cancel_body();
}

void TaskGroup::joiner_cancelled() noexcept {
    // The caller was cancelled while joining: cancel the children and keep
    // waiting for them.
    propagate_cancel_ = true;
    abort();
}

void TaskGroup::finish_join() {
    joining_ = false;
    state_ = State::Joined;
    if (parent_cancel_requested_ && parent_.uncancel() == 0) propagate_cancel_ = false;
    if (body_error_ && !detail::is_cancellation(body_error_)) errors_.push_back(body_error_);
    if (errors_.empty()) {
        if (propagate_cancel_)
            std::rethrow_exception(body_error_ && detail::is_cancellation(body_error_)
                                       ? body_error_
                                       : std::make_exception_ptr(CancelledError("task group was cancelled")));
        return;
    }
    throw ExceptionGroup("unhandled errors in a TaskGroup", std::move(errors_));
}

std::string TaskGroup::describe() const {
    return "TaskGroup: joining " + std::to_string(live_) + " pending children";
}

}  // namespace agentio
