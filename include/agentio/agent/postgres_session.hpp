// postgres_session.hpp: PostgresSession, a conversation kept in PostgreSQL,
// shared by every process that names the same session.
//
// compile-context: extern llm::Client client; extern agent::Agent assistant;
//     db::pg::Pool pool = co_await db::pg::Pool::create("postgresql://app@127.0.0.1/app");
//     agent::PostgresSession memory(pool, "user-42");
//     co_await agent::run(client, assistant, "My name is Ada.", {.session = &memory});
//
// One row per message in one table (`agentio_session_messages` unless named
// otherwise: session_id text, message jsonb in the API's message shape,
// created_at), created on first use if it is missing, with an index on
// (session_id, id). add() inserts a turn's messages in one statement, so no
// reader ever sees half a turn; messages(limit) is one indexed query. A row
// whose message does not parse is an error naming the table and row id.
// The pool must outlive the session.
#pragma once

#include <optional>
#include <string>

#include "agentio/agent/session.hpp"
#include "agentio/core/lock.hpp"
#include "agentio/db/pg/pool.hpp"

namespace agentio::agent {

struct PostgresSessionOptions {
    std::string table = "agentio_session_messages";
    // CREATE TABLE IF NOT EXISTS (and its index) before the first use.
    bool create_table = true;
};

class PostgresSession final : public Session {
public:
    PostgresSession(db::pg::Pool& pool, std::string session_id, PostgresSessionOptions options = {});

    Task<std::vector<llm::Message>> messages(std::optional<std::size_t> limit = std::nullopt) override;
    Task<> add(std::vector<llm::Message> messages) override;
    Task<std::optional<llm::Message>> pop() override;
    Task<> clear() override;

    const std::string& session_id() const noexcept { return session_id_; }
    const std::string& table() const noexcept { return table_; }

private:
    Task<> ensure_table();

    db::pg::Pool& pool_;
    std::string session_id_;
    std::string table_;
    std::string quoted_table_;
    bool create_table_;
    bool table_ready_ = false;
    Lock creating_;
};

}  // namespace agentio::agent
