// run.hpp: agent::run, the agent loop.
//
// compile-context: extern agent::Agent assistant;
//     llm::Client client;  // OPENAI_BASE_URL, or an embedded sim::Server's URL
//     agent::RunResult result = co_await agent::run(client, assistant, "Weather in Paris?");
//     std::cout << result.final_output;
//
// One turn is one model call. A reply with tool calls runs every call of the
// turn concurrently (one task group: the slowest tool sets the pace, not the
// sum), appends the results in the model's order, and starts the next turn; a
// handoff switches the agent (its instructions, tools and model) and goes on
// with the same conversation; a reply without tool calls is the final output.
// With an output type, the final output must validate: an invalid one is sent
// back once with the validation error, then OutputValidationError.
//
// What stops a run, and how:
// - max_turns model calls without a final output: MaxTurnsExceeded;
// - the token or dollar budget spent (checked after each model call, nested
//   runs of agents-as-tools included): BudgetExceeded;
// - the timeout: TimeoutError; cancelling the awaiting task: CancelledError.
//   Either cancels the model call and every tool in flight, and waits for
//   them, before it is thrown;
// - a model call that fails after the client's retries: the client's error.
// A tool that fails never stops a run: the model reads its error (tool.hpp).
//
// A durable run (RunOptions::journal) records each model reply and each tool
// result in the journal file, on disk, before it goes on. Started again with
// the same journal after a crash, it replays what was recorded (no model call
// is made again, no tool that finished is called again) and goes on from the
// first step that has no record. A tool call in flight at the crash has none,
// so it runs again: exactly once for every call that finished, at least once
// for the ones the crash interrupted. Guardrails are checks, not steps: they
// run again. A journal belongs to one run: started with another input or
// agent it is an AgentError naming the file; a finished journal replays the
// whole run and returns the same result, without adding to the session twice.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agentio/agent/agent.hpp"
#include "agentio/agent/describe.hpp"
#include "agentio/agent/session.hpp"
#include "agentio/agent/tracing.hpp"
#include "agentio/core/clock.hpp"
#include "agentio/core/task.hpp"
#include "agentio/llm/chat.hpp"
#include "agentio/llm/client.hpp"

namespace agentio::agent {

// Trivially copyable on purpose: g++ 12 copies an aggregate temporary built
// inside a coroutine (`co_await run(client, agent, input, {.max_turns = 3})`)
// bitwise, which breaks a std::string member (its buffer pointer would point
// into the original). Nothing here owns memory.
struct RunOptions {
    int max_turns = 10;
    std::optional<Duration> timeout{};
    // Budgets over every model call of the run, nested runs included.
    std::optional<std::int64_t> max_total_tokens{};
    std::optional<double> max_cost{};  // dollars, by the client's price table
    // The conversation to continue and extend (session.hpp); must outlive the run.
    Session* session = nullptr;
    // A file path: the run is durable (above). Null: it is not.
    const char* journal = nullptr;
    // Records the run's spans (tracing.hpp); must outlive the run. Null: none.
    Tracer* tracer = nullptr;
};

// One thing the run produced, in order.
struct RunItem {
    enum class Kind {
        Message,     // the model's text (the final output is the last one)
        ToolCall,    // the model asked for `call`
        ToolResult,  // `text` is what the model read back for `call`
        Handoff,     // `agent` handed over to `text`
    };
    Kind kind = Kind::Message;
    std::string agent;  // the agent whose turn produced it
    std::string text{};
    llm::ToolCall call{};
    bool is_error = false;  // ToolResult: the tool failed

    friend bool operator==(const RunItem&, const RunItem&) = default;
};

struct RunResult {
    std::string final_output;  // the last agent's final text (JSON with an output type)
    std::string last_agent;    // the agent that produced it, after handoffs
    std::vector<RunItem> new_items;
    // The whole conversation (system message excluded), to continue it in
    // another run: pass it (plus a new user message) as the next input.
    std::vector<llm::Message> messages;
    llm::Usage usage;   // summed over every model call, nested runs included
    double cost = 0;    // dollars, the same way
    int turns = 0;      // model calls of this run (not of nested ones)

    // The final output read as T (the agent's output type); SchemaError if
    // it does not fit.
    template <class T>
    T final_output_as() const {
        return parse<T>(final_output);
    }
};

Task<RunResult> run(llm::Client& client, const Agent& agent, std::string input, RunOptions options = {});
// Continues a conversation: `input` is its messages so far (a previous
// RunResult::messages plus the new user message).
Task<RunResult> run(llm::Client& client, const Agent& agent, std::vector<llm::Message> input, RunOptions options = {});

}  // namespace agentio::agent
