// client_options.hpp: how an llm::Client reaches its endpoint and behaves.
//
// ClientOptions::from_env() reads OPENAI_API_KEY and OPENAI_BASE_URL (default
// https://api.openai.com/v1), plus OPENAI_ORG_ID and OPENAI_PROJECT_ID when
// set. The key is only ever sent in the Authorization header: no message,
// log line or record of this library contains it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "agentio/core/clock.hpp"
#include "agentio/http/client.hpp"
#include "agentio/llm/pricing.hpp"
#include "agentio/llm/token_count.hpp"
#include "agentio/llm/rate_limiter.hpp"
#include "agentio/llm/request_record.hpp"
#include "agentio/llm/retry_policy.hpp"

namespace agentio::llm {

// Each unset timeout is off.
struct Timeouts {
    // DNS, TCP and TLS, per attempt.
    std::optional<Duration> connect = std::chrono::seconds(10);
    // Streams: from sending the request to the first content fragment, per
    // attempt. FirstTokenTimeout; retried (nothing was delivered yet).
    std::optional<Duration> first_token;
    // Streams: longest gap between chunks once content flows. StreamIdleTimeout.
    std::optional<Duration> idle = std::chrono::seconds(60);
    // The whole call, retries and waits included. TimeoutError.
    std::optional<Duration> total = std::chrono::minutes(10);
    // One attempt, from sending the request to the whole reply of a plain
    // call, or to the first content of a stream (with `first_token`, the
    // tighter one applies). The client's own waits (concurrency slot, rate
    // limiter, retry backoff) do not count, so it bounds a server that never
    // answers even when `total` is off. TimeoutError; retried.
    std::optional<Duration> attempt = std::chrono::minutes(10);
};

struct ClientOptions {
    std::string api_key;
    std::string base_url = "https://api.openai.com/v1";
    std::string organization;  // OpenAI-Organization header, when set
    std::string project;       // OpenAI-Project header, when set
    Timeouts timeouts;
    RetryPolicy retry;
    RateLimits rate_limits;
    // Calls in flight at once (0: no limit); more wait in FIFO order.
    std::size_t max_concurrency = 0;
    PriceTable prices = PriceTable::defaults();
    // How a request's tokens are counted before it is sent (for the TPM
    // limit, and for a stream's usage when the server reports none): exact,
    // with the model's encoding, or TokenCounting::estimate (no tokenizer).
    TokenCounting token_counting = TokenCounting::exact;
    // Transport: pool size per origin, TLS, proxy. Its timeouts are set from
    // `timeouts`; the read and total timeouts here are ignored.
    http::ClientOptions http;
    // Called with the record of every call when it ends.
    std::function<void(const RequestRecord&)> on_record;
    // Seed of the retry jitter; unset: random.
    std::optional<std::uint64_t> jitter_seed;

    // Defaults, with the key, base URL, organization and project from the environment.
    static ClientOptions from_env();
};

}  // namespace agentio::llm
