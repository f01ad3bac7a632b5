// connection.hpp: pg::Connection, one PostgreSQL connection that many tasks
// share, in libpq's pipeline mode.
//
// compile-context: extern std::string team; extern std::int64_t id;
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
// - A query seen before runs as a prepared statement (asyncpg's statement
//   cache: `statement_cache_size` texts per connection, least recently used
//   dropped). 0 turns it off, for PgBouncer in transaction mode, where a
//   statement prepared on one server connection is unknown to the next. A
//   plan the server calls stale (the table changed under it) is prepared
//   again and the query retried once, outside a transaction. From its
//   second run on, a prepared statement's rows come in PostgreSQL's binary
//   format where each column's type has a binary reader (rows.hpp): no
//   float or array text to write on the server and parse here.
// - A query cancelled (or timed out) while the server runs it: the server is
//   sent a cancel request (on a connection of its own, as psql's Ctrl-C), so
//   the statement stops and the queries behind it run; its result is dropped
//   when it comes. A query cancelled before the server reached it still runs
//   (it has left in the pipeline) and its result is dropped. PostgreSQL
//   cancels whatever the connection runs when the request lands: if the
//   query ends just before, the next one in the pipeline can be cancelled
//   instead, and fails with SQLSTATE 57014 (a clear error, never a lost or
//   shifted result).
// - A connection that breaks fails every waiting query with
//   net::ConnectionError naming the server, and stays closed.
// - transaction() holds the connection for its scope: queries made inside
//   the scope (by its task and the tasks that task spawns) run in the
//   transaction; other tasks' queries wait until it ends. See transaction.hpp.
// Queries of one task run in the order it awaits them.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agentio/core/clock.hpp"
#include "agentio/core/task.hpp"
#include "agentio/db/pg/copy.hpp"
#include "agentio/db/pg/listener.hpp"
#include "agentio/db/pg/params.hpp"
#include "agentio/db/pg/query_methods.hpp"
#include "agentio/db/pg/pipeline.hpp"
#include "agentio/db/pg/rows.hpp"
#include "agentio/db/pg/transaction.hpp"

namespace agentio::db::pg {

namespace detail {
struct PoolState;
}

struct ConnectOptions {
    std::optional<Duration> connect_timeout = std::chrono::seconds(10);
    // Query texts kept prepared per connection; 0: none (PgBouncer).
    std::size_t statement_cache_size = 100;
    // A prepared statement's results come in binary format when every
    // column has a binary reader; false keeps them in text (rows read the
    // same either way).
    bool binary_results = true;
};

class Connection : public QueryMethods<Connection> {
public:
    static Task<Connection> connect(std::string conninfo, ConnectOptions options = {});

    Connection(Connection&&) noexcept;
    Connection& operator=(Connection&&) noexcept;
    ~Connection();

    Task<Rows> query_params(std::string sql, std::vector<Param> params);
    Task<std::int64_t> execute_params(std::string sql, std::vector<Param> params);

    // Every query of `queries` in one round trip, as one unit; their results
    // in order. See pipeline.hpp.
    Task<std::vector<Rows>> pipeline(Pipeline queries);

    // Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it
    // throws or is cancelled (the exception goes on). See transaction.hpp.
    Task<> transaction(TransactionBody body, TransactionOptions options = {});

    // COPY ... FROM STDIN with the data from `source` (or all of `data`), in
    // the format the statement names; the rows stored. See copy.hpp.
    Task<std::int64_t> copy_in(std::string copy_statement, CopySource source);
    Task<std::int64_t> copy_in(std::string copy_statement, std::string data);
    // COPY ... TO STDOUT, each row to `sink`; the rows sent.
    Task<std::int64_t> copy_out(std::string copy_statement, CopySink sink);
    // Rows of parameters into `table`'s `columns` by COPY (text format), as
    // asyncpg's copy_records_to_table: the fast way to load many rows.
    Task<std::int64_t> copy_records(std::string table, std::vector<std::string> columns,
                                    std::vector<std::vector<Param>> records);

    // LISTEN on `channel`; its notifications come through the Listener.
    Task<Listener> listen(std::string channel);

    bool is_open() const noexcept;
    // The session is inside a transaction block (BEGIN without its end, or
    // one a failed statement aborted), or a query is still in flight.
    bool is_in_transaction() const noexcept;
    // Prepared statements the cache holds now.
    std::size_t cached_statements() const noexcept;
    // "postgres 127.0.0.1:5432", as messages name it.
    const std::string& peer() const noexcept;
    // Fails every waiting query and releases the connection.
    void close() noexcept;

    explicit Connection(std::shared_ptr<detail::ConnectionState> state) noexcept;

private:
    friend struct detail::PoolState;  // rolls back a connection returned inside a transaction
    std::shared_ptr<detail::ConnectionState> state_;
};

}  // namespace agentio::db::pg
