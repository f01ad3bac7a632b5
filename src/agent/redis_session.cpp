// redis_session.cpp: a session as a Redis list of JSON messages.
#include "agentio/agent/redis_session.hpp"

#include <chrono>

#include "agentio/llm/json.hpp"
#include "agentio/llm/wire.hpp"

namespace agentio::agent {

namespace {

llm::Message message_of(const std::string& key, std::size_t index, const std::string& text) {
    try {
        return llm::message_from_json(llm::parse_json(text));
    } catch (const std::exception& e) {
        throw Error("session " + key + ", element " + std::to_string(index) + ": not a message: " + e.what());
    }
}

}  // namespace

RedisSession::RedisSession(db::redis::Client redis, std::string session_id, RedisSessionOptions options)
    : redis_(std::move(redis)), key_(options.key_prefix + session_id), ttl_(options.ttl) {}

Task<std::vector<llm::Message>> RedisSession::messages(std::optional<std::size_t> limit) {
    std::vector<llm::Message> out;
    if (limit && *limit == 0) co_return out;
    const std::int64_t start = limit ? -static_cast<std::int64_t>(*limit) : 0;
    const std::vector<std::string> items = co_await redis_.lrange(key_, start, -1);
    out.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) out.push_back(message_of(key_, i, items[i]));
    co_return out;
}

Task<> RedisSession::add(std::vector<llm::Message> messages) {
    if (messages.empty()) co_return;
    db::redis::Command append("RPUSH", key_);
    for (const llm::Message& message : messages) append.arg(llm::to_json(message));
    if (!ttl_) {
        co_await redis_.command(std::move(append));
        co_return;
    }
    const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(*ttl_).count();
    db::redis::Command refresh("PEXPIRE", key_, static_cast<std::int64_t>(millis));
    co_await redis_.transaction(std::move(append), std::move(refresh));
}

Task<std::optional<llm::Message>> RedisSession::pop() {
    const std::optional<std::string> last = co_await redis_.rpop(key_);
    if (!last) co_return std::nullopt;
    co_return message_of(key_, 0, *last);
}

Task<> RedisSession::clear() { co_await redis_.del(key_); }

}  // namespace agentio::agent
