// transaction.hpp: pg::Transaction, a transaction as a scope.
//
// compile-context: extern Connection db; extern std::int64_t amount, from, to;
//     co_await db.transaction([&](pg::Transaction& tx) -> Task<> {
//         co_await tx.execute("update accounts set balance = balance - $1 where id = $2", amount, from);
//         co_await tx.execute("update accounts set balance = balance + $1 where id = $2", amount, to);
//     });
//
// Promises:
// - COMMIT when the body returns; ROLLBACK when it throws or is cancelled,
//   and the exception goes on to the caller. A failed COMMIT (a
//   serialization failure, a deferred constraint) is thrown as the PgError.
// - The scope holds the connection: queries made inside it, through `tx` or
//   through the connection itself, by the body's task or tasks it spawns, are
//   part of the transaction; other tasks' queries on the connection wait
//   until it ends, and transactions run one at a time, in FIFO order.
// - savepoint() is a nested scope: RELEASE when its body returns, ROLLBACK TO
//   when it throws (the exception goes on; catch it to carry on with the
//   outer transaction).
// - The ROLLBACK needs no round trip before the caller goes on: it is sent
//   at once, and the pipeline runs it before anything sent later.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agentio/core/task.hpp"
#include "agentio/db/pg/params.hpp"
#include "agentio/db/pg/query_methods.hpp"
#include "agentio/db/pg/rows.hpp"

namespace agentio::db::pg {

enum class Isolation : std::uint8_t { ServerDefault, ReadCommitted, RepeatableRead, Serializable };

struct TransactionOptions {
    Isolation isolation = Isolation::ServerDefault;
    bool read_only = false;
    bool deferrable = false;  // with Serializable and read_only: waits for a safe snapshot
};

class Transaction;
namespace detail {
struct ConnectionState;
}
using TransactionBody = std::function<Task<>(Transaction&)>;

class Transaction : public QueryMethods<Transaction> {
public:
    Task<Rows> query_params(std::string sql, std::vector<Param> params);
    Task<std::int64_t> execute_params(std::string sql, std::vector<Param> params);

    // A nested scope (SAVEPOINT ... RELEASE, or ROLLBACK TO on a throw).
    Task<> savepoint(TransactionBody body);

    // 0 for the transaction, 1 inside its first savepoint, ...
    int depth() const noexcept { return depth_; }

    Transaction(std::shared_ptr<detail::ConnectionState> state, int depth) noexcept
        : state_(std::move(state)), depth_(depth) {}

private:
    std::shared_ptr<detail::ConnectionState> state_;
    int depth_;
};

}  // namespace agentio::db::pg
