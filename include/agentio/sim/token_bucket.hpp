// token_bucket.hpp: TokenBucket, a limit per period refilled continuously.
//
// It holds up to `capacity` tokens and gains capacity / period of them per
// unit of time, so a limit of 600 per minute lets 600 through at once and
// then one every 100 ms: the way the API applies RPM and TPM. Time is
// whatever the caller passes (the loop's clock), so a test on the virtual
// clock sees exact refills. Times must not go backwards; an earlier time is
// treated as no time passing.
//
// The level is kept as a fraction: a request that waits exactly
// time_until(n) always finds its n tokens (no rounding can make it come
// back a hair too early).
#pragma once

#include <cstdint>
#include <optional>

#include "agentio/core/clock.hpp"

namespace agentio::sim {

class TokenBucket {
public:
    // Starts full. `capacity` > 0 and `period` > 0.
    TokenBucket(std::int64_t capacity, Duration period, TimePoint now) noexcept;

    std::int64_t capacity() const noexcept { return capacity_; }
    // Whole tokens available at `now`.
    std::int64_t available(TimePoint now) noexcept;
    // Takes `n` tokens if all of them are there; otherwise takes none.
    bool try_take(std::int64_t n, TimePoint now) noexcept;
    // How long until `n` tokens are there: zero if they are now, nullopt if
    // never (n is more than the capacity).
    std::optional<Duration> time_until(std::int64_t n, TimePoint now) noexcept;
    // How long until the bucket is full again (the x-ratelimit-reset-* value).
    Duration time_until_full(TimePoint now) noexcept;

private:
    void refill(TimePoint now) noexcept;

    std::int64_t capacity_;
    Duration period_;
    double level_;
    TimePoint updated_;
};

}  // namespace agentio::sim
