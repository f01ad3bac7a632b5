// signals.hpp: wait_for_signal, a process signal as an awaitable event.
//
// compile-context: #include <csignal>
//     Task<int> signal = net::wait_for_signal({SIGINT, SIGTERM});  // g++ 12: no braced list inside co_await
//     int which = co_await std::move(signal);
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
