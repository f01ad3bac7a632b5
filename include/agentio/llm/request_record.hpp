// request_record.hpp: what one call of the LLM client did and how long each part took.
//
// Every call of llm::Client (chat, a whole chat stream, embeddings, models)
// leaves one RequestRecord, handed to ClientOptions::on_record when the call
// ends, successful or not. Durations are on the loop clock. Recorded<T> pairs
// a call's outcome with its record, for callers that account for every call
// (Client::chat_recorded).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agentio/core/clock.hpp"
#include "agentio/core/outcome.hpp"
#include "agentio/llm/chat.hpp"

namespace agentio::llm {

// One failed attempt that was retried.
struct RetryRecord {
    int attempt = 0;        // 0 for the first attempt
    int status = 0;         // HTTP status, 0 when no response came (connection error, timeout)
    std::string reason;     // "429 rate_limit_exceeded", "connection reset by peer", ...
    TimePoint failed_at{};  // when the attempt failed
    Duration wait{};        // the wait before the next attempt
};

struct RequestRecord {
    std::string operation;  // "chat", "chat_stream", "embeddings", "models"
    std::string model;
    TimePoint started{};         // when the call was made
    Duration queued{};           // waiting for the client's concurrency limit
    Duration rate_limit_wait{};  // waiting on the RPM/TPM limiter, every attempt
    Duration connect{};          // getting a connection (DNS, TCP, TLS), every attempt
    // Streams: from the call to the first content, refusal or tool-call
    // fragment (the role-only first chunk does not count).
    std::optional<Duration> time_to_first_token;
    Duration end_to_end{};
    Usage usage;                 // as reported by the server, else estimated
    bool usage_reported = false;
    int retries = 0;
    std::vector<RetryRecord> retry_log;
    int status = 0;              // HTTP status of the last attempt, 0 if none answered
    std::string error;           // empty on success; never contains the API key
    double cost = 0;             // dollars, from the client's price table
    std::string request_id;      // the server's x-request-id

    bool ok() const noexcept { return error.empty(); }
};

// A call's reply, or what it threw, together with its record: the record is
// there whichever way the call ended, so an error cannot cost the accounting.
template <class T>
struct Recorded {
    Outcome<T> outcome;
    RequestRecord record;
};

}  // namespace agentio::llm
