// connection_state.hpp (internal): the state of one Redis connection, shared
// by Connection, Subscriber and the client's pool: one writer task, one
// reader task, and a queue of waiters matched to replies in order.
//
// Invariants:
// - `waiting` has one entry per reply the server still owes, in the order
//   the commands went into `outbox`; an entry is null when its command's
//   task left (cancelled, timed out), and that reply is then dropped.
// - A Waiter lives in its command's coroutine frame; its PendingReplies guard
//   nulls its entries when the frame leaves early, so the reader never
//   touches a waiter that is gone.
// - Once `open` is false it stays false, and fail_all() has woken every
//   waiter with the reason; nothing joins `waiting` after that.
// - The reader and writer tasks hold the state by shared_ptr and end when
//   the stream fails or is closed; the state holds no handle to them, which
//   would be a cycle. When run() cancels them as its loop ends, the
//   connection is closed with them: a Client used again under a new loop
//   then connects again instead of waiting on tasks that are gone.
#pragma once

#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "agentio/core/event.hpp"
#include "agentio/core/task.hpp"
#include "agentio/db/redis/command.hpp"
#include "agentio/db/redis/connection.hpp"
#include "agentio/db/redis/options.hpp"
#include "agentio/db/redis/reply.hpp"
#include "agentio/db/redis/resp_parser.hpp"
#include "agentio/net/stream.hpp"

namespace agentio::db::redis::detail {

struct Waiter {
    Event done;
    Reply* out = nullptr;  // room for `expected` replies
    std::size_t expected = 0;
    std::size_t received = 0;
    std::exception_ptr error;
};

struct ConnectionState {
    explicit ConnectionState(Options o);

    Options options;
    std::string peer;  // "redis 127.0.0.1:6379", the start of every message
    std::unique_ptr<net::Stream> stream;
    RespParser parser;
    std::string outbox;
    std::deque<Waiter*> waiting;
    Event wake_writer;
    bool open = true;
    std::exception_ptr end;
    int protocol = 2;
    Connection::Stats stats;
    // A subscriber's connection allows SUBSCRIBE and its kin.
    bool subscriber = false;
    // Sees each reply before it is matched to a command; true if it took it
    // (a subscriber's messages). Unset: RESP3 pushes are dropped.
    std::function<bool(Reply&)> intercept;
    // Told once, when the connection fails or is closed.
    std::function<void(std::exception_ptr)> on_end;

    void check_open() const;
    // Queues `commands` (contiguous) for `waiter`, which gets
    // `replies_each` replies per command.
    void enqueue(std::span<Command> commands, Waiter& waiter, std::size_t replies_each = 1);
    void deliver(Reply reply);
    void forget(const Waiter& waiter) noexcept;
    void fail_all(std::exception_ptr error) noexcept;
    void close() noexcept;
    // The reader or writer was cancelled (run() ending): closed for good.
    void ended_by_cancel() noexcept;

    static Task<> write_loop(std::shared_ptr<ConnectionState> self);
    static Task<> read_loop(std::shared_ptr<ConnectionState> self);
    void start(std::unique_ptr<net::Stream> connected, const std::shared_ptr<ConnectionState>& self);
};

// Takes a waiter's entries out of `waiting` if its frame leaves before the
// replies came (cancelled, timed out, an exception).
class PendingReplies {
public:
    PendingReplies(ConnectionState& state, Waiter& waiter) noexcept : state_(state), waiter_(waiter) {}
    ~PendingReplies() {
        if (!waiter_.done.is_set()) state_.forget(waiter_);
    }
    PendingReplies(const PendingReplies&) = delete;
    PendingReplies& operator=(const PendingReplies&) = delete;

private:
    ConnectionState& state_;
    Waiter& waiter_;
};

// Several commands, contiguous; their replies, error replies as values.
Task<std::vector<Reply>> exchange(std::shared_ptr<ConnectionState> self, std::vector<Command> commands);
// One command; ServerError for an error reply.
Task<Reply> exchange_one(std::shared_ptr<ConnectionState> self, Command command);
// One command that the server answers `replies` times (SUBSCRIBE a b c).
Task<std::vector<Reply>> exchange_many(std::shared_ptr<ConnectionState> self, Command command, std::size_t replies);

// A connected, greeted connection (HELLO/AUTH/SETNAME/SELECT), within the
// connect timeout. `prepare` runs on the state before the reader starts.
Task<std::shared_ptr<ConnectionState>> open_state(Options options,
                                                  std::function<void(ConnectionState&)> prepare = {});

}  // namespace agentio::db::redis::detail
