// run_all.cpp: fan-out / fan-in over gather.
#include "agentio/agent/run_all.hpp"

namespace agentio::agent {
namespace {
std::vector<Task<RunResult>> runs(llm::Client& client, const std::vector<Agent>& agents, const std::string& input,
                                  const RunOptions& options) {
    if (options.session != nullptr) throw std::invalid_argument("agent::run_all: several runs cannot share one session");
    std::vector<Task<RunResult>> tasks;
    tasks.reserve(agents.size());
    for (const Agent& agent : agents) tasks.push_back(run(client, agent, input, options));
    return tasks;
}
}  // namespace

Task<std::vector<RunResult>> run_all(llm::Client& client, const std::vector<Agent>& agents, std::string input,
                                     RunOptions options) {
    co_return co_await gather(runs(client, agents, input, options));
}

Task<std::vector<Outcome<RunResult>>> run_all(ReturnExceptions, llm::Client& client, const std::vector<Agent>& agents,
                                              std::string input, RunOptions options) {
    co_return co_await gather(return_exceptions, runs(client, agents, input, options));
}

}  // namespace agentio::agent
