// postgres_session.cpp: a session as rows of a PostgreSQL table.
#include "agentio/agent/postgres_session.hpp"

#include "agentio/core/errors.hpp"
#include "agentio/llm/json.hpp"
#include "agentio/llm/wire.hpp"

namespace agentio::agent {

namespace pg = db::pg;

namespace {

llm::Message message_of(const std::string& table, const pg::Row& row) {
    const auto id = row.get<std::int64_t>("id");
    try {
        return llm::message_from_json(llm::parse_json(row.get<std::string>("message")));
    } catch (const std::exception& e) {
        throw Error("session table " + table + ", row " + std::to_string(id) + ": not a message: " + e.what());
    }
}

std::vector<llm::Message> messages_of(const std::string& table, const pg::Rows& rows) {
    std::vector<llm::Message> out;
    out.reserve(rows.size());
    for (pg::Row row : rows) out.push_back(message_of(table, row));
    return out;
}

}  // namespace

PostgresSession::PostgresSession(pg::Pool& pool, std::string session_id, PostgresSessionOptions options)
    : pool_(pool),
      session_id_(std::move(session_id)),
      table_(std::move(options.table)),
      quoted_table_(pg::quote_identifier(table_)),
      create_table_(options.create_table) {}

Task<> PostgresSession::ensure_table() {
    if (table_ready_ || !create_table_) co_return;
    // One creator at a time: two concurrent CREATE TABLE IF NOT EXISTS of
    // one name can still collide in the server's catalog.
    Lock::Guard creating = co_await creating_.acquire();
    if (table_ready_) co_return;
    // Other processes too: the advisory lock serializes the creation across them.
    const std::string create_table = "create table if not exists " + quoted_table_ +
                                     " (id bigserial primary key, session_id text not null, message jsonb not null, "
                                     "created_at timestamptz not null default now())";
    const std::string create_index = "create index if not exists " + pg::quote_identifier(table_ + "_by_session") +
                                     " on " + quoted_table_ + " (session_id, id)";
    co_await pool_.transaction([&](pg::Transaction& tx) -> Task<> {
        co_await tx.execute("select pg_advisory_xact_lock(hashtext($1))", table_);
        co_await tx.execute(create_table);
        co_await tx.execute(create_index);
    });
    table_ready_ = true;
}

Task<std::vector<llm::Message>> PostgresSession::messages(std::optional<std::size_t> limit) {
    co_await ensure_table();
    if (limit && *limit == 0) co_return std::vector<llm::Message>{};
    const std::optional<std::int64_t> count = limit ? std::optional<std::int64_t>(static_cast<std::int64_t>(*limit)) : std::nullopt;
    const std::string sql = "select id, message::text as message from (select id, message from " + quoted_table_ +
                            " where session_id = $1 order by id desc limit $2) newest order by id";
    const pg::Rows rows = co_await pool_.query(sql, session_id_, count);
    co_return messages_of(table_, rows);
}

Task<> PostgresSession::add(std::vector<llm::Message> messages) {
    if (messages.empty()) co_return;
    co_await ensure_table();
    std::vector<std::string> json;
    json.reserve(messages.size());
    for (const llm::Message& message : messages) json.push_back(llm::to_json(message));
    // One statement: the turn is stored whole or not at all, in its order.
    const std::string sql = "insert into " + quoted_table_ +
                            " (session_id, message) select $1, m from unnest($2::jsonb[]) with ordinality as turn(m, n) "
                            "order by n";
    co_await pool_.execute(sql, session_id_, json);
}

Task<std::optional<llm::Message>> PostgresSession::pop() {
    co_await ensure_table();
    const std::string sql = "delete from " + quoted_table_ + " where id = (select id from " + quoted_table_ +
                            " where session_id = $1 order by id desc limit 1) returning id, message::text as message";
    const pg::Rows rows = co_await pool_.query(sql, session_id_);
    if (rows.empty()) co_return std::nullopt;
    co_return message_of(table_, rows[0]);
}

Task<> PostgresSession::clear() {
    co_await ensure_table();
    const std::string sql = "delete from " + quoted_table_ + " where session_id = $1";
    co_await pool_.execute(sql, session_id_);
}

}  // namespace agentio::agent
