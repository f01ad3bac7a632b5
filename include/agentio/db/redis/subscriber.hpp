// subscriber.hpp: Subscriber, Redis pub/sub on a connection of its own
// (redis-py's PubSub).
//
// compile-context: extern Client redis;
//     Subscriber news = co_await redis.subscriber();
//     co_await news.subscribe("news", "alerts");
//     co_await news.psubscribe("user:*");
//     while (std::optional<Message> message = co_await news.next())
//         std::cout << message->channel << ": " << message->payload << "\n";
//
// A subscribed connection carries nothing else, so a Subscriber opens its
// own (the client's commands keep their auto-pipelined one).
//
// Promises:
// - subscribe() and its kin return once the server has confirmed every
//   channel or pattern: a message published after that is received.
// - Messages come in the order the server sent them. They queue without
//   bound until next() takes them, so a slow reader never stalls the
//   connection (the server's client-output-buffer-limit is the bound).
// - next() returns nullopt once close() was called. If the connection
//   fails, the messages already received are returned first, then next()
//   throws the connection's error; subscribe again on a new Subscriber
//   (there is no automatic resubscription).
// - RESP3 (messages are pushes) and RESP2 (arrays) read alike.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agentio/core/task.hpp"
#include "agentio/db/redis/command.hpp"
#include "agentio/db/redis/options.hpp"

namespace agentio::db::redis {

struct Message {
    std::string channel;
    std::string payload;
    std::string pattern = {};  // the pattern that matched (psubscribe); empty otherwise
};

class Subscriber {

public:
    static Task<Subscriber> open(Options options);

    Subscriber(Subscriber&&) noexcept;
    Subscriber& operator=(Subscriber&&) noexcept;
    ~Subscriber();

    Task<> subscribe(std::vector<std::string> channels);
    Task<> unsubscribe(std::vector<std::string> channels);
    Task<> psubscribe(std::vector<std::string> patterns);
    Task<> punsubscribe(std::vector<std::string> patterns);
    template <class... Rest>
    Task<> subscribe(std::string_view channel, const Rest&... rest) {
        return subscribe(detail::string_list(channel, rest...));
    }
    template <class... Rest>
    Task<> unsubscribe(std::string_view channel, const Rest&... rest) {
        return unsubscribe(detail::string_list(channel, rest...));
    }
    template <class... Rest>
    Task<> psubscribe(std::string_view pattern, const Rest&... rest) {
        return psubscribe(detail::string_list(pattern, rest...));
    }
    template <class... Rest>
    Task<> punsubscribe(std::string_view pattern, const Rest&... rest) {
        return punsubscribe(detail::string_list(pattern, rest...));
    }

    // The next message; nullopt after close().
    Task<std::optional<Message>> next();
    // Ends the subscription and the connection; next() then returns nullopt.
    void close() noexcept;

    struct State;

private:
    explicit Subscriber(std::shared_ptr<State> state) noexcept;
    std::shared_ptr<State> state_;
};

}  // namespace agentio::db::redis
