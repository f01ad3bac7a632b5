// run_stream.cpp: a run as a task of its own that feeds a queue of events.
//
// The run task owns the writing end: it puts every event, then Final (on
// success) and closes the queue, whatever happened. next() drains the queue;
// once it is closed and empty, next() reports the end or the run's error.
#include "agentio/agent/run_stream.hpp"

#include "agentio/core/capture.hpp"
#include "run_observed.hpp"

namespace agentio::agent {

struct RunStream::Shared {
    Queue<RunEvent> events;  // unbounded: the run never waits for its reader
};

namespace {
Task<RunResult> streamed(std::shared_ptr<RunStream::Shared> shared, llm::Client& client, const Agent& agent,
                         std::vector<llm::Message> input, RunOptions options) {
    EventSink emit = [shared](RunEvent event) { shared->events.try_put(std::move(event)); };
    Task<RunResult> run = detail::run_observed(client, agent, std::move(input), options, std::move(emit));
    Outcome<RunResult> outcome = co_await capture(std::move(run));
    if (outcome) {
        const RunResult& result = outcome.value();
        shared->events.try_put({RunEvent::Kind::Final, result.last_agent, result.final_output, {}, false});
    }
    shared->events.close();
    co_return std::move(outcome).value();
}
}  // namespace

RunStream run_streamed(llm::Client& client, const Agent& agent, std::string input, RunOptions options) {
    auto shared = std::make_shared<RunStream::Shared>();
    std::vector<llm::Message> messages;
    messages.push_back(llm::Message::user(std::move(input)));
    Task<RunResult> run = streamed(shared, client, agent, std::move(messages), options);
    return RunStream(shared, create_task(std::move(run), "agent run " + agent.name));
}

RunStream::RunStream(std::shared_ptr<Shared> shared, TaskHandle<RunResult> run)
    : shared_(std::move(shared)), run_(std::move(run)) {}

RunStream::~RunStream() {
    if (run_.valid() && !run_.done()) run_.cancel();
}

Task<std::optional<RunEvent>> RunStream::next() {
    if (std::optional<RunEvent> ready = shared_->events.try_get()) co_return ready;
    if (!shared_->events.closed()) {
        Outcome<RunEvent> event = co_await capture(shared_->events.get());
        if (event) co_return std::move(event).value();
        if (event.cancelled()) std::rethrow_exception(event.error());  // our own cancellation
    }
    // Closed and drained: the end, or the run's error.
    TaskHandle<RunResult> run = run_;
    co_await capture(run);  // it closed the queue, so it has finished or is finishing
    (void)run.result();     // rethrows the run's error
    co_return std::nullopt;
}

Task<RunResult> RunStream::result() {
    TaskHandle<RunResult> run = run_;
    co_return co_await run;
}

}  // namespace agentio::agent
