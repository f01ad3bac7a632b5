// client.hpp: redis::Client, the Redis client most code wants (redis-py's
// redis.asyncio.Redis).
//
//     db::redis::Client redis("redis://127.0.0.1:6379/0");
//     co_await redis.set("greeting", "hello", {.expire = 60s});
//     std::optional<std::string> value = co_await redis.get("greeting");
//     Reply any = co_await redis.command("OBJECT", "ENCODING", "greeting");
//
// One auto-pipelined connection (connection.hpp) carries every task's
// commands: concurrent GETs from a thousand tasks go out in a few writes.
// Copies of a Client share that connection; use it from its loop's thread.
//
// Promises:
// - Blocking commands (BLPOP, XREADGROUP ... BLOCK, WAIT) would hold up every
//   command behind them on the shared connection; each runs on a connection
//   of its own from a small pool instead (Options::max_blocking_connections).
// - Lazy connect: the first command connects (concurrent first commands
//   share one attempt). A command whose connection breaks fails with the
//   connection's error and is not retried (it may not be idempotent); the
//   next command connects again. After a failed connect the next attempt
//   waits `reconnect_backoff`, doubling to `reconnect_backoff_max`, so a
//   server that is down is not hammered.
// - `command_timeout` bounds each command's wait (TimeoutError naming the
//   command); a timed-out command's reply is dropped when it arrives.
// - Helpers convert replies the way redis-py does: a missing key is
//   std::nullopt, counts are integers, scores are doubles; a reply of another
//   shape is ReplyTypeError, an error reply ServerError.
// - Strings are binary-safe; every argument is taken by value or copied
//   before the helper returns, so temporaries are fine.
// - Helpers that take several keys or values take them as arguments, as
//   redis-py does (`co_await redis.del("a", "b")`), or as a vector. (g++ 12
//   cannot compile a braced list of string literals inside a coroutine, so
//   `del({"a", "b"})` works in plain functions only.)
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agentio/core/task.hpp"
#include "agentio/db/redis/command.hpp"
#include "agentio/db/redis/connection.hpp"
#include "agentio/db/redis/options.hpp"
#include "agentio/db/redis/reply.hpp"
#include "agentio/db/redis/scan.hpp"
#include "agentio/db/redis/stream.hpp"
#include "agentio/db/redis/subscriber.hpp"

namespace agentio::db::redis {

struct SetOptions {
    std::optional<Duration> expire = {};  // PX, in milliseconds
    bool only_if_absent = false;          // NX
    bool only_if_present = false;         // XX
    bool keep_ttl = false;                // KEEPTTL
};

class Client {
    template <class... More>
    static std::vector<Command> commands_of(Command first, More... more) {
        std::vector<Command> commands;
        commands.reserve(1 + sizeof...(more));
        commands.push_back(std::move(first));
        (commands.push_back(std::move(more)), ...);
        return commands;
    }

public:
    explicit Client(Options options = {});
    explicit Client(std::string_view url) : Client(Options::from_url(url)) {}

    // Any command; ServerError if the reply is an error.
    Task<Reply> command(Command command);
    // The same, from its name and arguments: command("HINCRBY", key, field, 2).
    template <class... Args>
    Task<Reply> command(std::string_view name, const Args&... args) {
        return command(Command(name, args...));
    }
    // Several commands in one go, replies in order; an error reply stays a
    // Reply of kind Error and the other commands still run.
    Task<std::vector<Reply>> pipeline(std::vector<Command> commands);
    template <class... More>
        requires(std::same_as<More, Command> && ...)
    Task<std::vector<Reply>> pipeline(Command first, More... more) {
        return pipeline(commands_of(std::move(first), std::move(more)...));
    }
    // MULTI, the commands, EXEC, sent contiguously: they run atomically.
    // EXEC's replies in order (a command that failed at run time is a Reply
    // of kind Error); ServerError if the server refused to queue one
    // (EXECABORT, with the refused command's error).
    Task<std::vector<Reply>> transaction(std::vector<Command> commands);
    template <class... More>
        requires(std::same_as<More, Command> && ...)
    Task<std::vector<Reply>> transaction(Command first, More... more) {
        return transaction(commands_of(std::move(first), std::move(more)...));
    }

    // Strings.
    Task<std::optional<std::string>> get(std::string_view key);
    // False when NX/XX stopped it.
    Task<bool> set(std::string_view key, std::string_view value, SetOptions options = {});
    Task<std::vector<std::optional<std::string>>> mget(const std::vector<std::string>& keys);
    template <class... Rest>
    Task<std::vector<std::optional<std::string>>> mget(std::string_view key, const Rest&... rest) {
        return mget(detail::string_list(key, rest...));
    }
    Task<> mset(const std::vector<std::pair<std::string, std::string>>& pairs);
    Task<std::int64_t> incr(std::string_view key, std::int64_t by = 1);
    // Keys.
    Task<std::int64_t> del(const std::vector<std::string>& keys);
    template <class... Rest>
    Task<std::int64_t> del(std::string_view key, const Rest&... rest) {
        return del(detail::string_list(key, rest...));
    }
    Task<std::int64_t> exists(const std::vector<std::string>& keys);
    template <class... Rest>
    Task<std::int64_t> exists(std::string_view key, const Rest&... rest) {
        return exists(detail::string_list(key, rest...));
    }
    Task<bool> expire(std::string_view key, Duration ttl);
    // nullopt when the key does not exist or has no expiry.
    Task<std::optional<Duration>> ttl(std::string_view key);
    // Hashes.
    Task<std::int64_t> hset(std::string_view key, const std::vector<std::pair<std::string, std::string>>& fields);
    Task<std::int64_t> hset(std::string_view key, std::string_view field, std::string_view value);
    Task<std::optional<std::string>> hget(std::string_view key, std::string_view field);
    Task<std::map<std::string, std::string>> hgetall(std::string_view key);
    Task<std::int64_t> hdel(std::string_view key, const std::vector<std::string>& fields);
    template <class... Rest>
    Task<std::int64_t> hdel(std::string_view key, std::string_view field, const Rest&... rest) {
        return hdel(key, detail::string_list(field, rest...));
    }
    Task<std::int64_t> hincrby(std::string_view key, std::string_view field, std::int64_t by);
    // Lists.
    Task<std::int64_t> lpush(std::string_view key, const std::vector<std::string>& values);
    template <class... Rest>
    Task<std::int64_t> lpush(std::string_view key, std::string_view value, const Rest&... rest) {
        return lpush(key, detail::string_list(value, rest...));
    }
    Task<std::int64_t> rpush(std::string_view key, const std::vector<std::string>& values);
    template <class... Rest>
    Task<std::int64_t> rpush(std::string_view key, std::string_view value, const Rest&... rest) {
        return rpush(key, detail::string_list(value, rest...));
    }
    Task<std::optional<std::string>> lpop(std::string_view key);
    Task<std::optional<std::string>> rpop(std::string_view key);
    Task<std::vector<std::string>> lrange(std::string_view key, std::int64_t start, std::int64_t stop);
    Task<std::int64_t> llen(std::string_view key);
    // Sets.
    Task<std::int64_t> sadd(std::string_view key, const std::vector<std::string>& members);
    template <class... Rest>
    Task<std::int64_t> sadd(std::string_view key, std::string_view member, const Rest&... rest) {
        return sadd(key, detail::string_list(member, rest...));
    }
    Task<std::int64_t> srem(std::string_view key, const std::vector<std::string>& members);
    template <class... Rest>
    Task<std::int64_t> srem(std::string_view key, std::string_view member, const Rest&... rest) {
        return srem(key, detail::string_list(member, rest...));
    }
    Task<std::vector<std::string>> smembers(std::string_view key);
    Task<bool> sismember(std::string_view key, std::string_view member);
    // Sorted sets.
    Task<std::int64_t> zadd(std::string_view key, const std::vector<std::pair<double, std::string>>& scored);
    Task<std::int64_t> zadd(std::string_view key, double score, std::string_view member);
    Task<std::optional<double>> zscore(std::string_view key, std::string_view member);
    Task<double> zincrby(std::string_view key, double by, std::string_view member);
    Task<std::vector<std::string>> zrange(std::string_view key, std::int64_t start, std::int64_t stop);
    Task<std::vector<std::pair<std::string, double>>> zrange_with_scores(std::string_view key, std::int64_t start,
                                                                         std::int64_t stop);
    Task<std::int64_t> zrem(std::string_view key, const std::vector<std::string>& members);
    template <class... Rest>
    Task<std::int64_t> zrem(std::string_view key, std::string_view member, const Rest&... rest) {
        return zrem(key, detail::string_list(member, rest...));
    }
    // Scripts, as redis-py's register_script: EVALSHA by the script's SHA-1,
    // and EVAL (which loads it) when the server answers NOSCRIPT.
    Task<Reply> eval(std::string_view script, const std::vector<std::string>& keys = {},
                     const std::vector<std::string>& args = {});
    // Pub/sub: how many subscribers received it.
    Task<std::int64_t> publish(std::string_view channel, std::string_view message);
    // A Subscriber on a connection of its own, with this client's options.
    Task<Subscriber> subscriber();
    // Streams (stream.hpp).
    Task<std::string> xadd(std::string_view key, const std::vector<std::pair<std::string, std::string>>& fields,
                           XAddOptions options = {});
    Task<std::int64_t> xlen(std::string_view key);
    // XGROUP CREATE key group start MKSTREAM; false if the group exists.
    Task<bool> xgroup_create(std::string_view key, std::string_view group, std::string_view start_id = "$");
    // New entries (">") of one stream for `consumer`; empty when BLOCK timed out.
    Task<std::vector<StreamBatch>> xreadgroup(std::string_view group, std::string_view consumer, std::string_view key,
                                              XReadGroupOptions options = {});
    // From several streams, each from its own id (">" for new entries).
    Task<std::vector<StreamBatch>> xreadgroup(std::string_view group, std::string_view consumer,
                                              const std::vector<std::pair<std::string, std::string>>& streams,
                                              XReadGroupOptions options = {});
    Task<std::int64_t> xack(std::string_view key, std::string_view group, const std::vector<std::string>& ids);
    Task<AutoClaimed> xautoclaim(std::string_view key, std::string_view group, std::string_view consumer,
                                 Duration min_idle, std::string_view start_id = "0-0", std::int64_t count = 100);
    Task<PendingSummary> xpending(std::string_view key, std::string_view group);
    // SCAN as an async iterator over the matching keys (scan.hpp).
    Scan scan(std::string match = "*", std::int64_t count = 0);

    // Closes the connection; the next command connects again.
    void close() noexcept;
    const Options& options() const noexcept;
    // The current connection's counters (zeros before the first command).
    Connection::Stats stats() const noexcept;

    struct State;  // shared by copies; defined in client.cpp

private:
    std::shared_ptr<State> state_;
};

}  // namespace agentio::db::redis
