// run.hpp: run(task), the program's entry point, like asyncio.run().
//
// compile-context: Task<int> main_task();
//     int main() { return agentio::run(main_task()); }
//
// Makes a loop, runs `task` to completion, then cancels every task still
// pending and runs until they have finished, joins the to_thread workers, and
// returns the task's value or rethrows its exception. Calling run() inside a
// running loop throws InvalidStateError (await the task instead).
#pragma once

#include <exception>
#include <iostream>

#include "agentio/core/create_task.hpp"
#include "agentio/core/event_loop.hpp"
#include "agentio/core/task.hpp"

namespace agentio {

template <class T>
T run(Task<T> task, LoopOptions options = LoopOptions::from_environment()) {
    if (EventLoop::current() != nullptr)
        throw InvalidStateError("agentio::run() cannot be called from a running event loop; co_await the task instead");
    EventLoop loop(options);
    auto main = detail::spawn(loop, std::move(task), "main");
    std::exception_ptr loop_failure;
    try {
        loop.run_until([&] { return main.done(); });
    } catch (...) {
        loop_failure = std::current_exception();
    }
    if (loop.debug() && loop.pending_tasks() > 0) {
        std::cerr << "agentio debug: tasks still pending when the main task finished (they will be cancelled):\n";
        loop.dump_tasks(std::cerr);
    }
    loop.cancel_and_drain();
    loop.shutdown_threads();
    if (loop_failure) std::rethrow_exception(loop_failure);
    return main.node().result(true);
}

}  // namespace agentio
