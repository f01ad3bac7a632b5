// loop_access.hpp: the event loop's scheduling hooks, for the runtime's own code.
//
// sleep, to_thread, create_task, Timeout and the task nodes put work on the ready
// queue, arm timers and hand jobs to the worker threads; the net layer registers
// file descriptors with the reactor. None of that belongs in EventLoop's public
// face, where an application could push a half-built node onto the ready queue, so
// EventLoop keeps these members private and befriends this one struct.
#pragma once

#include "agentio/core/event_loop.hpp"

namespace agentio::detail {

struct LoopAccess {
    static void schedule(EventLoop& loop, Runnable& item) noexcept { loop.ready_.push(item); }
    static TimerQueue& timers(EventLoop& loop) noexcept { return loop.timers_; }
    static Reactor& reactor(EventLoop& loop) noexcept { return loop.reactor_; }

    // Hands `job` to a worker; from then on the job frees itself.
    static void run_in_thread(EventLoop& loop, ThreadJob& job) { loop.run_in_thread(job); }
    // A to_thread job's completion ran on the loop.
    static void job_completed(EventLoop& loop) noexcept { loop.job_completed(); }
    // Any thread: queues `item` and wakes the loop.
    static void post_from_thread(EventLoop& loop, Runnable& item) noexcept { loop.post_from_thread(item); }

    // The loop's list of pending spawned tasks (for cancel_and_drain and dumps).
    static void register_task(EventLoop& loop, SpawnedTaskBase& task) noexcept { loop.register_task(task); }
    static void unregister_task(EventLoop& loop, SpawnedTaskBase& task) noexcept { loop.unregister_task(task); }
};

}  // namespace agentio::detail
