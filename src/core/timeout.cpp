// timeout.cpp: Timeout's states, its timer, and its decision at the end.
//
// The decision is asyncio's: the expiry added one cancellation request to the
// task. At the end the scope withdraws it (uncancel). If the work ended with
// CancelledError and no other request is left than those pending when the
// scope began, the cancellation was ours: it becomes TimeoutError. Otherwise
// someone else cancelled the task too (an outer scope, or the task's owner),
// and CancelledError goes on for them to decide.
//
// The scopes a task is in form a chain from the innermost one outwards (the
// task node holds the innermost, each scope the one around it); scopes end
// innermost first, and the chain is what current_deadline() reads. The timer
// is armed exactly while the state is Entered and when() is set.
#include "agentio/core/timeout.hpp"

#include <cstdio>

#include "agentio/core/detail/loop_access.hpp"
#include "agentio/core/event_loop.hpp"

namespace agentio {

Timeout::~Timeout() { close(); }

void Timeout::reschedule(std::optional<TimePoint> when) {
    switch (state_) {
    case State::Created: when_ = when; return;
    case State::Entered: break;
    case State::Expiring:
    case State::Expired: throw InvalidStateError("Timeout::reschedule(): the timeout has already expired");
    case State::Exited: throw InvalidStateError("Timeout::reschedule(): the work it bounded has finished");
    }
    when_ = when;
    detail::TimerQueue& timers = detail::LoopAccess::timers(node_->loop());
    if (armed()) timers.disarm(*this);
    if (when_) timers.arm(*this, *when_);
}

void Timeout::enter() {
    if (state_ != State::Created)
        throw InvalidStateError(state_ == State::Entered
                                    ? "Timeout::run(): this Timeout is already running a piece of work"
                                    : "Timeout::run(): this Timeout already bounded a piece of work; make a new one");
    detail::TaskNode& node = detail::running_node("Timeout::run()");
    node_ = &node;
    entered_at_ = node.loop().now();
    cancelling_at_entry_ = node.cancelling();
    outer_ = node.innermost_timeout();
    node.set_innermost_timeout(this);
    state_ = State::Entered;
    if (when_) detail::LoopAccess::timers(node.loop()).arm(*this, *when_);
}

void Timeout::on_timer() noexcept {
    state_ = State::Expiring;
    node_->cancel();
}

void Timeout::close() noexcept {
    if (state_ != State::Entered && state_ != State::Expiring) return;
    if (armed()) detail::LoopAccess::timers(node_->loop()).disarm(*this);
    if (node_->innermost_timeout() == this) {
        node_->set_innermost_timeout(outer_);
        return;
    }
    // Out of order only when frames are destroyed from the outside in.
    for (Timeout* inner = node_->innermost_timeout(); inner != nullptr; inner = inner->outer_) {
        if (inner->outer_ == this) {
            inner->outer_ = outer_;
            break;
        }
    }
}

void Timeout::exit(const std::exception_ptr& error) {
    close();
    if (state_ != State::Expiring) {
        state_ = State::Exited;
        return;
    }
    state_ = State::Expired;
    if (node_->uncancel() <= cancelling_at_entry_ && detail::is_cancellation(error)) {
        char text[96];
        std::snprintf(text, sizeof text, "timed out after %.3f s",
                      std::chrono::duration<double>(*when_ - entered_at_).count());
        throw TimeoutError(text);
    }
}

void Timeout::abandon() noexcept {
    close();
    state_ = state_ == State::Expiring ? State::Expired : State::Exited;
}

namespace detail {

void throw_limit_reached(const std::string& what, Duration limit) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.3f", std::chrono::duration<double>(limit).count());
    throw TimeoutError(what + " of " + seconds + " s");
}

}  // namespace detail

std::optional<TimePoint> current_deadline() {
    detail::TaskNode* node = detail::TaskNode::running();
    if (node == nullptr) return std::nullopt;
    std::optional<TimePoint> earliest;
    for (const Timeout* scope = node->innermost_timeout(); scope != nullptr; scope = scope->outer_)
        if (scope->when_ && (!earliest || *scope->when_ < *earliest)) earliest = scope->when_;
    return earliest;
}

}  // namespace agentio
