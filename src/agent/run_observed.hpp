// run_observed.hpp: the agent loop with an observer of its events, shared by
// agent::run (no observer) and agent::run_streamed.
#pragma once

#include <functional>
#include <vector>

#include "agentio/agent/run.hpp"
#include "agentio/agent/run_stream.hpp"

namespace agentio::agent {

using EventSink = std::function<void(RunEvent)>;

namespace detail {
// agent::run, and `emit` (when set) receives each event as it happens; the
// model calls are then streamed. Called on the loop thread only.
Task<RunResult> run_observed(llm::Client& client, const Agent& agent, std::vector<llm::Message> input, RunOptions options,
                             EventSink emit);
}  // namespace detail

}  // namespace agentio::agent
