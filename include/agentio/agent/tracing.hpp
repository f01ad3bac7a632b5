// tracing.hpp: agent runs as traces of spans, with the OpenTelemetry GenAI
// semantic conventions' names, exported to open formats: a Chrome/Perfetto
// trace file and OTLP/HTTP JSON to a collector. No vendor, no cost.
//
// compile-context: extern llm::Client client; extern agent::Agent assistant;
//     agent::Tracer tracer({.perfetto_file = "trace.json", .otlp_endpoint = "http://127.0.0.1:4318"});
//     agent::RunOptions options;
//     options.tracer = &tracer;
//     co_await agent::run(client, assistant, "Weather in Paris?", options);
//     co_await tracer.flush();   // writes the file, POSTs /v1/traces
//
// A run is one trace. Its spans, with `gen_ai.operation.name`:
//   invoke_agent  the run (nested: an agent called as a tool, under that
//                 tool's span); gen_ai.agent.name, usage totals at the end
//   chat          each model call; gen_ai.request.model, gen_ai.response.model,
//                 gen_ai.response.id, gen_ai.response.finish_reasons,
//                 gen_ai.usage.input_tokens / output_tokens
//   execute_tool  each tool call; gen_ai.tool.name, gen_ai.tool.call.id,
//                 gen_ai.tool.type
//   handoff       an agent handing over (agentio.handoff.from / .to)
//   guardrail     each input or output check (agentio.guardrail.name,
//                 agentio.guardrail.triggered)
// A span that failed has status error and `error.type`.
//
// Off the hot path: a span is a record appended to memory when it ends;
// nothing is written or sent until flush(), which exports the spans ended
// since the last flush in one batch (the file on a worker thread, the
// collector with one POST). A Tracer is used on its loop's thread only and
// must outlive the runs that use it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "agentio/core/clock.hpp"
#include "agentio/core/task.hpp"
#include "agentio/llm/message.hpp"

namespace agentio::agent {

struct TraceOptions {
    // Chrome trace-event JSON (opens in ui.perfetto.dev); empty: no file.
    std::string perfetto_file = {};
    // An OTLP/HTTP collector's base URL ("http://127.0.0.1:4318"); spans go
    // to <url>/v1/traces as JSON. Empty: none.
    std::string otlp_endpoint = {};
    // The resource's service.name.
    std::string service_name = "agentio";
};

// Where a span sits in its trace: what a child needs of its parent.
struct SpanContext {
    std::string trace_id;  // 32 hex digits
    std::string span_id;   // 16 hex digits

    // Whether it names a parent span; a trace id alone starts a root span
    // in that trace.
    bool valid() const noexcept { return !span_id.empty(); }
};

// One ended span.
struct SpanRecord {
    SpanContext context;
    std::string parent_span_id;  // empty for a trace's root
    std::string name;            // "chat gpt-4o-mini", "execute_tool get_weather", ...
    TimePoint start{};
    TimePoint end{};
    llm::Json attributes = llm::Json::object();  // flat: {"gen_ai.operation.name": "chat", ...}
    std::string error;                           // empty: the span succeeded
};

class Tracer;

// A span in progress; it ends (and is recorded) when end() is called or it
// is destroyed, whichever comes first. An inactive span (no tracer) ignores
// everything, so code that traces optionally needs no branches.
class Span {
public:
    Span() = default;
    Span(Span&& other) noexcept;
    Span& operator=(Span&& other) noexcept;
    ~Span();

    void set(const std::string& key, llm::Json value);
    // Marks it failed: status error, `error.type` = `type`, the message kept.
    void fail(const std::string& type, const std::string& message);
    void end();

    bool active() const noexcept { return tracer_ != nullptr; }
    const SpanContext& context() const noexcept { return record_.context; }

private:
    friend class Tracer;
    Tracer* tracer_ = nullptr;
    SpanRecord record_;
};

class Tracer {
public:
    explicit Tracer(TraceOptions options = {});
    Tracer(const Tracer&) = delete;
    Tracer& operator=(const Tracer&) = delete;
    // Closes the trace file's JSON array (spans not flushed are dropped).
    ~Tracer();

    // A span starting now, under `parent` (an invalid parent starts a new trace).
    Span start(std::string name, const SpanContext& parent, llm::Json attributes = llm::Json::object());

    // The spans ended and not yet flushed, oldest first.
    const std::vector<SpanRecord>& pending() const noexcept { return pending_; }
    // Exports the pending spans to the file and the collector, and forgets
    // them. Throws agentio::Error naming the file or URL if an export fails
    // (the spans are dropped either way: a trace never grows without bound).
    Task<> flush();

    const TraceOptions& options() const noexcept { return options_; }

private:
    friend class Span;
    void finished(SpanRecord record);
    std::string random_hex(int digits);
    // Unix time in nanoseconds of a loop time point.
    std::int64_t unix_nanos(TimePoint at) const;

    TraceOptions options_;
    std::vector<SpanRecord> pending_;
    std::mt19937_64 random_;
    // The loop clock and the wall clock read together once: the loop clock
    // may be virtual, an exported trace needs real times.
    std::optional<std::pair<TimePoint, std::int64_t>> clock_origin_;
    struct FileState;
    std::unique_ptr<FileState> file_;
};

}  // namespace agentio::agent
