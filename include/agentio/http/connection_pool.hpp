// connection_pool.hpp: ConnectionPool, keep-alive connections per origin.
//
// A request leases a connection (an idle one of its origin, most recently
// used first, else a new one) and gives it back when its response body has
// been read to the end; a connection whose response was abandoned half-read,
// or that the server asked to close, is closed instead. Per origin at most
// `max_per_origin` connections are leased at once: more requests wait, in
// FIFO order (a Semaphore per origin). Idle connections older than
// `idle_timeout`, or that the server has closed meanwhile, are dropped when
// next looked at, never handed out.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "agentio/core/clock.hpp"
#include "agentio/core/semaphore.hpp"
#include "agentio/core/task.hpp"
#include "agentio/net/buffered_reader.hpp"
#include "agentio/net/stream.hpp"

namespace agentio::http {

// An open connection and its read buffer (bytes read past one response stay
// with the connection).
struct Connection {
    explicit Connection(std::unique_ptr<net::Stream> s) : stream(std::move(s)), reader(*stream, 16 * 1024) {}
    std::unique_ptr<net::Stream> stream;
    net::BufferedReader reader;
    TimePoint idle_since{};
    std::uint64_t requests = 0;  // served so far, the current one included
};

class ConnectionPool;

// One origin's idle connections and its limit on leased ones.
struct PoolOrigin {
    explicit PoolOrigin(std::size_t limit) : leases(limit) {}
    Semaphore leases;
    std::vector<std::unique_ptr<Connection>> idle;  // most recently used last
};

// A leased connection: returns to the pool on release(), closes on drop.
class Lease {
public:
    Lease() = default;
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) noexcept = default;
    ~Lease() { discard(); }

    Connection& connection() const noexcept { return *connection_; }
    bool valid() const noexcept { return connection_ != nullptr; }
    // True if the connection had served a request before this one.
    bool reused() const noexcept { return connection_->requests > 1; }

    // Back to the pool for the next request to the same origin.
    void release() noexcept;
    // Closes the connection (a broken or half-read one).
    void discard() noexcept;

private:
    friend class ConnectionPool;
    std::shared_ptr<ConnectionPool> pool_;
    PoolOrigin* origin_ = nullptr;  // owned by pool_, never freed before it
    std::unique_ptr<Connection> connection_;
    Semaphore::Permit permit_;
};

class ConnectionPool : public std::enable_shared_from_this<ConnectionPool> {
public:
    using Connector = std::function<Task<std::unique_ptr<net::Stream>>()>;

    ConnectionPool(std::size_t max_per_origin, Duration idle_timeout)
        : max_per_origin_(max_per_origin), idle_timeout_(idle_timeout) {}

    // A connection to `origin`: idle if one is usable, else from `connect`.
    // Uncounted, it does not wait for (nor take) one of the origin's
    // max_per_origin leases: a long-lived stream's.
    Task<Lease> acquire(const std::string& origin, Connector connect, bool counted = true);

    // Idle connections now open, over every origin.
    std::size_t idle_count() const noexcept;
    // Closes every idle connection.
    void clear() noexcept;

private:
    friend class Lease;
    PoolOrigin& origin(const std::string& key);
    void give_back(PoolOrigin& origin, std::unique_ptr<Connection> connection) noexcept;

    std::size_t max_per_origin_;
    Duration idle_timeout_;
    std::unordered_map<std::string, std::unique_ptr<PoolOrigin>> origins_;
};

}  // namespace agentio::http
