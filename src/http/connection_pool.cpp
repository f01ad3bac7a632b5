#include "agentio/http/connection_pool.hpp"

#include "agentio/core/event_loop.hpp"

namespace agentio::http {

void Lease::release() noexcept {
    if (connection_ == nullptr) return;
    pool_->give_back(*origin_, std::move(connection_));
    permit_.release();
}

void Lease::discard() noexcept {
    if (connection_ != nullptr) {
        connection_->stream->close();
        connection_.reset();
    }
    permit_.release();
}

PoolOrigin& ConnectionPool::origin(const std::string& key) {
    auto& slot = origins_[key];
    if (!slot) slot = std::make_unique<PoolOrigin>(max_per_origin_);
    return *slot;
}

Task<Lease> ConnectionPool::acquire(const std::string& key, Connector connect, bool counted) {
    PoolOrigin& pool = origin(key);  // before the first suspension: `key` may not outlive it
    Lease lease;
    if (counted) lease.permit_ = co_await pool.leases.acquire();
    lease.pool_ = shared_from_this();
    lease.origin_ = &pool;
    const TimePoint now = EventLoop::current()->now();
    while (!pool.idle.empty()) {
        std::unique_ptr<Connection> candidate = std::move(pool.idle.back());
        pool.idle.pop_back();
        if (now - candidate->idle_since < idle_timeout_ && !candidate->stream->closed_by_peer()) {
            lease.connection_ = std::move(candidate);
            break;
        }
        candidate->stream->close();
    }
    if (!lease.connection_) lease.connection_ = std::make_unique<Connection>(co_await connect());
    ++lease.connection_->requests;
    co_return lease;
}

void ConnectionPool::give_back(PoolOrigin& origin, std::unique_ptr<Connection> connection) noexcept {
    if (!connection->stream->is_open() || !connection->reader.buffered().empty()) {
        connection->stream->close();  // unsolicited bytes: the connection is out of step
        return;
    }
    EventLoop* loop = EventLoop::current();
    connection->idle_since = loop != nullptr ? loop->now() : TimePoint{};
    origin.idle.push_back(std::move(connection));
}

std::size_t ConnectionPool::idle_count() const noexcept {
    std::size_t count = 0;
    for (const auto& [key, origin] : origins_) count += origin->idle.size();
    return count;
}

void ConnectionPool::clear() noexcept {
    for (auto& [key, origin] : origins_) {
        for (auto& connection : origin->idle) connection->stream->close();
        origin->idle.clear();
    }
}

}  // namespace agentio::http
