// config.hpp: what the simulator serves and how: latency, limits, faults, script.
//
// Every random choice (output text, output length, latency spread, which
// request gets a fault) comes from `seed` and the request itself, so the same
// requests give the same replies in every run.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
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

// What differs for one model name. Only the latency today: the simulator
// reports no cost (llm::Client prices usage from its own table, by the model
// name the reply echoes), so a per-model price would be added here if it ever
// does.
struct ModelProfile {
    LatencyModel latency;
};

// The names GET /v1/models lists when Config::models is empty (every name is
// served then; these are the ones a client that lists models first finds):
// the simulator's own and the common OpenAI chat and embedding models.
inline constexpr std::string_view kListedModels[] = {
    "sim-small",   "sim-large",    "sim-embed",    "gpt-4o",  "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini",
    "gpt-4.1-nano", "o4-mini", "text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002",
};

// The largest `dimensions` an embedding request may ask for (what
// text-embedding-3-large returns); Config::embedding_dimensions above it
// raises the bound to itself.
inline constexpr int kMaxEmbeddingDimensions = 3072;

// Whether the simulator calls the tools a request offers (tool_policy.hpp):
// `automatic` ("auto") the tools the last user message names, `none` never
// (text, as without tools), `all` every tool offered.
enum class ToolPolicy { automatic, none, all };

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
    // How requests that offer tools are answered when no script rule matches.
    ToolPolicy tool_policy = ToolPolicy::automatic;
    // The model names served, chat and embeddings alike. Empty (the default):
    // any name, echoed back in the reply's `model`, so an app written for the
    // real API works unchanged. Otherwise only these: another name gets 404
    // model_not_found, as the API answers it.
    std::vector<std::string> models;
    // Per model name: overrides `latency` for requests naming it.
    std::map<std::string, ModelProfile, std::less<>> model_profiles;
    // An embedding's length when the request sets no `dimensions`.
    int embedding_dimensions = 384;
    // A model's context window (gpt-4o's): a chat request whose prompt tokens
    // plus max_tokens exceed it gets 400 context_length_exceeded, as the API
    // answers it, before anything counts against the rate limits.
    std::int64_t context_length = 128'000;
    // When set, requests must send `Authorization: Bearer <key>` (else 401).
    std::optional<std::string> api_key;

    // What GET /v1/models lists: `models` when set; else kListedModels and
    // then the names of `model_profiles` not among them. Every name listed
    // is served.
    std::vector<std::string> listed_models() const;
    // The latency model of requests naming `model`.
    const LatencyModel& latency_for(std::string_view model) const;
};

}  // namespace agentio::sim
