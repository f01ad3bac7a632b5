// progress.hpp: the live status line of a long command (batch, bench).
//
// On a terminal the line is redrawn in place four times a second; otherwise
// (a log, a pipe) it is written as a new line every five seconds, so that a
// CI log shows progress without a flood. It runs until cancelled; the caller
// then calls clear_progress_line() before its summary.
#pragma once

#include <functional>
#include <string>

#include "agentio/core/clock.hpp"
#include "agentio/core/task.hpp"

namespace agentio::cli {

// stderr is a terminal.
bool progress_on_terminal();

// Every so often, `line(elapsed)` to stderr, prefixed "agentio COMMAND: "
// when not on a terminal.
Task<> show_progress(std::function<std::string(Duration elapsed)> line, std::string command, TimePoint start);

// Erases the line drawn in place (nothing when not on a terminal).
void clear_progress_line();

}  // namespace agentio::cli
