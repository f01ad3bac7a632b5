// client_state.hpp (internal): what copies of a Client share, and the two
// ways a command is sent: on the shared auto-pipelined connection, or (for a
// blocking command) on a pooled connection of its own.
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "agentio/core/lock.hpp"
#include "agentio/core/semaphore.hpp"
#include "agentio/db/redis/client.hpp"
#include "agentio/db/redis/errors.hpp"

namespace agentio::db::redis {

struct Client::State {
    explicit State(Options o)
        : options(std::move(o)), backoff(options.reconnect_backoff), blocking_slots(std::max<std::size_t>(1, options.max_blocking_connections)) {}

    Options options;
    // The shared connection, (re)opened under `connecting` by the first
    // command that finds it missing or closed.
    std::optional<Connection> connection;
    Lock connecting;
    TimePoint next_attempt{};
    Duration backoff;
    // Blocking commands: at most max_blocking_connections at once, FIFO;
    // connections that finished their command cleanly wait here for the next.
    Semaphore blocking_slots;
    std::vector<Connection> idle_blocking;
    // SHA-1 of each script eval() has run, by the script's text.
    std::map<std::string, std::string, std::less<>> script_shas;
};

namespace detail {

// The command's reply: on the shared connection, or on a pooled one if it
// blocks. Within the command timeout, if there is one.
Task<Reply> send_one(std::shared_ptr<Client::State> self, Command command);
Task<std::vector<Reply>> send_many(std::shared_ptr<Client::State> self, std::vector<Command> commands);

template <class T>
using Convert = T (*)(Reply);

// Awaits `call` and converts its reply.
template <class T>
Task<T> then(Task<Reply> call, Convert<T> convert) {
    Reply reply = co_await std::move(call);
    if constexpr (std::is_void_v<T>) convert(std::move(reply));
    else co_return convert(std::move(reply));
}

// The reply's integer, as a Convert for then().
inline std::int64_t integer(Reply reply) { return reply.as_integer(); }

inline const std::vector<Reply>& aggregate(const Reply& reply) {
    if (!reply.is_aggregate()) throw ReplyTypeError("redis reply: expected an array, got " + reply.describe());
    return reply.elements;
}

}  // namespace detail

}  // namespace agentio::db::redis
