// trace.hpp: a batch run as Chrome trace-event JSON (opens in Perfetto or
// chrome://tracing): one track per concurrency slot, one span per call with
// its phases nested inside.
//
// A RequestRecord keeps the call's start and the length of each phase, and
// the phases run in a fixed order (queued, rate-limit wait, connect, waiting
// for the first token, streaming), so their spans are laid end to end from
// the start; retry waits are placed where they happened (failed_at). Events
// are written as calls finish: memory does not grow with the batch.
//
// The file uses the trace format's array form, which viewers accept without
// its closing bracket: a run killed mid-way still leaves a trace that opens.
// The trace is a by-product: a failed write (a full disk) disables it with a
// message, and never costs a result line.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "agentio/core/clock.hpp"
#include "agentio/llm/request_record.hpp"

namespace agentio::cli::batch {

class TraceWriter {
public:
    // Throws agentio::Error naming `path` if it cannot be created. Times are
    // written relative to `origin`.
    TraceWriter(const std::string& path, TimePoint origin, int slots);
    TraceWriter(const TraceWriter&) = delete;
    TraceWriter& operator=(const TraceWriter&) = delete;
    ~TraceWriter();

    void add(int slot, std::string_view custom_id, const llm::RequestRecord& record);
    // Ends the JSON and closes the file.
    void close();

    // Why the trace stopped being written, or empty while it is whole.
    const std::string& failure() const noexcept { return failure_; }

private:
    void span(int slot, std::string_view name, TimePoint start, Duration length, const std::string& args = {});
    void put(std::string_view text);
    // After a failed write: says why in failure(), and writes no more.
    void give_up();

    std::FILE* file_ = nullptr;
    std::string path_;
    TimePoint origin_;
    std::string failure_;
};

}  // namespace agentio::cli::batch
