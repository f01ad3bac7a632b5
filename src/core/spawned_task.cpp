// spawned_task.cpp: completion fan-out, reference release and error reporting.
#include "agentio/core/spawned_task.hpp"

#include "agentio/core/event_loop.hpp"

namespace agentio::detail {

bool is_cancellation(const std::exception_ptr& error) noexcept {
    if (!error) return false;
    try {
        std::rethrow_exception(error);
    } catch (const CancelledError&) {
        return true;
    } catch (...) {
        return false;
    }
}

void SpawnedTaskBase::add_listener(CompletionListener& listener) noexcept {
    listener.prev_listener_ = nullptr;
    listener.next_listener_ = listeners_;
    if (listeners_ != nullptr) listeners_->prev_listener_ = &listener;
    listeners_ = &listener;
}

void SpawnedTaskBase::remove_listener(CompletionListener& listener) noexcept {
    if (listener.prev_listener_ != nullptr) listener.prev_listener_->next_listener_ = listener.next_listener_;
    else if (listeners_ == &listener) listeners_ = listener.next_listener_;
    else return;  // not registered
    if (listener.next_listener_ != nullptr) listener.next_listener_->prev_listener_ = listener.prev_listener_;
    listener.prev_listener_ = listener.next_listener_ = nullptr;
}

void SpawnedTaskBase::on_finished() noexcept {
    loop().unregister_task(*this);
    if (owner != nullptr) owner->task_finished(*this);
    // Listeners are told in the order they registered; each is unlinked first
    // so that it may be destroyed by what it wakes.
    CompletionListener* last = listeners_;
    while (last != nullptr && last->next_listener_ != nullptr) last = last->next_listener_;
    while (last != nullptr) {
        CompletionListener* previous = last->prev_listener_;
        remove_listener(*last);
        last->task_finished(*this);
        last = previous;
    }
    release();  // the loop's reference
}

void SpawnedTaskBase::destroy() noexcept {
    if (done() && !retrieved_) {
        std::exception_ptr failure = error();
        if (failure && !is_cancellation(failure))
            report_anywhere({"Task exception was never retrieved", name(), failure});
    }
    delete this;
}

}  // namespace agentio::detail
