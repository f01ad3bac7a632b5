// test_support.hpp: running a task under the virtual clock, and small helpers
// every layer's tests share.
#pragma once

#include <agentio/agentio.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace agentio::testkit {

inline LoopOptions virtual_clock() {
    LoopOptions options;
    options.virtual_clock = true;
    return options;
}

inline bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

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

}  // namespace agentio::testkit
