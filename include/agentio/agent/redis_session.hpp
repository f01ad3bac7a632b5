// redis_session.hpp: RedisSession, a conversation kept in Redis, shared by
// every process that names the same session.
//
// compile-context: extern llm::Client client; extern agent::Agent assistant;
//     db::redis::Client redis("redis://127.0.0.1:6379");
//     agent::RedisSession memory(redis, "user-42", {.ttl = std::chrono::hours(24)});
//     co_await agent::run(client, assistant, "My name is Ada.", {.session = &memory});
//
// One Redis list per session (key: prefix + id), one message per element in
// the API's JSON shape (as JsonlSession's lines). add() appends a turn's
// messages with one RPUSH, so no reader ever sees half a turn, and with a
// TTL refreshes it in the same MULTI/EXEC; messages(limit) is one LRANGE.
// An element that is not a message is an error naming the key and index.
#pragma once

#include <optional>
#include <string>

#include "agentio/agent/session.hpp"
#include "agentio/core/clock.hpp"
#include "agentio/db/redis/client.hpp"

namespace agentio::agent {

struct RedisSessionOptions {
    std::string key_prefix = "agentio:session:";
    // Expire the conversation this long after its last add(); none: keep it.
    std::optional<Duration> ttl = {};
};

class RedisSession final : public Session {
public:
    RedisSession(db::redis::Client redis, std::string session_id, RedisSessionOptions options = {});

    Task<std::vector<llm::Message>> messages(std::optional<std::size_t> limit = std::nullopt) override;
    Task<> add(std::vector<llm::Message> messages) override;
    Task<std::optional<llm::Message>> pop() override;
    Task<> clear() override;

    const std::string& key() const noexcept { return key_; }

private:
    db::redis::Client redis_;
    std::string key_;
    std::optional<Duration> ttl_;
};

}  // namespace agentio::agent
