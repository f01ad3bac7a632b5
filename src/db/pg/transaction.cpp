// transaction.cpp: BEGIN ... COMMIT as a scope, savepoints as nested ones.
#include "agentio/db/pg/transaction.hpp"

#include <fmt/format.h>

#include "agentio/db/pg/connection.hpp"
#include "connection_state.hpp"

namespace agentio::db::pg {

namespace {

std::string begin_statement(const TransactionOptions& options) {
    std::string sql = "BEGIN";
    switch (options.isolation) {
    case Isolation::ServerDefault: break;
    case Isolation::ReadCommitted: sql += " ISOLATION LEVEL READ COMMITTED"; break;
    case Isolation::RepeatableRead: sql += " ISOLATION LEVEL REPEATABLE READ"; break;
    case Isolation::Serializable: sql += " ISOLATION LEVEL SERIALIZABLE"; break;
    }
    if (options.read_only) sql += " READ ONLY";
    if (options.deferrable) sql += " DEFERRABLE";
    return sql;
}

// Undoes a scope that ends without reaching its end: the statements are
// sent unawaited, so a cancelled scope undoes too.
class UndoUnlessFinished {
public:
    UndoUnlessFinished(detail::ConnectionState& state, std::vector<std::string> undo)
        : state_(state), undo_(std::move(undo)) {}
    ~UndoUnlessFinished() {
        if (finished_) return;
        for (const std::string& sql : undo_) state_.send_unawaited(sql);
    }
    void finished() noexcept { finished_ = true; }
    UndoUnlessFinished(const UndoUnlessFinished&) = delete;
    UndoUnlessFinished& operator=(const UndoUnlessFinished&) = delete;

private:
    detail::ConnectionState& state_;
    std::vector<std::string> undo_;
    bool finished_ = false;
};

std::vector<std::string> rollback_to(const std::string& savepoint) {
    std::vector<std::string> undo;
    undo.push_back("ROLLBACK TO SAVEPOINT " + savepoint);
    undo.push_back("RELEASE SAVEPOINT " + savepoint);
    return undo;
}

Task<> run_savepoint(std::shared_ptr<detail::ConnectionState> state, TransactionBody body, int depth) {
    const std::string name = fmt::format("agentio_savepoint_{}", ++state->savepoints_made);
    Task<Rows> opening = detail::run_query(state, "SAVEPOINT " + name, {});
    co_await std::move(opening);
    UndoUnlessFinished undo(*state, rollback_to(name));
    Transaction inner(state, depth);
    Task<> running = body(inner);
    co_await std::move(running);
    undo.finished();
    Task<Rows> releasing = detail::run_query(state, "RELEASE SAVEPOINT " + name, {});
    co_await std::move(releasing);
}

std::vector<std::string> rollback() {
    std::vector<std::string> undo;
    undo.push_back("ROLLBACK");
    return undo;
}

}  // namespace

namespace detail {

Task<> run_transaction(std::shared_ptr<ConnectionState> state, TransactionBody body, TransactionOptions options) {
    state->check_open();
    // Inside a scope of this connection already: a nested scope is a savepoint.
    if (state->held_here()) {
        Task<> nested = run_savepoint(state, std::move(body), 1);
        co_await std::move(nested);
        co_return;
    }
    Lock::Guard turn = co_await state->exclusive.acquire();
    state->check_open();
    Hold held(*state, std::move(turn));
    UndoUnlessFinished undo(*state, rollback());
    Task<Rows> beginning = run_query(state, begin_statement(options), {});
    co_await std::move(beginning);
    Transaction tx(state, 0);
    Task<> running = body(tx);
    co_await std::move(running);
    undo.finished();  // from here the COMMIT decides; a failed one has rolled back
    Task<Rows> committing = run_query(state, "COMMIT", {});
    co_await std::move(committing);
}

}  // namespace detail

Task<Rows> Transaction::query_params(std::string sql, std::vector<Param> params) {
    return detail::run_query(state_, std::move(sql), std::move(params));
}

Task<std::int64_t> Transaction::execute_params(std::string sql, std::vector<Param> params) {
    Task<Rows> running = detail::run_query(state_, std::move(sql), std::move(params));
    const Rows rows = co_await std::move(running);
    co_return rows.affected();
}

Task<> Transaction::savepoint(TransactionBody body) { return run_savepoint(state_, std::move(body), depth_ + 1); }

Task<> Connection::transaction(TransactionBody body, TransactionOptions options) {
    return detail::run_transaction(state_, std::move(body), options);
}

}  // namespace agentio::db::pg
