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

// Seconds since the loop started (virtual clock: exact).
inline double now_s() { return monotonic(); }

}  // namespace agentio::testing
