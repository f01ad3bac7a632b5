// shared_rate_budget.hpp: SharedRateBudget, the part of a rate limit that
// several processes share: one account's RPM and TPM across a fleet.
//
// compile-context: extern db::redis::Client redis;
//     auto budget = std::make_shared<db::redis::RedisRateBudget>(redis, db::redis::RateBudgetOptions{});
//     llm::ClientOptions options;
//     options.rate_limits.shared = budget;
//
// A RateLimiter with RateLimits::shared set admits a request locally first
// (fair order among this process's tasks), then takes the request and its
// estimated tokens from the shared budget before letting it go; one request
// of the process at a time asks, the others queue behind it in order. The
// budget answers at once: granted, or how long until it could be, and the
// limiter sleeps that long and asks again. A budget that fails (its store is
// down) fails the call with that error rather than letting it through
// unmetered.
#pragma once

#include <optional>

#include "agentio/core/clock.hpp"
#include "agentio/core/task.hpp"

namespace agentio::llm {

class SharedRateBudget {
public:
    virtual ~SharedRateBudget() = default;
    // Takes one request and `tokens` tokens if the shared buckets hold them
    // (nullopt); otherwise takes nothing and says how long to wait.
    virtual Task<std::optional<Duration>> try_take(double tokens) = 0;
};

}  // namespace agentio::llm
