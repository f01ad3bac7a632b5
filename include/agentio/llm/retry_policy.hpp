// retry_policy.hpp: when to retry a failed request, and how long to wait first.
//
// The rules of the openai-python SDK, so a C++ client behaves like the one
// the API's documentation assumes:
// - retried: connection errors and timeouts, and statuses 408, 409, 429 and
//   >= 500; a server's `x-should-retry: true|false` overrides the status rule;
// - the wait is the server's `retry-after-ms`, else `retry-after` (seconds, or
//   an HTTP date), when 0 < it <= 60 s; else min(initial * 2^n, max) times a
//   jitter factor in (1 - jitter, 1];
// - at most max_retries retries (2 by default).
// A stream that already delivered content is never retried (the client
// enforces that: the caller has seen the content).
#pragma once

#include <chrono>
#include <optional>

#include "agentio/core/clock.hpp"
#include "agentio/http/headers.hpp"

namespace agentio::llm {

struct RetryPolicy {
    int max_retries = 2;
    Duration initial_delay = std::chrono::milliseconds(500);
    Duration max_delay = std::chrono::seconds(8);
    double jitter = 0.25;

    // Whether a response with this status and these headers should be retried.
    bool should_retry(int status, const http::Headers& headers) const;
    // The wait before retry number `retry` (0 for the first), given the
    // response's headers (nullptr after a connection error) and a random
    // number in [0, 1).
    Duration delay(int retry, const http::Headers* headers, double random01) const;
};

// The server's requested wait: `retry-after-ms`, else `retry-after` as seconds
// or an HTTP date (relative to `now`). nullopt when absent or unreadable.
std::optional<Duration> parse_retry_after(const http::Headers& headers,
                                          std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace agentio::llm
