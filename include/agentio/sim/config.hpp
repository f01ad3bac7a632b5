// config.hpp: what the simulator serves and how: latency, limits, faults, script.
//
// Every random choice (output text, output length, latency spread, which
// request gets a fault) comes from `seed` and the request itself, so the same
// requests give the same replies in every run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agentio/core/clock.hpp"

namespace agentio::sim {

struct LatencyModel {
    Duration time_to_first_token = std::chrono::milliseconds(300);
    Duration inter_token = std::chrono::milliseconds(20);
    // Each delay is drawn uniformly from [d * (1 - spread), d * (1 + spread)].
    double spread = 0.2;
};

// Output length when the request sets neither max_completion_tokens nor
// max_tokens: drawn uniformly from [min, max]. A limit in the request caps it.
struct OutputLength {
    int min_tokens = 30;
    int max_tokens = 200;
};

// Limits the server enforces like the API does: a token bucket per minute
// (capacity = the limit, refilled continuously), answered with 429, a
// `retry-after` and the x-ratelimit-* headers. Unset: unlimited.
struct RateLimits {
    std::optional<std::int64_t> requests_per_minute;
    std::optional<std::int64_t> tokens_per_minute;
};

// The fraction of requests (0..1) that get each fault.
struct Faults {
    double status_429 = 0;
    double status_500 = 0;
    double status_503 = 0;
    double reset_mid_stream = 0;  // the connection is reset after some chunks
    double stall = 0;             // the response stops sending, without closing
    double malformed_chunk = 0;   // a chunk that is not valid JSON
    Duration stall_for = std::chrono::seconds(3600);

    // Spreads `rate` evenly over every kind (agentio sim --fault-rate).
    static Faults spread(double rate);
};

struct Config {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;  // 0: an ephemeral port
    std::uint64_t seed = 42;
    LatencyModel latency;
    OutputLength output;
    RateLimits limits;
    Faults faults;
    // JSONL replies matched by request (see script.hpp); empty: generated text.
    std::string script_path;
    std::vector<std::string> models{"sim-small", "sim-large", "sim-embed"};
    int embedding_dimensions = 256;
    // When set, requests must send `Authorization: Bearer <key>` (else 401).
    std::optional<std::string> api_key;
};

}  // namespace agentio::sim
