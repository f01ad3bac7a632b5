// timeout.cpp: the deadline scope and its decision at the end.
//
// The decision is asyncio's: the scope's expiry added one cancellation request
// to the task. At the end the scope withdraws it (uncancel). If the work ended
// with CancelledError and no other request is left than those pending when the
// scope began, the cancellation was ours: it becomes TimeoutError. Otherwise
// someone else cancelled the task too, and CancelledError goes on.
#include "agentio/core/timeout.hpp"

#include <cstdio>

#include "agentio/core/spawned_task.hpp"

namespace agentio::detail {

TimeoutScope::TimeoutScope(TaskNode& node, TimePoint deadline, Duration budget)
    : node_(node), outer_deadline_(node.deadline()), budget_(budget), cancelling_at_entry_(node.cancelling()) {
    node_.loop().timers().arm(*this, deadline);
    if (deadline < node_.deadline()) node_.set_deadline(deadline);
}

TimeoutScope::~TimeoutScope() { close(); }

void TimeoutScope::close() noexcept {
    if (closed_) return;
    closed_ = true;
    node_.loop().timers().disarm(*this);
    if (node_.deadline() != outer_deadline_) node_.set_deadline(outer_deadline_);
}

void TimeoutScope::on_timer() noexcept {
    expired_ = true;
    node_.cancel();
}

void TimeoutScope::finish(std::exception_ptr error) {
    close();
    if (expired_ && node_.uncancel() <= cancelling_at_entry_ && is_cancellation(error)) {
        char text[96];
        std::snprintf(text, sizeof text, "timed out after %.3f s", std::chrono::duration<double>(budget_).count());
        throw TimeoutError(text);
    }
    if (error) std::rethrow_exception(error);
}

}  // namespace agentio::detail
