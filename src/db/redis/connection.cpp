// connection.cpp: the public handle on one auto-pipelined connection
// (connection_state.hpp does the work).
#include "agentio/db/redis/connection.hpp"

#include "connection_state.hpp"

namespace agentio::db::redis {

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

Task<Connection> Connection::open(Options options) {
    Task<std::shared_ptr<detail::ConnectionState>> opening = detail::open_state(std::move(options));
    std::shared_ptr<detail::ConnectionState> state = co_await std::move(opening);
    co_return Connection(std::move(state));
}

Task<Reply> Connection::command(Command command) { return detail::exchange_one(state_, std::move(command)); }

Task<std::vector<Reply>> Connection::pipeline(std::vector<Command> commands) {
    return detail::exchange(state_, std::move(commands));
}

bool Connection::is_open() const noexcept { return state_ && state_->open; }
int Connection::protocol() const noexcept { return state_ ? state_->protocol : 0; }
const Options& Connection::options() const noexcept { return state_->options; }
Connection::Stats Connection::stats() const noexcept { return state_ ? state_->stats : Stats{}; }

void Connection::close() noexcept {
    if (state_) state_->close();
}

}  // namespace agentio::db::redis
