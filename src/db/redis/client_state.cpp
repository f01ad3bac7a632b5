// client_state.cpp: connecting (lazily, with backoff after a failure), the
// command timeout, and the pool of connections for blocking commands.
#include "client_state.hpp"

#include <fmt/format.h>

#include "agentio/core/event_loop.hpp"
#include "agentio/core/sleep.hpp"
#include "agentio/core/timeout.hpp"

namespace agentio::db::redis::detail {

namespace {

Task<Connection*> connected(std::shared_ptr<Client::State> self) {
    if (self->connection && self->connection->is_open()) co_return &*self->connection;
    const Lock::Guard guard = co_await self->connecting.acquire();
    if (self->connection && self->connection->is_open()) co_return &*self->connection;
    EventLoop& loop = *EventLoop::current();
    if (loop.now() < self->next_attempt) co_await sleep_until(self->next_attempt);
    try {
        Task<Connection> opening = Connection::open(self->options);
        Connection fresh = co_await std::move(opening);
        self->connection = std::move(fresh);
    } catch (const std::exception&) {
        self->next_attempt = loop.now() + self->backoff;
        self->backoff = std::min(self->backoff * 2, self->options.reconnect_backoff_max);
        throw;
    }
    self->backoff = self->options.reconnect_backoff;
    co_return &*self->connection;
}

template <class T>
Task<T> within_timeout(const Options& options, const std::string& what, Task<T> call) {
    return wait_for(std::move(call), options.command_timeout,
                    fmt::format("redis {} on {}: no reply within the command timeout", what, options.address()));
}

// A pooled connection for one blocking command. It goes back to the pool
// only if the command ended with a reply (an error reply included); after a
// cancellation or a timeout the server may still be blocking on it, so it
// is closed instead.
class BlockingLease {
public:
    explicit BlockingLease(Client::State& state) noexcept : state_(state) {}
    ~BlockingLease() {
        if (!connection_) return;
        if (reusable_ && connection_->is_open()) state_.idle_blocking.push_back(std::move(*connection_));
        else connection_->close();
    }
    BlockingLease(const BlockingLease&) = delete;
    BlockingLease& operator=(const BlockingLease&) = delete;

    // An idle pooled connection, if one is still open.
    bool take_idle() {
        while (!state_.idle_blocking.empty()) {
            Connection candidate = std::move(state_.idle_blocking.back());
            state_.idle_blocking.pop_back();
            if (candidate.is_open()) {
                connection_ = std::move(candidate);
                return true;
            }
        }
        return false;
    }
    void adopt(Connection connection) { connection_ = std::move(connection); }
    Connection& connection() { return *connection_; }
    void answered() noexcept { reusable_ = true; }

private:
    Client::State& state_;
    std::optional<Connection> connection_;
    bool reusable_ = false;
};

Task<Reply> send_blocking(std::shared_ptr<Client::State> self, Command command) {
    const Semaphore::Permit permit = co_await self->blocking_slots.acquire();
    BlockingLease lease(*self);
    if (!lease.take_idle()) {
        Task<Connection> opening = Connection::open(self->options);
        lease.adopt(co_await std::move(opening));
    }
    const std::string name = command.name();
    Task<Reply> call = lease.connection().command(std::move(command));
    Task<Reply> bounded = within_timeout(self->options, name, std::move(call));
    try {
        Reply reply = co_await std::move(bounded);
        lease.answered();
        co_return reply;
    } catch (const ServerError&) {
        lease.answered();
        throw;
    }
}

}  // namespace

Task<Reply> send_one(std::shared_ptr<Client::State> self, Command command) {
    if (command.blocks()) {
        Task<Reply> blocking = send_blocking(self, std::move(command));
        co_return co_await std::move(blocking);
    }
    Task<Connection*> connecting = connected(self);
    Connection* connection = co_await std::move(connecting);
    const std::string name = self->options.command_timeout ? command.name() : std::string();
    Task<Reply> call = connection->command(std::move(command));
    Task<Reply> bounded = within_timeout(self->options, name, std::move(call));
    co_return co_await std::move(bounded);
}

Task<std::vector<Reply>> send_many(std::shared_ptr<Client::State> self, std::vector<Command> commands) {
    Task<Connection*> connecting = connected(self);
    Connection* connection = co_await std::move(connecting);
    Task<std::vector<Reply>> call = connection->pipeline(std::move(commands));
    Task<std::vector<Reply>> bounded = within_timeout(self->options, "pipeline", std::move(call));
    co_return co_await std::move(bounded);
}

}  // namespace agentio::db::redis::detail
