// client.cpp: the client's typed helpers for strings, keys, hashes, lists,
// sets, sorted sets, scripts, transactions and SCAN (streams and pub/sub:
// client_streams.cpp; connecting and sending: client_state.cpp).
#include "agentio/db/redis/client.hpp"

#include <openssl/sha.h>

#include <fmt/format.h>

#include "agentio/db/redis/errors.hpp"
#include "client_state.hpp"

namespace agentio::db::redis {

namespace {

using detail::aggregate;
using detail::integer;
using detail::send_many;
using detail::send_one;
using detail::then;

std::optional<std::string> optional_string(Reply reply) {
    if (reply.is_null()) return std::nullopt;
    (void)reply.as_string();  // checks the kind
    return std::move(reply.text);
}
bool boolean(Reply reply) { return reply.as_bool(); }
bool ok_or_null(Reply reply) {
    if (reply.is_null()) return false;  // NX / XX said no
    (void)reply.as_string();
    return true;
}
void nothing(Reply) {}
double number(Reply reply) { return reply.as_double(); }
std::optional<double> optional_number(Reply reply) {
    if (reply.is_null()) return std::nullopt;
    return reply.as_double();
}

std::vector<std::string> strings(Reply reply) {
    std::vector<std::string> out;
    for (const Reply& element : aggregate(reply)) out.push_back(element.as_string());
    return out;
}
std::vector<std::optional<std::string>> optional_strings(Reply reply) {
    std::vector<std::optional<std::string>> out;
    for (Reply& element : const_cast<std::vector<Reply>&>(aggregate(reply))) out.push_back(optional_string(std::move(element)));
    return out;
}
std::map<std::string, std::string> string_map(Reply reply) {
    // RESP3 sends a map, RESP2 a flat array of pairs: both are flattened pairs here.
    const std::vector<Reply>& pairs = aggregate(reply);
    if (pairs.size() % 2 != 0) throw ReplyTypeError("redis reply: expected field/value pairs, got " + reply.describe());
    std::map<std::string, std::string> out;
    for (std::size_t i = 0; i + 1 < pairs.size(); i += 2) out.emplace(pairs[i].as_string(), pairs[i + 1].as_string());
    return out;
}
std::vector<std::pair<std::string, double>> scored_members(Reply reply) {
    // RESP2: member, score, member, score; RESP3: [member, score] pairs.
    std::vector<std::pair<std::string, double>> out;
    const std::vector<Reply>& items = aggregate(reply);
    if (!items.empty() && items.front().is_aggregate()) {
        for (const Reply& pair : items) {
            if (pair.elements.size() != 2) throw ReplyTypeError("redis reply: expected [member, score], got " + pair.describe());
            out.emplace_back(pair.elements[0].as_string(), pair.elements[1].as_double());
        }
        return out;
    }
    if (items.size() % 2 != 0) throw ReplyTypeError("redis reply: expected member/score pairs, got " + reply.describe());
    for (std::size_t i = 0; i + 1 < items.size(); i += 2) out.emplace_back(items[i].as_string(), items[i + 1].as_double());
    return out;
}
std::optional<Duration> optional_ttl(Reply reply) {
    const std::int64_t millis = reply.as_integer();
    if (millis < 0) return std::nullopt;  // -2: no key; -1: no expiry
    return std::chrono::milliseconds(millis);
}

Command with_keys(std::string_view name, const std::vector<std::string>& keys) {
    Command command(name);
    command.args(keys);
    return command;
}
Command keyed(std::string_view name, std::string_view key, const std::vector<std::string>& values) {
    Command command(name);
    command.arg(key).args(values);
    return command;
}

std::string sha1_hex(std::string_view text) {
    unsigned char digest[SHA_DIGEST_LENGTH];
    ::SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
    std::string out;
    for (unsigned char byte : digest) out += fmt::format("{:02x}", byte);
    return out;
}

Task<std::vector<Reply>> run_transaction(std::shared_ptr<Client::State> self, std::vector<Command> commands) {
    const std::size_t count = commands.size();
    std::vector<Command> wrapped;
    wrapped.reserve(count + 2);
    wrapped.push_back(Command{"MULTI"});
    std::vector<std::string> names;
    for (Command& command : commands) {
        names.push_back(command.name());
        wrapped.push_back(std::move(command));
    }
    wrapped.push_back(Command{"EXEC"});
    Task<std::vector<Reply>> call = send_many(self, std::move(wrapped));
    std::vector<Reply> replies = co_await std::move(call);
    Reply& exec = replies.back();
    if (exec.is_error()) {
        // EXECABORT: say which command the server refused to queue, and why.
        for (std::size_t i = 0; i < count; ++i)
            if (replies[i + 1].is_error()) throw ServerError("EXEC", exec.text + " (" + names[i] + ": " + replies[i + 1].text + ")");
        throw ServerError("EXEC", exec.text);
    }
    if (exec.is_null()) throw ServerError("EXEC", "the transaction was aborted (a WATCHed key changed)");
    co_return std::move(const_cast<std::vector<Reply>&>(aggregate(exec)));
}

Task<Reply> run_script(std::shared_ptr<Client::State> self, std::string script, std::vector<std::string> keys,
                       std::vector<std::string> args) {
    auto known = self->script_shas.find(script);
    if (known == self->script_shas.end()) known = self->script_shas.emplace(script, sha1_hex(script)).first;
    const std::string sha = known->second;
    auto build = [&](std::string_view name, std::string_view body) {
        Command command(name);
        command.arg(body).arg(static_cast<std::int64_t>(keys.size())).args(keys).args(args);
        return command;
    };
    try {
        Task<Reply> by_sha = send_one(self, build("EVALSHA", sha));
        co_return co_await std::move(by_sha);
    } catch (const ServerError& error) {
        if (error.code() != "NOSCRIPT") throw;
    }
    Task<Reply> loading = send_one(self, build("EVAL", script));
    co_return co_await std::move(loading);
}

}  // namespace

Client::Client(Options options) : state_(std::make_shared<State>(std::move(options))) {}

Task<Reply> Client::command(Command command) { return send_one(state_, std::move(command)); }
Task<std::vector<Reply>> Client::pipeline(std::vector<Command> commands) { return send_many(state_, std::move(commands)); }
Task<std::vector<Reply>> Client::transaction(std::vector<Command> commands) {
    return run_transaction(state_, std::move(commands));
}

Task<std::optional<std::string>> Client::get(std::string_view key) { return then(command(Command{"GET", key}), &optional_string); }
Task<bool> Client::set(std::string_view key, std::string_view value, SetOptions options) {
    Command set{"SET", key, value};
    if (options.expire) set.arg("PX").arg(static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(*options.expire).count()));
    if (options.only_if_absent) set.arg("NX");
    if (options.only_if_present) set.arg("XX");
    if (options.keep_ttl) set.arg("KEEPTTL");
    return then(command(std::move(set)), &ok_or_null);
}
Task<std::vector<std::optional<std::string>>> Client::mget(const std::vector<std::string>& keys) {
    return then(command(with_keys("MGET", keys)), &optional_strings);
}
Task<> Client::mset(const std::vector<std::pair<std::string, std::string>>& pairs) {
    Command mset("MSET");
    for (const auto& [key, value] : pairs) mset.arg(key).arg(value);
    return then(command(std::move(mset)), &nothing);
}
Task<std::int64_t> Client::incr(std::string_view key, std::int64_t by) {
    return then(command(by == 1 ? Command{"INCR", key} : Command("INCRBY", key, by)), &integer);
}
Task<std::int64_t> Client::del(const std::vector<std::string>& keys) { return then(command(with_keys("DEL", keys)), &integer); }
Task<std::int64_t> Client::exists(const std::vector<std::string>& keys) { return then(command(with_keys("EXISTS", keys)), &integer); }
Task<bool> Client::expire(std::string_view key, Duration ttl) {
    const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(ttl).count();
    return then(command(Command("PEXPIRE", key, static_cast<std::int64_t>(millis))), &boolean);
}
Task<std::optional<Duration>> Client::ttl(std::string_view key) { return then(command(Command{"PTTL", key}), &optional_ttl); }

Task<std::int64_t> Client::hset(std::string_view key, const std::vector<std::pair<std::string, std::string>>& fields) {
    Command hset{"HSET", key};
    for (const auto& [field, value] : fields) hset.arg(field).arg(value);
    return then(command(std::move(hset)), &integer);
}
Task<std::int64_t> Client::hset(std::string_view key, std::string_view field, std::string_view value) {
    return then(command(Command("HSET", key, field, value)), &integer);
}
Task<std::optional<std::string>> Client::hget(std::string_view key, std::string_view field) {
    return then(command(Command{"HGET", key, field}), &optional_string);
}
Task<std::map<std::string, std::string>> Client::hgetall(std::string_view key) {
    return then(command(Command{"HGETALL", key}), &string_map);
}
Task<std::int64_t> Client::hdel(std::string_view key, const std::vector<std::string>& fields) {
    return then(command(keyed("HDEL", key, fields)), &integer);
}
Task<std::int64_t> Client::hincrby(std::string_view key, std::string_view field, std::int64_t by) {
    return then(command(Command("HINCRBY", key, field, by)), &integer);
}

Task<std::int64_t> Client::lpush(std::string_view key, const std::vector<std::string>& values) {
    return then(command(keyed("LPUSH", key, values)), &integer);
}
Task<std::int64_t> Client::rpush(std::string_view key, const std::vector<std::string>& values) {
    return then(command(keyed("RPUSH", key, values)), &integer);
}
Task<std::optional<std::string>> Client::lpop(std::string_view key) { return then(command(Command{"LPOP", key}), &optional_string); }
Task<std::optional<std::string>> Client::rpop(std::string_view key) { return then(command(Command{"RPOP", key}), &optional_string); }
Task<std::vector<std::string>> Client::lrange(std::string_view key, std::int64_t start, std::int64_t stop) {
    return then(command(Command("LRANGE", key, start, stop)), &strings);
}
Task<std::int64_t> Client::llen(std::string_view key) { return then(command(Command{"LLEN", key}), &integer); }

Task<std::int64_t> Client::sadd(std::string_view key, const std::vector<std::string>& members) {
    return then(command(keyed("SADD", key, members)), &integer);
}
Task<std::int64_t> Client::srem(std::string_view key, const std::vector<std::string>& members) {
    return then(command(keyed("SREM", key, members)), &integer);
}
Task<std::vector<std::string>> Client::smembers(std::string_view key) { return then(command(Command{"SMEMBERS", key}), &strings); }
Task<bool> Client::sismember(std::string_view key, std::string_view member) {
    return then(command(Command{"SISMEMBER", key, member}), &boolean);
}

Task<std::int64_t> Client::zadd(std::string_view key, const std::vector<std::pair<double, std::string>>& scored) {
    Command zadd{"ZADD", key};
    for (const auto& [score, member] : scored) zadd.arg(score).arg(member);
    return then(command(std::move(zadd)), &integer);
}
Task<std::int64_t> Client::zadd(std::string_view key, double score, std::string_view member) {
    return then(command(Command("ZADD", key, score, member)), &integer);
}
Task<std::optional<double>> Client::zscore(std::string_view key, std::string_view member) {
    return then(command(Command{"ZSCORE", key, member}), &optional_number);
}
Task<double> Client::zincrby(std::string_view key, double by, std::string_view member) {
    return then(command(Command("ZINCRBY", key, by, member)), &number);
}
Task<std::vector<std::string>> Client::zrange(std::string_view key, std::int64_t start, std::int64_t stop) {
    return then(command(Command("ZRANGE", key, start, stop)), &strings);
}
Task<std::vector<std::pair<std::string, double>>> Client::zrange_with_scores(std::string_view key, std::int64_t start,
                                                                             std::int64_t stop) {
    return then(command(Command("ZRANGE", key, start, stop, "WITHSCORES")), &scored_members);
}
Task<std::int64_t> Client::zrem(std::string_view key, const std::vector<std::string>& members) {
    return then(command(keyed("ZREM", key, members)), &integer);
}

Task<Reply> Client::eval(std::string_view script, const std::vector<std::string>& keys, const std::vector<std::string>& args) {
    return run_script(state_, std::string(script), keys, args);
}
Task<std::int64_t> Client::publish(std::string_view channel, std::string_view message) {
    return then(command(Command{"PUBLISH", channel, message}), &integer);
}
Scan Client::scan(std::string match, std::int64_t count) {
    return Scan([state = state_](Command command) { return send_one(state, std::move(command)); }, std::move(match), count);
}

void Client::close() noexcept {
    if (state_->connection) state_->connection->close();
}
const Options& Client::options() const noexcept { return state_->options; }
Connection::Stats Client::stats() const noexcept {
    return state_->connection ? state_->connection->stats() : Connection::Stats{};
}

}  // namespace agentio::db::redis
