// rate_budget.hpp: RedisRateBudget, an account's RPM/TPM shared by every
// process that points at the same Redis key (llm::SharedRateBudget).
//
//     db::redis::Client redis("redis://127.0.0.1:6379");
//     llm::ClientOptions options;
//     options.rate_limits.shared = std::make_shared<db::redis::RedisRateBudget>(
//         redis, db::redis::RateBudgetOptions{.key = "openai:org-1", .requests_per_minute = 500});
//
// Two token buckets (requests, tokens) in one Redis hash, kept by a Lua
// script that runs atomically on the server: each take refills them from
// the server's clock (TIME, so the processes' clocks do not matter), then
// takes one request and the tokens if both are there, or answers how long
// until they will be. A bucket refills at the limit's rate and starts full,
// as the API's do, but holds a little less than a minute's worth (the
// headroom: 1% of the limit, at least one): the server's bucket starts
// counting when the first request reaches it, a moment after the fleet's
// did, and the headroom covers that lead (0.6 s of it at 1% of any rate), so
// the fleet never gets ahead of the server. The hash expires two minutes after the
// last take (a full refill's time): an idle account leaves nothing behind.
#pragma once

#include <optional>
#include <string>

#include "agentio/db/redis/client.hpp"
#include "agentio/llm/shared_rate_budget.hpp"

namespace agentio::db::redis {

struct RateBudgetOptions {
    std::string key = "agentio:rate-budget";
    std::optional<double> requests_per_minute = {};  // unset: requests are not limited
    std::optional<double> tokens_per_minute = {};    // unset: tokens are not limited
    // The share of each limit never used, at least one request or token.
    double headroom = 0.01;
};

class RedisRateBudget final : public llm::SharedRateBudget {
public:
    // Error (naming the value) for a limit that is not positive.
    RedisRateBudget(Client redis, RateBudgetOptions options);
    Task<std::optional<Duration>> try_take(double tokens) override;

private:
    Client redis_;
    RateBudgetOptions options_;
};

}  // namespace agentio::db::redis
