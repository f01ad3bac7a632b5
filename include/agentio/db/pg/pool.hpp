// pool.hpp: pg::Pool, connections lent to one task at a time, as asyncpg's.
//
// compile-context: extern std::int64_t id;
//     pg::PoolOptions options{.min_size = 2, .max_size = 16};
//     pg::Pool pool = co_await pg::Pool::create("postgresql://app@127.0.0.1/app", options);
//     pg::Rows rows = co_await pool.query("select * from users where id = $1", id);   // borrows and returns
//     {
//         pg::PooledConnection db = co_await pool.acquire();   // yours until `db` dies
//         co_await db->execute("select pg_advisory_lock(42)");   // a session's lock:
//         co_await db->execute("select pg_advisory_unlock(42)"); // the same connection
//     }
//     co_await pool.transaction([&](pg::Transaction& tx) -> Task<> { co_await tx.execute("delete from sessions"); });
//
// Promises:
// - At most `max_size` connections; a task that finds them all lent waits,
//   and waiters are served in the order they came (FIFO). A waiter that is
//   cancelled leaves the queue without taking a connection.
// - A connection is checked before it is lent: one that broke, outlived
//   `max_lifetime`, or (after `ping_after_idle` unused) does not answer a
//   ping within `connect.connect_timeout` is closed and another is taken or
//   made. So a server restart costs the queries in flight at that moment (a
//   clear net::ConnectionError each), and the pool recovers by itself.
// - A connection returned inside a transaction (a manual BEGIN, an aborted
//   one) is rolled back before anyone else gets it; the ROLLBACK goes out in
//   the pipeline first, so the next borrower needs no extra round trip.
// - Connections left unused for `max_idle` are closed, down to `min_size`.
// - A PooledConnection, like the Connection it lends, can serve many
//   concurrent queries of the borrower's tasks in one pipeline.
// - close() closes the idle connections now and the lent ones when they come
//   back; acquire() on a closed pool is an agentio::Error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agentio/core/clock.hpp"
#include "agentio/core/semaphore.hpp"
#include "agentio/core/task.hpp"
#include "agentio/db/pg/connection.hpp"
#include "agentio/db/pg/query_methods.hpp"

namespace agentio::db::pg {

struct PoolOptions {
    std::size_t min_size = 10;  // opened by create(), kept open when idle
    std::size_t max_size = 10;
    std::optional<Duration> max_lifetime = std::chrono::hours(1);
    std::optional<Duration> max_idle = std::chrono::minutes(5);
    // A connection unused for this long answers a ping before it is lent.
    std::optional<Duration> ping_after_idle = std::chrono::seconds(30);
    ConnectOptions connect = {};
};

struct PoolStats {
    std::size_t size = 0;     // open connections, idle and lent
    std::size_t idle = 0;
    std::size_t lent = 0;
    std::size_t waiting = 0;  // tasks queued in acquire()
    std::uint64_t acquired = 0;   // acquire()s served, ever
    std::uint64_t connected = 0;  // connections made, ever
    std::uint64_t discarded = 0;  // closed as broken, too old, silent to a ping, or idle
    std::uint64_t reset = 0;      // returned inside a transaction and rolled back
};

namespace detail {
struct PoolState;
}

// A connection lent by a Pool; returns it when destroyed.
class PooledConnection {
public:
    PooledConnection(std::shared_ptr<detail::PoolState> pool, Semaphore::Permit permit, Connection connection,
                     TimePoint created) noexcept;
    PooledConnection(PooledConnection&&) noexcept = default;
    PooledConnection& operator=(PooledConnection&&) noexcept;
    ~PooledConnection();

    Connection& operator*() noexcept { return connection_; }
    Connection* operator->() noexcept { return &connection_; }
    // Gives the connection back now.
    void release() noexcept;

private:
    std::shared_ptr<detail::PoolState> pool_;
    Semaphore::Permit permit_;  // released after the connection is back in the pool
    Connection connection_;
    TimePoint created_;
};

class Pool : public QueryMethods<Pool> {
public:
    static Task<Pool> create(std::string conninfo, PoolOptions options = {});

    Pool(Pool&&) noexcept = default;
    Pool& operator=(Pool&&) noexcept = default;
    ~Pool();

    Task<PooledConnection> acquire();

    Task<Rows> query_params(std::string sql, std::vector<Param> params);
    Task<std::int64_t> execute_params(std::string sql, std::vector<Param> params);
    // A transaction on a borrowed connection (see transaction.hpp).
    Task<> transaction(TransactionBody body, TransactionOptions options = {});

    PoolStats stats() const noexcept;
    void close() noexcept;

private:
    explicit Pool(std::shared_ptr<detail::PoolState> state) noexcept : state_(std::move(state)) {}
    std::shared_ptr<detail::PoolState> state_;
};

}  // namespace agentio::db::pg
