// rate_budget.cpp: the shared token buckets, one Lua script per take.
#include "agentio/db/redis/rate_budget.hpp"

#include <chrono>
#include <cmath>
#include <fmt/format.h>

namespace agentio::db::redis {

namespace {

// KEYS[1]: the hash {r: requests left, t: tokens left, at: microseconds of
// the last take}. ARGV: requests per minute, tokens per minute (0: no
// limit), this request's tokens, the headroom. Each bucket refills at its
// limit per minute up to the limit less the headroom. Returns 0 when taken,
// else the milliseconds to wait. A request larger than the token bucket
// goes when it is full and leaves it in debt (as llm::RateLimiter does).
constexpr std::string_view kTake = R"lua(
local now = redis.call('TIME')
local us = tonumber(now[1]) * 1000000 + tonumber(now[2])
local rpm, tpm, cost, headroom = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local function capacity(limit) return math.max(1, limit - math.max(1, math.floor(limit * headroom))) end
local rcap, tcap = capacity(rpm), capacity(tpm)
local state = redis.call('HMGET', KEYS[1], 'r', 't', 'at')
local r, t, at = tonumber(state[1]), tonumber(state[2]), tonumber(state[3])
if at == nil then r, t, at = rcap, tcap, us end
local minutes = math.max(0, us - at) / 60000000
if rpm > 0 then r = math.min(rcap, r + minutes * rpm) end
if tpm > 0 then t = math.min(tcap, t + minutes * tpm) end
local wait = 0
if rpm > 0 and r < 1 then wait = math.max(wait, (1 - r) / rpm * 60000) end
if tpm > 0 and t < math.min(cost, tcap) then wait = math.max(wait, (math.min(cost, tcap) - t) / tpm * 60000) end
if wait == 0 then
  if rpm > 0 then r = r - 1 end
  if tpm > 0 then t = t - cost end
end
redis.call('HSET', KEYS[1], 'r', tostring(r), 't', tostring(t), 'at', tostring(us))
redis.call('PEXPIRE', KEYS[1], 120000)
return math.ceil(wait)
)lua";

double checked(const std::optional<double>& limit, const char* name) {
    if (!limit) return 0;
    if (!(*limit > 0) || !std::isfinite(*limit))
        throw Error(fmt::format("RedisRateBudget: {} must be a positive number, not {}", name, *limit));
    return *limit;
}

}  // namespace

RedisRateBudget::RedisRateBudget(Client redis, RateBudgetOptions options)
    : redis_(std::move(redis)), options_(std::move(options)) {
    checked(options_.requests_per_minute, "requests_per_minute");
    checked(options_.tokens_per_minute, "tokens_per_minute");
    if (!(options_.headroom >= 0 && options_.headroom < 1))
        throw Error(fmt::format("RedisRateBudget: headroom must be at least 0 and below 1, not {}", options_.headroom));
}

Task<std::optional<Duration>> RedisRateBudget::try_take(double tokens) {
    std::vector<std::string> keys(1, options_.key);
    std::vector<std::string> args;
    args.push_back(fmt::format("{}", checked(options_.requests_per_minute, "requests_per_minute")));
    args.push_back(fmt::format("{}", checked(options_.tokens_per_minute, "tokens_per_minute")));
    args.push_back(fmt::format("{}", std::max(0.0, tokens)));
    args.push_back(fmt::format("{}", options_.headroom));
    const Reply reply = co_await redis_.eval(kTake, keys, args);
    const std::int64_t wait_ms = reply.as_integer();
    if (wait_ms <= 0) co_return std::nullopt;
    co_return std::chrono::milliseconds(wait_ms);
}

}  // namespace agentio::db::redis
