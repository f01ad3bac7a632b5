// clock.hpp: the loop's clock, real or virtual.
//
// Real: std::chrono::steady_clock. Virtual (for tests and for running examples
// instantly): starts at zero and moves only when the loop, having nothing to
// run, jumps it to the next timer. Timing semantics (sequential 3.00 s vs
// concurrent 2.00 s) can then be asserted exactly, in no wall time.
#pragma once

#include <chrono>

namespace agentio {

using Duration = std::chrono::nanoseconds;
using TimePoint = std::chrono::steady_clock::time_point;

class Clock {
public:
    explicit Clock(bool is_virtual) noexcept : virtual_(is_virtual) {}

    bool is_virtual() const noexcept { return virtual_; }
    TimePoint now() const noexcept { return virtual_ ? virtual_now_ : std::chrono::steady_clock::now(); }
    // Virtual clock only: moves time forward (never backward) to `t`.
    void advance_to(TimePoint t) noexcept {
        if (t > virtual_now_) virtual_now_ = t;
    }

private:
    bool virtual_;
    TimePoint virtual_now_{};
};

}  // namespace agentio
