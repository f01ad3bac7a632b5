// validators.hpp: the number checks of every subcommand's flags, and the
// conversion of the durations they let through.
//
// CLI11's own checks let NaN through (every comparison with it is false, so
// `--rate nan` would pass a range check and poison a schedule) and word
// "positive" as a range up to the largest double, 300 digits long. These
// accept finite numbers only (`inf` only where a flag says it means
// "unbounded") and say what was wanted in a few words.
#pragma once

#include <CLI/CLI.hpp>

#include "agentio/core/clock.hpp"

namespace agentio::cli {

// A finite number > 0.
CLI::Validator positive_number();
// A finite number in [low, high].
CLI::Validator number_in(double low, double high);
// A number > 0, or `inf` (unbounded).
CLI::Validator positive_or_inf();
// A duration in seconds, from 1 ms to 10^6 s (11 days): longer would
// overflow the loop clock's nanoseconds once added to the time of day.
CLI::Validator seconds();
// A duration in milliseconds, from 0 to 10^9 (the same 11 days).
CLI::Validator milliseconds();

// A flag's seconds or milliseconds (checked above) as the loop's Duration.
Duration from_seconds(double seconds);
Duration from_milliseconds(double milliseconds);

}  // namespace agentio::cli
