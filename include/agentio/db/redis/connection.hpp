// connection.hpp: Connection, one Redis connection shared by many tasks.
//
// compile-context: extern Options options;
//     Connection connection = co_await Connection::open(options);
//     Reply pong = co_await connection.command(Command("PING"));
//
// Auto-pipelining, as ioredis does it: a command is appended to the
// connection's outgoing buffer and its task waits; everything the loop's
// tasks append before the writer runs goes out in one write, and replies are
// matched to waiters in order. A thousand tasks doing GET at once cost a
// handful of writes and reads, not a thousand round trips.
//
// Promises:
// - Order: commands reach the server in the order their tasks issued them,
//   and a pipeline() or transaction() goes out contiguous (no other task's
//   command between its parts).
// - A command cancelled (or timed out) after it was queued may still run on
//   the server (as in every Redis client); its reply is read and dropped, so
//   the commands after it get their own replies, never a neighbour's.
// - An error reply is a ServerError for that command only. A connection
//   that fails (reset, EOF, bytes that are not RESP) fails every waiting
//   command with that error, naming the server, and stays closed: is_open()
//   turns false and later commands fail at once (Client reconnects).
// - RESP3 push messages (client tracking invalidations) are not replies and
//   are not matched to commands; they are dropped here (pub/sub has its own
//   connection type).
// The handle is move-only; destroying it closes the connection and fails
// whatever still waits on it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "agentio/core/task.hpp"
#include "agentio/db/redis/command.hpp"
#include "agentio/db/redis/options.hpp"
#include "agentio/db/redis/reply.hpp"

namespace agentio::db::redis {

namespace detail {
struct ConnectionState;
}

class Connection {
public:
    // Connects and says hello: HELLO 3 with AUTH and SETNAME (RESP2 and a
    // plain AUTH when `protocol` is 2 or the server predates HELLO), then
    // SELECT when `database` is not 0. Errors: net's connect errors, TlsError,
    // ServerError (a wrong password: "redis AUTH: WRONGPASS ..."), and
    // TimeoutError after `connect_timeout`.
    static Task<Connection> open(Options options);

    Connection(Connection&&) noexcept;
    Connection& operator=(Connection&&) noexcept;
    ~Connection();

    // One command's reply; ServerError if it is an error reply.
    Task<Reply> command(Command command);
    // Several commands sent together; their replies in order, an error reply
    // as a Reply of kind Error (the others still run, as in redis-py's
    // pipeline with raise_on_error=False).
    Task<std::vector<Reply>> pipeline(std::vector<Command> commands);

    bool is_open() const noexcept;
    // The protocol the server agreed to: 3 or 2.
    int protocol() const noexcept;
    const Options& options() const noexcept;
    // Fails every waiting command with "closed" and releases the socket.
    void close() noexcept;

    // Writes and reads so far, for tests and metrics: how well auto-pipelining batches.
    struct Stats {
        std::uint64_t commands = 0;
        std::uint64_t writes = 0;
        std::uint64_t replies = 0;
    };
    Stats stats() const noexcept;

private:
    explicit Connection(std::shared_ptr<detail::ConnectionState> state) noexcept;
    std::shared_ptr<detail::ConnectionState> state_;
};

}  // namespace agentio::db::redis
