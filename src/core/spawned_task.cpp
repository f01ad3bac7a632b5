// spawned_task.cpp: completion fan-out, reference release and error reporting.
#include "agentio/core/detail/spawned_task.hpp"

#include "agentio/core/detail/loop_access.hpp"
#include "agentio/core/event_loop.hpp"

namespace agentio::detail {

void SpawnedTaskBase::add_listener(CompletionListener& listener) noexcept { listeners_.push_back(listener); }

void SpawnedTaskBase::remove_listener(CompletionListener& listener) noexcept {
    if (listeners_.holds(listener)) listeners_.remove(listener);
}

namespace {
// Task numbers for default names, per thread as asyncio numbers them.
thread_local std::uint32_t next_task_number = 1;
}

SpawnedTaskBase::SpawnedTaskBase() : number_(next_task_number++) {}

void SpawnedTaskBase::on_finished() noexcept {
    detail::LoopAccess::unregister_task(loop(), *this);
    if (owner != nullptr) owner->task_finished(*this);
    // Listeners are told in the order they registered; each is unlinked first
    // so that it may be destroyed by what it wakes.
    while (CompletionListener* listener = listeners_.front()) {
        listeners_.remove(*listener);
        listener->task_finished(*this);
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
