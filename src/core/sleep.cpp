// sleep.cpp: the debug description of a sleeping task.
#include "agentio/core/sleep.hpp"

#include <cstdio>

namespace agentio {

std::string SleepAwaiter::describe() const {
    char text[64];
    std::snprintf(text, sizeof text, "sleep until t=%.3fs",
                  std::chrono::duration<double>(timer_->deadline().time_since_epoch()).count());
    return text;
}

}  // namespace agentio
