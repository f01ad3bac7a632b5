// rate_limits.hpp: RateLimitGate, the simulator's RPM and TPM limits, and the
// headers that report them.
//
// A request costs one request and its token estimate (prompt plus the most
// output it may ask for). It passes only if both buckets hold enough; then
// both are charged, otherwise neither (a refused request costs nothing, as
// with the API). The verdict says which limit refused it and how long until
// it would pass, for the 429's message and its retry-after headers.
//
// Headers, written for each configured limit only, as the API writes them:
//   x-ratelimit-limit-requests: 600           the limit per minute
//   x-ratelimit-remaining-requests: 599       whole units left now
//   x-ratelimit-reset-requests: 100ms         until the bucket is full again
// and the same with -tokens. Durations are Go's time.Duration text, rounded
// up to whole milliseconds: "0s", "17ms", "1s", "1.5s", "6m0s", "1h0m0s".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "agentio/core/clock.hpp"
#include "agentio/http/headers.hpp"
#include "agentio/sim/config.hpp"
#include "agentio/sim/token_bucket.hpp"

namespace agentio::sim {

struct RateLimitVerdict {
    bool allowed = true;
    // When refused: "requests" or "tokens" (the error body's type), the
    // limit, what it has used (limit - remaining), what the request asked for.
    std::string_view limit_type;
    std::int64_t limit = 0;
    std::int64_t used = 0;
    std::int64_t requested = 0;
    // When it would pass if nothing else came; nullopt if never (the request
    // alone is over the limit).
    std::optional<Duration> retry_after;
};

class RateLimitGate {
public:
    RateLimitGate(const RateLimits& limits, TimePoint now);

    bool enabled() const noexcept { return requests_.has_value() || tokens_.has_value(); }
    // Admits the request (charging both buckets) or says why not.
    RateLimitVerdict admit(std::int64_t tokens, TimePoint now);
    // Sets the x-ratelimit-* headers of the configured limits, as of `now`.
    void write_headers(http::Headers& headers, TimePoint now);

private:
    std::optional<TokenBucket> requests_;
    std::optional<TokenBucket> tokens_;
};

// Go's time.Duration text of `d`, rounded up to whole milliseconds.
std::string format_go_duration(Duration d);

}  // namespace agentio::sim
