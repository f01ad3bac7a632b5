// run_validated.hpp: an executor's output checked by a validator agent, and
// sent back with the validator's feedback until it passes.
//
// compile-context: extern llm::Client client; extern agent::Agent writer, reviewer; void publish(const std::string& text);
//     agent::Validated checked = co_await agent::run_validated(client, writer, reviewer,
//                                                              "Write the release note", {.max_rounds = 3});
//     if (checked.approved()) publish(checked.result.final_output);
//
// Round 1 runs the executor on the input. The validator (its output type set
// here to agent::Verdict) reads the input and the output and approves or
// gives feedback; a rejected output goes back to the executor in the same
// conversation ("A reviewer rejected this answer: <feedback>. Revise it.")
// for the next round. It ends at the first approval or after max_rounds,
// with the last output and every verdict: not approved is an answer, not an
// error, so the caller decides what a rejected result is worth.
#pragma once

#include <string>
#include <vector>

#include "agentio/agent/describe.hpp"
#include "agentio/agent/run.hpp"

namespace agentio::agent {

struct Verdict {
    bool approved = false;
    std::string feedback;  // what to change; empty when approved
    static auto describe() {
        return fields(field("approved", &Verdict::approved, "Whether the output does what the task asks"),
                      field("feedback", &Verdict::feedback, "What must change for it to be approved; empty if approved"));
    }
};

// Trivially copyable, as RunOptions is (see there).
struct ValidationOptions {
    int max_rounds = 3;
    RunOptions run = {};  // for every executor and validator run
};

struct Validated {
    RunResult result;               // the executor's last run
    std::vector<Verdict> verdicts;  // one per round
    llm::Usage usage;               // every run's, summed
    double cost = 0;

    bool approved() const noexcept { return !verdicts.empty() && verdicts.back().approved; }
    int rounds() const noexcept { return static_cast<int>(verdicts.size()); }
};

// `options.run.session` and `options.run.journal` must be null: the rounds
// are several runs of two agents.
Task<Validated> run_validated(llm::Client& client, const Agent& executor, const Agent& validator, std::string input,
                              ValidationOptions options = {});

}  // namespace agentio::agent
