// call.hpp (internal): one call of the LLM client, across its attempts.
//
// A Call owns what every attempt of one chat/embeddings/models call shares:
// the request bytes, the deadlines, the concurrency slot, the limiter's
// admission of the current attempt, the record. Client::State::attempt()
// makes one HTTP exchange; retrying() is the one retry loop, for plain calls
// and streams alike, and retry_or_rethrow() the single place that decides
// whether a failure is retried.
//
// Deadlines are Timeouts, so the one that fired is known, never guessed from
// the clock:
// - The call's total timeout is the outermost scope of everything the caller
//   awaits (a plain call; the opening of a stream; each next()). Inside it,
//   its expiry is a cancellation, which nothing retries; call_error() names
//   it once the scope has ended.
// - Each wait for the server inside an attempt runs within the attempt's own
//   deadlines (AttemptTimeouts): per-attempt and first-token until content has
//   come, idle between pieces after. The one that fired becomes the error that
//   names it, which the retry policy may retry.
#pragma once

#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "agentio/core/capture.hpp"
#include "agentio/core/semaphore.hpp"
#include "agentio/core/timeout.hpp"
#include "agentio/http/client.hpp"
#include "agentio/llm/client.hpp"

namespace agentio::llm::detail {

struct Call {
    std::string url;
    std::string body;
    bool stream = false;
    std::int64_t estimated_tokens = 0;
    std::optional<TimePoint> deadline;  // the total timeout
    // Of the current attempt, set once the limiter has admitted it.
    std::optional<TimePoint> attempt_deadline;
    std::optional<TimePoint> first_token_deadline;  // streams only
    std::optional<Duration> idle_timeout;           // streams: between pieces, once content flows
    Semaphore::Permit slot;
    RateLimiter::Admission admission;  // the current attempt's
    RequestRecord record;
    int attempt = 0;  // attempts started so far
    // The headers of the error status just thrown: retry-after and
    // x-should-retry decide the retry, whatever the status.
    http::Headers error_headers;
    // Where the caller asked for a copy of the record, if it did.
    RequestRecord* record_out = nullptr;
};

// What an attempt is waiting for, which decides the deadlines that bound it.
enum class Wait {
    Reply,         // a plain call's reply, or an error status's body: per-attempt
    FirstContent,  // a stream's head and pieces until content: per-attempt and first-token
    NextPiece,     // a stream's pieces once content flows: idle
};

// The deadlines of one wait inside an attempt, one Timeout per limit.
class AttemptTimeouts {
public:
    AttemptTimeouts(const Call& call, Wait wait);

    template <class Work>
    auto run(Work work) {
        return attempt_.run(first_token_.run(idle_.run(std::move(work))));
    }
    // After a TimeoutError: throws the error naming the limit that fired;
    // returns if none did (the TimeoutError came from inside: the connect timeout).
    void throw_if_expired() const;

private:
    Timeout attempt_;
    Timeout first_token_;
    Timeout idle_;
};

// `work` (a wait for the server) within the attempt's deadlines for `wait`.
template <class T>
Task<T> awaiting_server(const Call& call, Wait wait, Task<T> work) {
    AttemptTimeouts timeouts(call, wait);
    try {
        co_return co_await timeouts.run(std::move(work));
    } catch (const TimeoutError&) {
        timeouts.throw_if_expired();
        throw;
    }
}

// What a call ended with: `error`, or, if the call's total timeout is what
// ended it, the TimeoutError that says so.
std::exception_ptr call_error(const Timeout& total, std::exception_ptr error);

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
    // Starts the call's clock: the record's start, the total deadline.
    void start(detail::Call& call) const;
    // Takes a concurrency slot (FIFO, if there is a limit), then runs `work`.
    template <class T>
    Task<T> with_slot(detail::Call& call, Task<T> work);
    // A call whose reply is one JSON body, handed whole to `parse`.
    template <class Reply>
    Task<Reply> plain_call(detail::Call call, Reply (*parse)(std::string body));
    template <class Reply>
    Task<Reply> plain_attempt(detail::Call& call, Reply (*parse)(std::string body));
    // One HTTP exchange up to a 2xx head; a non-2xx status is thrown as ApiError.
    Task<http::ClientResponse> attempt(detail::Call& call);
    // The retry loop: `attempt(retry)` (retry: an earlier one failed) until
    // one succeeds, or retry_or_rethrow() gives up; `delivered()` tells whether
    // output has already reached the caller.
    template <class Attempt, class Delivered>
    auto retrying(detail::Call& call, Attempt attempt, Delivered delivered) -> decltype(attempt(false));
    // After a failed attempt: returns once the next attempt may start, or
    // rethrows `error` (never retried: cancellation, the total timeout, retries
    // spent, a status the policy does not retry, output already delivered).
    Task<> retry_or_rethrow(detail::Call& call, std::exception_ptr error, bool output_delivered);
    // The call ended: settle the limiter, complete the record, report it.
    void finish(detail::Call& call, const std::exception_ptr& error);
    // `text` with the API key replaced.
    std::string redact(std::string text) const;
};

template <class T>
Task<T> Client::State::with_slot(detail::Call& call, Task<T> work) {
    if (slots) {
        const TimePoint asked = EventLoop::current()->now();
        call.slot = co_await slots->acquire();
        call.record.queued = EventLoop::current()->now() - asked;
    }
    co_return co_await std::move(work);
}

template <class Attempt, class Delivered>
auto Client::State::retrying(detail::Call& call, Attempt attempt, Delivered delivered) -> decltype(attempt(false)) {
    for (bool retry = false;; retry = true) {
        auto outcome = co_await capture(attempt(retry));
        if (outcome) co_return std::move(outcome).value();
        co_await retry_or_rethrow(call, outcome.error(), delivered());
    }
}

}  // namespace agentio::llm
