// run_stream.hpp: agent::run_streamed, a run's events as they happen.
//
// compile-context: extern llm::Client client; extern agent::Agent assistant;
//     agent::RunStream stream = agent::run_streamed(client, assistant, "Weather in Paris?");
//     while (std::optional<agent::RunEvent> event = co_await stream.next())
//         if (event->kind == agent::RunEvent::Kind::TextDelta) std::cout << event->text << std::flush;
//     agent::RunResult result = co_await stream.result();
//
// The run is the same loop as agent::run (run.hpp), started at once as a task
// of its own; its model calls are streamed so that the model's text arrives
// as deltas. Events, in order: each text delta, each tool call as the model
// asked for it, each tool result (in the model's order, once the turn's tools
// have all finished), each handoff, then Final with the final output.
// - next() returns nullopt after Final. If the run fails, next() throws its
//   error once the events before the failure have been read.
// - Events queue without bound: a reader that falls behind never slows the
//   run.
// - result() waits for the run and returns (or throws) its outcome.
// - Dropping the stream before the run ends cancels the run.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agentio/agent/run.hpp"
#include "agentio/core/create_task.hpp"
#include "agentio/core/queue.hpp"

namespace agentio::agent {

struct RunEvent {
    enum class Kind { TextDelta, ToolCall, ToolResult, Handoff, Final };
    Kind kind = Kind::TextDelta;
    std::string agent;       // whose turn it is
    std::string text{};      // the delta, the tool result, the handoff's target, the final output
    llm::ToolCall call{};    // ToolCall and ToolResult
    bool is_error = false;   // ToolResult: the tool failed
};

class RunStream {
public:
    RunStream(RunStream&&) noexcept = default;
    RunStream& operator=(RunStream&&) noexcept = default;
    ~RunStream();

    Task<std::optional<RunEvent>> next();
    Task<RunResult> result();

    struct Shared;  // internal

private:
    friend RunStream run_streamed(llm::Client&, const Agent&, std::string, RunOptions);
    RunStream(std::shared_ptr<Shared> shared, TaskHandle<RunResult> run);

    std::shared_ptr<Shared> shared_;
    TaskHandle<RunResult> run_;
};

// `client` and `agent` must outlive the run, as with agent::run.
RunStream run_streamed(llm::Client& client, const Agent& agent, std::string input, RunOptions options = {});

}  // namespace agentio::agent
