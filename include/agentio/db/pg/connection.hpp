// connection.hpp: pg::Connection, one PostgreSQL connection that many tasks
// share, in libpq's pipeline mode.
//
//     pg::Connection db = co_await pg::Connection::connect("postgresql://app@127.0.0.1:5432/app");
//     pg::Rows rows = co_await db.query("select id, name from users where team = $1", team);
//     std::int64_t changed = co_await db.execute("update users set seen = now() where id = $1", id);
//
// Pipeline mode (libpq 14+): a query goes out at once, without waiting for
// the ones before it, and the server answers in order. Queries that tasks
// issue in one loop iteration leave in one write; a reader matches the
// results to the waiting tasks in order.
//
// Promises:
// - Each query is a pipeline segment of its own (it ends with a Sync): an
//   error fails that query only, as a PgError with the server's SQLSTATE,
//   message, detail and hint and the query; the queries around it run.
// - Connect: `conninfo` as libpq reads it (a postgresql:// URL or key=value
//   pairs; PGHOST, PGPORT, PGUSER, PGPASSWORD, ... fill in what it leaves
//   out); sslmode as libpq has it. A host name is resolved on the loop (DNS
//   never blocks it) and the connection is made with libpq's non-blocking
//   connect, driven by the loop. Errors: net::ConnectionError with libpq's
//   reason (a refused connection, a wrong password), TimeoutError after
//   `connect_timeout`.
// - A query cancelled (or timed out) while it waits: its result is read and
//   dropped when it comes, so the others keep theirs. (The statement runs on
//   at the server; sending the server a cancel request is not done yet.)
// - A connection that breaks fails every waiting query with
//   net::ConnectionError naming the server, and stays closed.
// Queries of one task run in the order it awaits them; a transaction needs
// a connection of its own (nothing stops other tasks' queries from landing
// between a shared connection's BEGIN and COMMIT).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agentio/core/clock.hpp"
#include "agentio/core/task.hpp"
#include "agentio/db/pg/params.hpp"
#include "agentio/db/pg/rows.hpp"

namespace agentio::db::pg {

struct ConnectOptions {
    std::optional<Duration> connect_timeout = std::chrono::seconds(10);
};

class Connection {
public:
    static Task<Connection> connect(std::string conninfo, ConnectOptions options = {});

    Connection(Connection&&) noexcept;
    Connection& operator=(Connection&&) noexcept;
    ~Connection();

    // The query's rows (or, for a command, its count in Rows::affected()).
    template <class... Args>
    Task<Rows> query(std::string_view sql, const Args&... args) {
        return query_params(std::string(sql), std::vector<Param>{to_param(args)...});
    }
    // A command's affected row count (INSERT, UPDATE, DELETE, ...).
    template <class... Args>
    Task<std::int64_t> execute(std::string_view sql, const Args&... args) {
        return execute_params(std::string(sql), std::vector<Param>{to_param(args)...});
    }
    Task<Rows> query_params(std::string sql, std::vector<Param> params);
    Task<std::int64_t> execute_params(std::string sql, std::vector<Param> params);

    bool is_open() const noexcept;
    // "postgres 127.0.0.1:5432", as messages name it.
    const std::string& peer() const noexcept;
    // Fails every waiting query and releases the connection.
    void close() noexcept;

    struct State;

private:
    explicit Connection(std::shared_ptr<State> state) noexcept;
    std::shared_ptr<State> state_;
};

}  // namespace agentio::db::pg
