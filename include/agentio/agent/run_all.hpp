// run_all.hpp: fan-out / fan-in, several agents on one input at once.
//
// compile-context: extern llm::Client client; extern agent::Agent optimist, pessimist, realist;
//     std::vector<agent::Agent> panel = {optimist, pessimist, realist};
//     std::vector<agent::RunResult> views = co_await agent::run_all(client, panel, "Should we ship?");
//
// Every agent runs concurrently; the results come back in the agents' order.
// As gather does: the first run that fails cancels the others, waits for
// them, and its error propagates; with agent::return_exceptions each slot
// holds an Outcome instead and nothing is cancelled.
#pragma once

#include <string>
#include <vector>

#include "agentio/agent/run.hpp"
#include "agentio/core/gather.hpp"

namespace agentio::agent {

// `options.session` must be null: one conversation cannot take several
// runs' turns at once.
Task<std::vector<RunResult>> run_all(llm::Client& client, const std::vector<Agent>& agents, std::string input,
                                     RunOptions options = {});
Task<std::vector<Outcome<RunResult>>> run_all(ReturnExceptions, llm::Client& client, const std::vector<Agent>& agents,
                                              std::string input, RunOptions options = {});

}  // namespace agentio::agent
