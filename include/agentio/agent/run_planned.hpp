// run_planned.hpp: a planner splits a task into steps; a worker agent runs
// the steps concurrently, at most `max_concurrency` at once.
//
// compile-context: extern llm::Client client; extern agent::Agent planner, researcher;
//     agent::Planned planned = co_await agent::run_planned(client, planner, researcher,
//                                                          "Compare three vector databases", {.max_concurrency = 4});
//     for (std::size_t i = 0; i < planned.plan.steps.size(); ++i)
//         std::cout << planned.plan.steps[i] << ": " << planned.steps[i].final_output << "\n";
//
// The planner's output type is agent::Plan (set here: the planner passed in
// needs none), so its reply is a validated list of steps. Each step is the
// worker's whole input. Results come back in the plan's order. As
// map_concurrent does: the first step that fails cancels the ones in flight,
// starts no more, and its error propagates. Usage and cost add up in
// Planned::usage and Planned::cost (the planner's run included).
#pragma once

#include <cstddef>
#include <string>
#include <type_traits>
#include <vector>

#include "agentio/agent/describe.hpp"
#include "agentio/agent/run.hpp"

namespace agentio::agent {

struct Plan {
    std::vector<std::string> steps;
    static auto describe() {
        return fields(field("steps", &Plan::steps, "The sub-tasks, in order; each one complete on its own").items(1, 50));
    }
};

// Trivially copyable, as RunOptions is (see there).
struct PlanOptions {
    std::size_t max_concurrency = 4;  // steps in flight at once
    RunOptions run = {};              // for the planner's run and each step's
};

struct Planned {
    Plan plan;
    RunResult planning;            // the planner's run
    std::vector<RunResult> steps;  // the worker's run of each step, in the plan's order
    llm::Usage usage;              // every run's, summed
    double cost = 0;
};

// `options.run.session` and `options.run.journal` must be null: the steps are
// several runs at once.
Task<Planned> run_planned(llm::Client& client, const Agent& planner, const Agent& worker, std::string task,
                          PlanOptions options = {});

}  // namespace agentio::agent
