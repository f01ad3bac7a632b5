// signals.hpp: wait_for_signal, a process signal as an awaitable event.
//
//     int which = co_await net::wait_for_signal({SIGINT, SIGTERM});
//
// The signals are blocked for the calling thread and read from a signalfd
// through the loop, so a handler is ordinary task code (it can await a
// graceful shutdown) instead of async-signal-safe code. Call it from the main
// thread before starting other threads, so that they inherit the mask and the
// signal cannot be delivered to one of them instead. After the wait returns
// the signals stay blocked: a second wait catches the next one (the second
// Ctrl-C that cancels in-flight work).
#pragma once

#include <initializer_list>

#include "agentio/core/task.hpp"

namespace agentio::net {

// Resumes with the number of the first of `signals` to arrive.
Task<int> wait_for_signal(std::initializer_list<int> signals);

}  // namespace agentio::net
