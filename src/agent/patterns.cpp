// patterns.cpp: the planner and the validator patterns (run_planned.hpp,
// run_validated.hpp), as plain compositions of agent::run.
#include <fmt/format.h>

#include <stdexcept>

#include "agentio/agent/run_planned.hpp"
#include "agentio/agent/run_validated.hpp"
#include "agentio/core/map_concurrent.hpp"

namespace agentio::agent {

static_assert(std::is_trivially_copyable_v<PlanOptions>, "see the comment on RunOptions");
static_assert(std::is_trivially_copyable_v<ValidationOptions>, "see the comment on RunOptions");

namespace {

void check_shareable(const RunOptions& options, const char* pattern) {
    if (options.session != nullptr || options.journal != nullptr)
        throw std::invalid_argument(std::string("agent::") + pattern +
                                    ": a session or a journal belongs to one run, and this makes several");
}

Agent with_output(const Agent& agent, OutputType type) {
    Agent copy = agent;
    copy.output_type = std::move(type);
    return copy;
}

template <class Totals>
void add_run(Totals& totals, const RunResult& run) {
    totals.usage += run.usage;
    totals.cost += run.cost;
}

}  // namespace

Task<Planned> run_planned(llm::Client& client, const Agent& planner, const Agent& worker, std::string task,
                          PlanOptions options) {
    check_shareable(options.run, "run_planned");
    if (options.max_concurrency < 1) throw std::invalid_argument("agent::run_planned: max_concurrency must be at least 1");
    const Agent planning_agent = with_output(planner, OutputType::of<Plan>("plan"));
    Planned planned;
    // (Every task is named before it is awaited: g++ 12 mishandles
    // temporaries in a co_await expression when an exception goes through.)
    Task<RunResult> planning = run(client, planning_agent, std::move(task), options.run);
    planned.planning = co_await std::move(planning);
    add_run(planned, planned.planning);
    planned.plan = planned.planning.final_output_as<Plan>();
    const RunOptions run_options = options.run;
    auto run_step = [&client, &worker, run_options](const std::string& step) { return run(client, worker, step, run_options); };
    Task<std::vector<RunResult>> steps = map_concurrent(planned.plan.steps, run_step, options.max_concurrency);
    planned.steps = co_await std::move(steps);
    for (const RunResult& step : planned.steps) add_run(planned, step);
    co_return planned;
}

Task<Validated> run_validated(llm::Client& client, const Agent& executor, const Agent& validator, std::string input,
                              ValidationOptions options) {
    check_shareable(options.run, "run_validated");
    if (options.max_rounds < 1) throw std::invalid_argument("agent::run_validated: max_rounds must be at least 1");
    const Agent checker = with_output(validator, OutputType::of<Verdict>("verdict"));
    Validated validated;
    std::vector<llm::Message> conversation;
    conversation.push_back(llm::Message::user(input));
    while (validated.rounds() < options.max_rounds) {
        Task<RunResult> executing = run(client, executor, std::move(conversation), options.run);
        validated.result = co_await std::move(executing);
        add_run(validated, validated.result);
        const std::string review = "Task:\n" + input + "\n\nOutput to check:\n" + validated.result.final_output;
        Task<RunResult> checking = run(client, checker, review, options.run);
        const RunResult checked = co_await std::move(checking);
        add_run(validated, checked);
        validated.verdicts.push_back(checked.final_output_as<Verdict>());
        const Verdict& verdict = validated.verdicts.back();
        if (verdict.approved) break;
        conversation = validated.result.messages;
        conversation.push_back(llm::Message::user(
            fmt::format("A reviewer rejected this answer: {}. Revise it.", verdict.feedback.empty() ? "no reason given" : verdict.feedback)));
    }
    co_return validated;
}

}  // namespace agentio::agent
