// connection.cpp: queries as pipeline segments, the statement cache on the
// way out, and the Connection's public face.
#include "agentio/db/pg/connection.hpp"

#include <fmt/format.h>

#include "agentio/core/event_loop.hpp"
#include "agentio/core/timeout.hpp"
#include "agentio/db/pg/errors.hpp"
#include "agentio/net/errors.hpp"
#include "connection_state.hpp"
#include "notification_queue.hpp"

namespace agentio::db::pg {

namespace detail {

namespace {

// The server no longer has the plan we prepared: the table changed under it
// ("cached plan must not change result type"), or the statement is gone.
bool stale_statement(const PgError& error) { return error.sqlstate() == "0A000" || error.sqlstate() == "26000"; }

using Use = StatementCache::Use;

// One query's commands, without the Sync that ends its segment.
void send_commands(ConnectionState& state, const std::string& sql, const std::vector<const char*>& values, const Use& use) {
    const int count = static_cast<int>(values.size());
    PGconn* conn = state.conn;
    bool sent = false;
    switch (use.how) {
    case Use::How::Unnamed:
        sent = PQsendQueryParams(conn, sql.c_str(), count, nullptr, values.data(), nullptr, nullptr, 0);
        break;
    case Use::How::Prepare:
        sent = PQsendPrepare(conn, use.name.c_str(), sql.c_str(), count, nullptr) &&
               PQsendQueryPrepared(conn, use.name.c_str(), count, values.data(), nullptr, nullptr, 0);
        break;
    case Use::How::Execute:
        sent = PQsendQueryPrepared(conn, use.name.c_str(), count, values.data(), nullptr, nullptr, use.binary ? 1 : 0);
        break;
    }
    if (!sent) throw net::ConnectionError(state.peer + ": cannot send the query: " + trimmed(PQerrorMessage(conn)));
}

void send_sync(ConnectionState& state) {
    if (!PQpipelineSync(state.conn))
        throw net::ConnectionError(state.peer + ": cannot send the query: " + trimmed(PQerrorMessage(state.conn)));
}

// Whether later executions of the statement that gave `result` (its first,
// in text) may ask for binary results: rows, each column of a type with a
// binary reader.
bool binary_results_fit(const ConnectionState& state, const PGresult* result) {
    if (!state.options.binary_results || PQresultStatus(result) != PGRES_TUPLES_OK || PQnfields(result) == 0) return false;
    for (int column = 0; column < PQnfields(result); ++column)
        if (!binary_readable(PQftype(result, column))) return false;
    return true;
}

std::vector<const char*> values_of(const std::vector<Param>& params) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const Param& param : params) values.push_back(param ? param->c_str() : nullptr);
    return values;
}

// A query's place in the pipeline. If its task leaves before the result
// (cancelled, timed out), the result is dropped when it comes; if the server
// is running the query at that moment, it is asked to stop; a Prepare it
// carried is forgotten, as nobody will learn whether it succeeded.
class PendingQuery {
public:
    // `sqls` and `uses`: the segment's `count` queries and how each was sent.
    PendingQuery(ConnectionState& state, Pending& pending, const std::string* sqls, const Use* uses, std::size_t count)
        : state_(state), pending_(pending), sqls_(sqls), uses_(uses), count_(count) {
        state_.waiting.push_back(&pending_);
    }
    ~PendingQuery() {
        if (pending_.done.is_set()) return;
        const bool running = !state_.waiting.empty() && state_.waiting.front() == &pending_;
        state_.forget(pending_);
        for (std::size_t i = 0; i < count_; ++i)
            if (uses_[i].how == Use::How::Prepare) state_.statements.forget(sqls_[i]);
        state_.deallocate_evicted();
        if (!running) return;
        try {
            state_.cancel_running();
        } catch (const std::exception&) {
            // Without a cancel request the statement runs to its end; the
            // queries behind it wait for it, as they would have anyway.
        }
    }
    PendingQuery(const PendingQuery&) = delete;
    PendingQuery& operator=(const PendingQuery&) = delete;

private:
    ConnectionState& state_;
    Pending& pending_;
    const std::string* sqls_;
    const Use* uses_;
    std::size_t count_;
};

}  // namespace

Task<Rows> run_query(std::shared_ptr<ConnectionState> self, std::string sql, std::vector<Param> params) {
    const std::vector<const char*> values = values_of(params);
    for (int attempt = 0;; ++attempt) {
        self->check_open();
        if (!self->may_send_now()) {  // no coroutine frame per query in the common case
            Task<> turn = self->wait_for_turn();
            co_await std::move(turn);
        }
        const Use use = self->statements.use(sql);
        self->hold_output();
        self->deallocate_evicted();
        send_commands(*self, sql, values, use);
        send_sync(*self);
        Pending pending;
        pending.prepares = use.how == Use::How::Prepare;
        PendingQuery queued(*self, pending, &sql, &use, 1);
        self->wake_flusher.set();
        co_await pending.done.wait();
        if (pending.error) std::rethrow_exception(pending.error);
        if (use.how == Use::How::Prepare)
            self->statements.prepared(sql, use.name, !pending.prepare_failed,
                                      pending.result && binary_results_fit(*self, pending.result.get()));
        if (!pending.result) co_return Rows();  // an empty query string
        const ExecStatusType status = PQresultStatus(pending.result.get());
        if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) co_return Rows(std::move(pending.result));
        PgError error = error_of(pending.result.get(), sql);
        if (use.how == Use::How::Execute && stale_statement(error)) {
            self->statements.forget(sql);
            self->deallocate_evicted();
            // Inside a transaction the error has aborted it: no retry can help.
            if (attempt == 0 && self->held_by == 0) continue;
        }
        throw error;
    }
}

Task<std::vector<Rows>> run_pipeline(std::shared_ptr<ConnectionState> self, Pipeline pipeline) {
    std::vector<Rows> out;
    if (pipeline.empty()) co_return out;
    const std::vector<Pipeline::Query>& queries = pipeline.queries();
    self->check_open();
    if (!self->may_send_now()) {  // no coroutine frame per query in the common case
        Task<> turn = self->wait_for_turn();
        co_await std::move(turn);
    }
    std::vector<std::string> sqls;
    std::vector<Use> uses;
    sqls.reserve(queries.size());
    uses.reserve(queries.size());
    std::size_t expected = 0;  // results: one per command sent (a Prepare is one)
    for (const Pipeline::Query& query : queries) {
        sqls.push_back(query.sql);
        uses.push_back(self->statements.use(query.sql));
        expected += uses.back().how == Use::How::Prepare ? 2 : 1;
    }
    self->hold_output();
    self->deallocate_evicted();
    for (std::size_t i = 0; i < queries.size(); ++i) send_commands(*self, sqls[i], values_of(queries[i].params), uses[i]);
    send_sync(*self);
    std::vector<std::shared_ptr<pg_result>> results;
    results.reserve(expected);
    Pending pending;
    pending.all = &results;
    PendingQuery queued(*self, pending, sqls.data(), uses.data(), sqls.size());
    self->wake_flusher.set();
    co_await pending.done.wait();
    if (pending.error) std::rethrow_exception(pending.error);
    if (results.size() != expected)
        throw net::ConnectionError(fmt::format("{}: a pipeline of {} commands got {} results", self->peer, expected,
                                               results.size()));
    std::size_t next = 0;
    const PGresult* failed = nullptr;  // the first error; the server skipped what came after it
    std::size_t failed_at = 0;
    const auto note_failure = [&](const PGresult* result, std::size_t index) {
        const ExecStatusType status = PQresultStatus(result);
        if (failed != nullptr || status == PGRES_PIPELINE_ABORTED) return;
        failed = result;
        failed_at = index;
    };
    for (std::size_t i = 0; i < queries.size(); ++i) {
        if (uses[i].how == Use::How::Prepare) {
            const PGresult* prepared = results[next++].get();
            const bool ok = PQresultStatus(prepared) == PGRES_COMMAND_OK;
            self->statements.prepared(sqls[i], uses[i].name, ok, binary_results_fit(*self, results[next].get()));
            if (!ok) note_failure(prepared, i);
        }
        std::shared_ptr<pg_result>& result = results[next++];
        const ExecStatusType status = PQresultStatus(result.get());
        if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK || status == PGRES_EMPTY_QUERY) {
            out.emplace_back(std::move(result));
            continue;
        }
        note_failure(result.get(), i);
        if (failed == result.get() && uses[i].how == Use::How::Execute && stale_statement(error_of(failed, sqls[i])))
            self->statements.forget(sqls[i]);
    }
    self->deallocate_evicted();
    if (failed != nullptr) {
        const PgError error = error_of(failed, sqls[failed_at]);
        PgError::Fields fields{error.sqlstate(), error.message(), error.detail(), error.hint(), error.query()};
        fields.detail += fmt::format("{}query {} of {} in a pipeline, which was rolled back",
                                     fields.detail.empty() ? "" : "; ", failed_at + 1, queries.size());
        throw PgError(std::move(fields));
    }
    co_return out;
}

}  // namespace detail

namespace {

Task<std::int64_t> run_command(std::shared_ptr<detail::ConnectionState> self, std::string sql, std::vector<Param> params) {
    Task<Rows> running = detail::run_query(std::move(self), std::move(sql), std::move(params));
    const Rows rows = co_await std::move(running);
    co_return rows.affected();
}

Task<Listener> listen_on(std::shared_ptr<detail::ConnectionState> self, std::string channel) {
    std::string statement = "LISTEN " + quote_identifier(channel);
    self->check_open();
    auto queue = std::make_shared<detail::ListenerQueue>();
    queue->channel = std::move(channel);
    queue->connection = self;
    self->listeners.push_back(queue);  // before LISTEN: nothing sent after it is missed
    Listener listener(queue);
    Task<Rows> listening = detail::run_query(self, std::move(statement), {});
    co_await std::move(listening);
    co_return listener;
}

}  // namespace

Connection::Connection(std::shared_ptr<detail::ConnectionState> state) noexcept : state_(std::move(state)) {}
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&& other) noexcept {
    if (this != &other) {
        close();
        state_ = std::move(other.state_);
    }
    return *this;
}
Connection::~Connection() { close(); }

Task<Connection> Connection::connect(std::string conninfo, ConnectOptions options) {
    auto state = std::make_shared<detail::ConnectionState>(options);
    Connection connection(state);  // closes it if this fails
    state->peer = detail::peer_named_by(conninfo);
    Task<> establishing = detail::establish(state, std::move(conninfo));
    Task<> within_limit = wait_for(std::move(establishing), options.connect_timeout,
                                   state->peer + ": no connection within the connect timeout");
    co_await std::move(within_limit);
    co_return std::move(connection);
}

Task<Rows> Connection::query_params(std::string sql, std::vector<Param> params) {
    return detail::run_query(state_, std::move(sql), std::move(params));
}

Task<std::int64_t> Connection::execute_params(std::string sql, std::vector<Param> params) {
    return run_command(state_, std::move(sql), std::move(params));
}

Task<std::vector<Rows>> Connection::pipeline(Pipeline queries) {
    return detail::run_pipeline(state_, std::move(queries));
}

Task<Listener> Connection::listen(std::string channel) { return listen_on(state_, std::move(channel)); }

bool Connection::is_open() const noexcept { return state_ && state_->open; }
const std::string& Connection::peer() const noexcept { return state_->peer; }
bool Connection::is_in_transaction() const noexcept {
    return is_open() && PQtransactionStatus(state_->conn) != PQTRANS_IDLE;
}
std::size_t Connection::cached_statements() const noexcept { return state_ ? state_->statements.size() : 0; }

void Connection::close() noexcept {
    if (!state_ || !state_->open) return;
    state_->fail_all(std::make_exception_ptr(net::ConnectionError(state_->peer + ": the connection was closed")));
}

}  // namespace agentio::db::pg
