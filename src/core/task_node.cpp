// task_node.cpp: one step of a task (the trampoline) and the cancel protocol.
#include "agentio/core/detail/task_node.hpp"

#include <limits>
#include <string>

#include "agentio/core/capture.hpp"
#include "agentio/core/detail/loop_access.hpp"
#include "agentio/core/errors.hpp"
#include "agentio/core/event_loop.hpp"
#include "agentio/core/task.hpp"

namespace agentio::detail {

void TaskNode::start(EventLoop& loop) noexcept {
    hot_data_ = root_.address();
    state_ = State::Scheduled;
    detail::LoopAccess::schedule(loop, *this);
}

std::string TaskNode::name() const {
    return extras_ && !extras_->name.empty() ? extras_->name : default_name();
}

EventLoop& TaskNode::loop() const noexcept { return *EventLoop::current(); }

void TaskNode::run() noexcept {
    if (!ran_ && must_cancel_) {
        // Cancelled before its first step: the body never runs.
        state_ = State::Done;
        on_finished();  // may delete this
        return;
    }
    ran_ = true;
    state_ = State::Running;
    TaskNode* const outer = running_;
    running_ = this;
    EventLoop& loop = *EventLoop::current();
    const bool timed = loop.debug();
    const auto started = timed ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};

    // The trampoline: every frame of this task resumes here, one at a time.
    std::coroutine_handle<> frame = std::coroutine_handle<>::from_address(hot_data_);
    do {
        trampoline_next = nullptr;
        frame.resume();
        frame = trampoline_next;
    } while (frame);

    running_ = outer;
    if (timed) {
        const auto spent = std::chrono::steady_clock::now() - started;
        if (spent > loop.options().slow_step) {
            const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(spent).count();
            loop.report({"task '" + name() + "' blocked the event loop for " + std::to_string(ms) +
                               " ms in one step (use to_thread() for blocking work)",
                           name(), nullptr});
        }
    }
    if (root_.done()) {
        state_ = State::Done;
        on_finished();  // may delete this
    }
}

void TaskNode::wake() noexcept {
    state_ = State::Scheduled;
    detail::LoopAccess::schedule(*EventLoop::current(), *this);  // the queue's link replaces the waiter
}

void TaskNode::yield(std::coroutine_handle<> frame) noexcept {
    hot_data_ = frame.address();
    state_ = State::Scheduled;
    detail::LoopAccess::schedule(*EventLoop::current(), *this);
}

bool TaskNode::cancel() noexcept {
    if (done()) return false;
    if (cancel_requests_ < std::numeric_limits<std::uint16_t>::max()) ++cancel_requests_;
    if (state_ == State::Waiting) {
        static_cast<Waiter*>(link_.parked)->cancel();  // may wake this node at once
    } else {
        must_cancel_ = true;
    }
    return true;
}

int TaskNode::uncancel() noexcept {
    if (cancel_requests_ > 0 && --cancel_requests_ == 0) must_cancel_ = false;
    return static_cast<int>(cancel_requests_);
}

TaskNode& running_node(const char* what) {
    TaskNode* node = TaskNode::running();
    if (node == nullptr)
        throw InvalidStateError(std::string(what) + " must be awaited inside a task running on an agentio event loop");
    return *node;
}

}  // namespace agentio::detail

namespace agentio {
int cancelling() { return detail::running_node("cancelling()").cancelling(); }
}  // namespace agentio
