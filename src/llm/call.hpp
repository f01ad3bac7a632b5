// call.hpp (internal): one call of the LLM client, across its attempts.
//
// A Call owns what every attempt of one chat/embeddings/models call shares:
// the request bytes, the deadline of the whole call, the concurrency slot, the
// record. Client::State::attempt() makes one HTTP exchange; retry_or_rethrow()
// is the single place that decides whether a failure is retried, so plain
// calls and streams follow the same rules.
#pragma once

#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "agentio/core/semaphore.hpp"
#include "agentio/http/client.hpp"
#include "agentio/llm/client.hpp"

namespace agentio::llm::detail {

// Which limit a timed-out wait was under, for the error it becomes.
enum class Bound { Total, Attempt, FirstToken, Idle };

struct Call {
    std::string url;
    std::string body;
    bool stream = false;
    std::int64_t estimated_tokens = 0;
    std::optional<TimePoint> deadline;  // the total timeout
    // Of the current attempt, set once the limiter has admitted it.
    std::optional<TimePoint> attempt_deadline;
    std::optional<TimePoint> first_token_deadline;  // streams only
    Semaphore::Permit slot;
    RequestRecord record;
    int attempt = 0;                  // attempts started so far
    bool tokens_held = false;            // the limiter gave tokens not yet settled
    bool limiter_holds_attempt = false;  // admitted, and the server's answer not yet observed
    // The headers of the error status just thrown: retry-after and
    // x-should-retry decide the retry, whatever the status.
    http::Headers error_headers;
    // Where the caller asked for a copy of the record, if it did.
    RequestRecord* record_out = nullptr;
};

}  // namespace agentio::llm::detail

namespace agentio::llm {

struct Client::State {
    explicit State(ClientOptions options);

    ClientOptions options;
    http::Client http;
    RateLimiter limiter;
    std::unique_ptr<Semaphore> slots;  // null: no concurrency limit
    http::Headers json_headers;        // every POST
    http::Headers stream_headers;      // a streamed POST
    http::Headers get_headers;
    std::mt19937_64 jitter;

    std::string endpoint(std::string_view path) const;
    detail::Call prepare(std::string operation, std::string model, std::string_view path) const;
    // Starts the clocks and waits for a concurrency slot.
    Task<> begin(detail::Call& call);
    // A call whose reply is one JSON body, handed whole to `parse`.
    template <class Reply>
    Task<Reply> plain_call(detail::Call call, Reply (*parse)(std::string body));
    // One HTTP exchange up to a 2xx head; a non-2xx status is thrown as ApiError.
    Task<http::ClientResponse> attempt(detail::Call& call);
    // After a failed attempt: returns once the next attempt may start, or
    // rethrows `error` (never retried: cancellation, total timeout, retries
    // spent, a status the policy does not retry).
    Task<> retry_or_rethrow(detail::Call& call, std::exception_ptr error, bool output_delivered);
    // The call ended: settle the limiter, complete the record, report it.
    void finish(detail::Call& call, const std::exception_ptr& error);
    // `text` with the API key replaced.
    std::string redact(std::string text) const;
};

// `work` bounded by `deadline`, its expiry thrown as the error `bound` names.
// A TimeoutError from inside `work` (the connect timeout) passes unchanged.
template <class T>
Task<T> bounded(std::optional<TimePoint> deadline, detail::Bound bound, Task<T> work);

namespace detail {
[[noreturn]] void throw_expired(Bound bound);
}

template <class T>
Task<T> bounded(std::optional<TimePoint> deadline, detail::Bound bound, Task<T> work) {
    if (!deadline) co_return co_await std::move(work);
    std::optional<T> value;
    bool expired = false;
    try {
        value.emplace(co_await timeout_at(*deadline, std::move(work)));
    } catch (const TimeoutError&) {
        if (EventLoop::current()->now() < *deadline) throw;
        expired = true;
    }
    if (expired) detail::throw_expired(bound);
    co_return std::move(*value);
}

// A deadline and the limit it stands for.
using Limit = std::pair<std::optional<TimePoint>, detail::Bound>;

// The tighter of a limit and a phase's own deadline.
inline Limit tighter(Limit current, std::optional<TimePoint> phase, detail::Bound phase_bound) {
    if (phase && (!current.first || *phase < *current.first)) return {phase, phase_bound};
    return current;
}

// What bounds the current attempt before its reply (or first token) is in.
inline Limit attempt_limit(const detail::Call& call) {
    return tighter({call.deadline, detail::Bound::Total}, call.attempt_deadline, detail::Bound::Attempt);
}

}  // namespace agentio::llm
