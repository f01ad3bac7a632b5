// test_support.hpp: running a task under the virtual clock, and a record of events.
#pragma once

#include <agentio/agentio.hpp>

#include <string>
#include <vector>

namespace agentio::testing {

inline LoopOptions virtual_clock() {
    LoopOptions options;
    options.virtual_clock = true;
    return options;
}

// Runs `task` on a fresh loop with the virtual clock.
template <class T>
T run_virtual(Task<T> task) {
    return run(std::move(task), virtual_clock());
}

// Sleeps for `delay`; counts the CancelledError that ends the sleep, then
// lets it propagate.
inline Task<> sleep_counting_cancel(Duration delay, int& cancelled) {
    try {
        co_await sleep(delay);
    } catch (const CancelledError&) {
        ++cancelled;
        throw;
    }
}

}  // namespace agentio::testing
