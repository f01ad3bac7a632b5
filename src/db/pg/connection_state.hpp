// connection_state.hpp: what a pg::Connection shares with its reader and
// flusher tasks, the scopes that hold it (transactions, COPY) and its
// listeners (internal).
//
// libpq owns its socket; the loop watches a duplicate of it (an IoHandle
// owns what it watches), taken again whenever libpq's socket changes (a
// connect that moves on to the next address). The epoll registration is
// edge-triggered and libpq may leave bytes in the socket after a read, so
// every wait first asks poll() whether the socket is ready already.
//
// Invariants:
// - `waiting` has one entry per pipeline segment sent and not yet finished,
//   in the order sent; an entry is null when nobody waits for it (its task
//   left, or it was sent unawaited), and its results are then dropped. A
//   segment's results end with the PGRES_PIPELINE_SYNC of its own Sync: that
//   pops its entry.
// - Once `open` is false it stays false and every waiter has been woken.
// - While a scope holds the connection (`held_by` != 0) only queries made
//   inside that scope are sent; the others wait for `not_held`.
// - The reader and flusher tasks hold the state by shared_ptr; the state
//   holds no handle to them.
#pragma once

#include <libpq-fe.h>
#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agentio/core/context.hpp"
#include "agentio/core/event.hpp"
#include "agentio/core/lock.hpp"
#include "agentio/core/task.hpp"
#include "agentio/db/pg/connection.hpp"
#include "agentio/db/pg/errors.hpp"
#include "agentio/net/io_handle.hpp"
#include "statement_cache.hpp"

namespace agentio::db::pg {

namespace detail {

struct Pending {
    Event done;
    std::shared_ptr<pg_result> result;  // the segment's first error, else its last result
    // A pipeline's segment wants every result, in order, here instead.
    std::vector<std::shared_ptr<pg_result>>* all = nullptr;
    std::exception_ptr error;
    bool prepares = false;  // the segment opens with a Prepare
    bool prepare_failed = false;
    int results = 0;
};

struct ListenerQueue;  // notifications.cpp

// Marks the tasks inside a scope that holds a connection (the task that
// opened it and those it spawns), whose queries go through while others wait.
struct HoldMark {
    const void* state = nullptr;
    std::uint64_t id = 0;
};
inline ContextVar<HoldMark> holding{"agentio.pg.holding"};

// libpq's messages end with a newline; ours do not.
std::string trimmed(const char* message);
// A failed result as the PgError that says it, with the query.
PgError error_of(const PGresult* failed, const std::string& sql);


struct ConnectionState {
    explicit ConnectionState(ConnectOptions options) : options(options), statements(options.statement_cache_size) {}
    ~ConnectionState();

    ConnectOptions options;
    PGconn* conn = nullptr;
    std::string peer = "postgres";
    net::IoHandle io;     // watches a duplicate of libpq's socket
    ino_t socket_id = 0;  // which socket `io` duplicates
    std::deque<Pending*> waiting;
    Event wake_flusher;
    // TCP_CORK while a loop iteration's queries are queued: libpq (15) sends
    // at every Sync, a system call and a loopback transmit per query; corked,
    // those sends only fill the socket's buffer, and the flusher's uncork
    // sends the iteration's queries together.
    bool corked = false;
    bool can_cork = true;  // false on a Unix socket
    bool open = true;
    std::exception_ptr end;
    StatementCache statements;

    Lock exclusive;              // one holding scope at a time, FIFO
    std::uint64_t held_by = 0;   // the holding scope's id; 0 when none holds it
    std::uint64_t holds_made = 0;
    Event not_held;              // set while no scope holds it
    std::uint64_t savepoints_made = 0;  // names them uniquely
    Event pipeline_idle;         // set when no segment is in flight
    Event output_flushed;        // set when libpq's output buffer has gone out
    Event* copy_input = nullptr;  // a COPY waiting for input (it reads its own results)

    std::vector<std::weak_ptr<ListenerQueue>> listeners;

    // Follows libpq's socket if it changed (a new connect attempt).
    void track_socket();
    // Resumes when the socket is readable (or writable).
    Task<> ready(bool write);
    void check_open() const;
    // Corks the socket until the flusher has sent what this iteration queues.
    void hold_output() noexcept;
    void release_output() noexcept;
    // No other scope holds the connection: a query may go now.
    bool may_send_now() const noexcept { return held_by == 0 || held_here(); }
    // Waits while another scope holds the connection.
    Task<> wait_for_turn();
    // The running task is inside the scope that holds the connection.
    bool held_here() const noexcept;
    void fail_all(std::exception_ptr error) noexcept;
    void forget(const Pending& pending) noexcept;
    // Sends `sql` as a segment nobody waits for: a ROLLBACK after a scope
    // failed, a DEALLOCATE. Pipeline order puts it before anything sent later.
    void send_unawaited(const std::string& sql) noexcept;
    // Deallocates what the statement cache pushed out.
    void deallocate_evicted() noexcept;
    // Asks the server, on a connection of its own, to cancel the statement
    // this connection runs now (off the loop: libpq's cancel blocks).
    void cancel_running();

    void drain_results();
    void deliver_notifications();
    static Task<> read_loop(std::shared_ptr<ConnectionState> self);
    static Task<> flush_loop(std::shared_ptr<ConnectionState> self);
};

// Holds a connection for a scope (a transaction, a COPY) and marks the
// running task as inside it; lets go when destroyed.
class Hold {
public:
    Hold(ConnectionState& state, Lock::Guard turn);
    ~Hold();
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;

private:
    ConnectionState& state_;
    Lock::Guard turn_;
    HoldMark previous_;
};

// "postgres HOST:PORT" as `conninfo` (and the environment) name the server,
// for messages before libpq knows it. connect.cpp.
std::string peer_named_by(const std::string& conninfo);
// Connects `state` (resolve on the loop, libpq's non-blocking connect) and
// starts its reader and flusher. connect.cpp.
Task<> establish(std::shared_ptr<ConnectionState> state, std::string conninfo);
// One query as a pipeline segment, awaited. connection.cpp.
Task<Rows> run_query(std::shared_ptr<ConnectionState> self, std::string sql, std::vector<Param> params);
// A transaction's scope. transaction.cpp.
Task<> run_transaction(std::shared_ptr<ConnectionState> state, TransactionBody body, TransactionOptions options);
}  // namespace detail

}  // namespace agentio::db::pg
