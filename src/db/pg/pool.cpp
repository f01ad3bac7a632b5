// pool.cpp: a FIFO semaphore of max_size permits, each lease holding one,
// and the idle connections between leases.
#include "agentio/db/pg/pool.hpp"

#include <deque>

#include "agentio/core/errors.hpp"
#include "agentio/core/event_loop.hpp"
#include "agentio/core/timeout.hpp"
#include "connection_state.hpp"

namespace agentio::db::pg {

namespace detail {

struct PoolState {
    PoolState(std::string conninfo, PoolOptions options)
        : conninfo(std::move(conninfo)), options(options), slots(options.max_size) {}

    struct Idle {
        Connection connection;
        TimePoint created;
        TimePoint since;
    };

    std::string conninfo;
    PoolOptions options;
    Semaphore slots;
    std::deque<Idle> idle;  // most recently returned last
    std::size_t lent = 0;
    bool closed = false;
    PoolStats counts;

    bool too_old(TimePoint created, TimePoint now) const {
        return options.max_lifetime && now - created >= *options.max_lifetime;
    }

    // Closes connections idle past max_idle (the longest idle first), down to min_size.
    void trim(TimePoint now) {
        while (!idle.empty() && idle.size() + lent > options.min_size && options.max_idle &&
               now - idle.front().since >= *options.max_idle) {
            idle.pop_front();
            ++counts.discarded;
        }
    }

    void give_back(Connection connection, TimePoint created) noexcept {
        --lent;
        const TimePoint now = EventLoop::current()->now();
        if (closed || !connection.is_open() || too_old(created, now)) {
            if (!closed) ++counts.discarded;
            return;  // `connection` closes as it goes
        }
        if (connection.is_in_transaction()) {
            connection.state_->send_unawaited("ROLLBACK");
            ++counts.reset;
        }
        idle.push_back(Idle{std::move(connection), created, now});
        trim(now);
    }
};

namespace {

Task<bool> answers_ping(Connection& connection, Duration within) {
    try {
        Task<Rows> ping = connection.query("select 1");
        auto bounded = wait_for(std::move(ping), within);
        co_await std::move(bounded);
        co_return true;
    } catch (const CancelledError&) {
        throw;
    } catch (const std::exception&) {
        co_return false;
    }
}

Task<PooledConnection> lend(std::shared_ptr<PoolState> pool) {
    if (pool->closed) throw Error("postgres pool: acquire() on a closed pool");
    Semaphore::Permit permit = co_await pool->slots.acquire();
    if (pool->closed) throw Error("postgres pool: closed while waiting in acquire()");
    ++pool->counts.acquired;
    pool->trim(EventLoop::current()->now());
    while (!pool->idle.empty()) {
        PoolState::Idle entry = std::move(pool->idle.back());
        pool->idle.pop_back();
        const TimePoint now = EventLoop::current()->now();
        bool usable = entry.connection.is_open() && !pool->too_old(entry.created, now);
        if (usable && pool->options.ping_after_idle && now - entry.since >= *pool->options.ping_after_idle) {
            const Duration within = pool->options.connect.connect_timeout.value_or(std::chrono::seconds(10));
            Task<bool> pinging = answers_ping(entry.connection, within);
            usable = co_await std::move(pinging);
        }
        if (!usable) {
            ++pool->counts.discarded;
            continue;
        }
        ++pool->lent;
        co_return PooledConnection(pool, std::move(permit), std::move(entry.connection), entry.created);
    }
    Task<Connection> connecting = Connection::connect(pool->conninfo, pool->options.connect);
    Connection fresh = co_await std::move(connecting);
    ++pool->counts.connected;
    ++pool->lent;
    co_return PooledConnection(pool, std::move(permit), std::move(fresh), EventLoop::current()->now());
}

Task<Pool> open_pool(std::shared_ptr<PoolState> pool, Pool shell) {
    if (pool->options.max_size == 0) throw Error("postgres pool: max_size must be at least 1");
    if (pool->options.min_size > pool->options.max_size)
        throw Error("postgres pool: min_size is larger than max_size");
    for (std::size_t i = 0; i < pool->options.min_size; ++i) {
        Task<Connection> connecting = Connection::connect(pool->conninfo, pool->options.connect);
        Connection connection = co_await std::move(connecting);
        ++pool->counts.connected;
        const TimePoint now = EventLoop::current()->now();
        pool->idle.push_back(PoolState::Idle{std::move(connection), now, now});
    }
    co_return std::move(shell);
}

}  // namespace

}  // namespace detail

PooledConnection::PooledConnection(std::shared_ptr<detail::PoolState> pool, Semaphore::Permit permit,
                                   Connection connection, TimePoint created) noexcept
    : pool_(std::move(pool)), permit_(std::move(permit)), connection_(std::move(connection)), created_(created) {}

PooledConnection& PooledConnection::operator=(PooledConnection&& other) noexcept {
    if (this != &other) {
        release();
        pool_ = std::move(other.pool_);
        permit_ = std::move(other.permit_);
        connection_ = std::move(other.connection_);
        created_ = other.created_;
    }
    return *this;
}

PooledConnection::~PooledConnection() { release(); }

void PooledConnection::release() noexcept {
    if (!pool_) return;
    std::shared_ptr<detail::PoolState> pool = std::move(pool_);
    pool->give_back(std::move(connection_), created_);
    permit_.release();  // after the connection is idle again, for the next waiter to find
}

Task<Pool> Pool::create(std::string conninfo, PoolOptions options) {
    auto state = std::make_shared<detail::PoolState>(std::move(conninfo), options);
    return detail::open_pool(state, Pool(state));
}

Pool::~Pool() { close(); }

Task<PooledConnection> Pool::acquire() { return detail::lend(state_); }

namespace {

Task<Rows> query_on(std::shared_ptr<detail::PoolState> pool, std::string sql, std::vector<Param> params) {
    Task<PooledConnection> lending = detail::lend(std::move(pool));
    PooledConnection connection = co_await std::move(lending);
    Task<Rows> running = connection->query_params(std::move(sql), std::move(params));
    co_return co_await std::move(running);
}

Task<std::int64_t> execute_on(std::shared_ptr<detail::PoolState> pool, std::string sql, std::vector<Param> params) {
    Task<Rows> running = query_on(std::move(pool), std::move(sql), std::move(params));
    const Rows rows = co_await std::move(running);
    co_return rows.affected();
}

Task<> transaction_on(std::shared_ptr<detail::PoolState> pool, TransactionBody body, TransactionOptions options) {
    Task<PooledConnection> lending = detail::lend(std::move(pool));
    PooledConnection connection = co_await std::move(lending);
    Task<> running = connection->transaction(std::move(body), options);
    co_await std::move(running);
}

}  // namespace

Task<Rows> Pool::query_params(std::string sql, std::vector<Param> params) {
    return query_on(state_, std::move(sql), std::move(params));
}

Task<std::int64_t> Pool::execute_params(std::string sql, std::vector<Param> params) {
    return execute_on(state_, std::move(sql), std::move(params));
}

Task<> Pool::transaction(TransactionBody body, TransactionOptions options) {
    return transaction_on(state_, std::move(body), options);
}

PoolStats Pool::stats() const noexcept {
    PoolStats stats = state_->counts;
    stats.idle = state_->idle.size();
    stats.lent = state_->lent;
    stats.size = stats.idle + stats.lent;
    stats.waiting = state_->slots.waiting();
    return stats;
}

void Pool::close() noexcept {
    if (!state_ || state_->closed) return;
    state_->closed = true;
    state_->idle.clear();
}

}  // namespace agentio::db::pg
