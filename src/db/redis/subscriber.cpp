// subscriber.cpp: a connection whose messages go to a queue and whose
// subscription confirmations answer the commands that asked for them.
#include "agentio/db/redis/subscriber.hpp"

#include <memory>

#include "agentio/core/errors.hpp"
#include "agentio/core/queue.hpp"
#include "agentio/db/redis/errors.hpp"
#include "connection_state.hpp"

namespace agentio::db::redis {

struct Subscriber::State {
    std::shared_ptr<detail::ConnectionState> connection;
    Queue<Message> messages;  // unbounded
    std::exception_ptr failure;

    // Messages go to the queue; confirmations go on to the commands waiting
    // for them; other pushes (client tracking) are dropped.
    bool intercept(Reply& reply) {
        const bool push = reply.kind == Reply::Kind::Push;
        if (!push && reply.kind != Reply::Kind::Array) return false;
        if (reply.elements.size() < 3 || !reply.elements[0].is_string()) return push;
        const std::string& kind = reply.elements[0].text;
        if (kind == "message" || kind == "smessage") {
            if (!messages.closed()) messages.try_put(Message{std::move(reply.elements[1].text), std::move(reply.elements[2].text)});
            return true;
        }
        if (kind == "pmessage" && reply.elements.size() >= 4) {
            if (!messages.closed())
                messages.try_put(Message{std::move(reply.elements[2].text), std::move(reply.elements[3].text),
                                         std::move(reply.elements[1].text)});
            return true;
        }
        if (kind.ends_with("subscribe")) {  // (p|s)(un)subscribe: a confirmation
            reply.kind = Reply::Kind::Array;
            return false;
        }
        return push;
    }

    void detach() noexcept {
        if (!connection) return;
        connection->intercept = nullptr;
        connection->on_end = nullptr;
    }

    Task<> confirm(std::string_view verb, std::vector<std::string> names) {
        if (names.empty()) co_return;
        Command command(verb);
        command.args(names);
        Task<std::vector<Reply>> confirmed = detail::exchange_many(connection, std::move(command), names.size());
        co_await std::move(confirmed);
    }
};

Subscriber::Subscriber(std::shared_ptr<State> state) noexcept : state_(std::move(state)) {}
Subscriber::Subscriber(Subscriber&&) noexcept = default;
Subscriber& Subscriber::operator=(Subscriber&& other) noexcept {
    if (this != &other) {
        close();
        state_ = std::move(other.state_);
    }
    return *this;
}
Subscriber::~Subscriber() { close(); }

Task<Subscriber> Subscriber::open(Options options) {
    auto state = std::make_shared<State>();
    // The hooks hold the state weakly: the connection may outlive it by a moment.
    const std::weak_ptr<State> weak = state;
    Task<std::shared_ptr<detail::ConnectionState>> opening =
        detail::open_state(std::move(options), [weak](detail::ConnectionState& connection) {
            connection.subscriber = true;
            connection.intercept = [weak](Reply& reply) {
                const std::shared_ptr<State> alive = weak.lock();
                return alive ? alive->intercept(reply) : reply.kind == Reply::Kind::Push;
            };
            connection.on_end = [weak](std::exception_ptr error) {
                if (const std::shared_ptr<State> alive = weak.lock()) {
                    alive->failure = std::move(error);
                    alive->messages.close();
                }
            };
        });
    state->connection = co_await std::move(opening);
    co_return Subscriber(std::move(state));
}

Task<> Subscriber::subscribe(std::vector<std::string> channels) { return state_->confirm("SUBSCRIBE", std::move(channels)); }
Task<> Subscriber::unsubscribe(std::vector<std::string> channels) {
    return state_->confirm("UNSUBSCRIBE", std::move(channels));
}
Task<> Subscriber::psubscribe(std::vector<std::string> patterns) { return state_->confirm("PSUBSCRIBE", std::move(patterns)); }
Task<> Subscriber::punsubscribe(std::vector<std::string> patterns) {
    return state_->confirm("PUNSUBSCRIBE", std::move(patterns));
}

Task<std::optional<Message>> Subscriber::next() {
    State& state = *state_;
    bool ended = false;
    Message message;
    try {
        message = co_await state.messages.get();
    } catch (const QueueClosed&) {
        ended = true;
    }
    if (!ended) co_return message;
    if (state.failure) std::rethrow_exception(state.failure);
    co_return std::nullopt;
}

void Subscriber::close() noexcept {
    if (!state_) return;
    state_->detach();
    if (state_->connection) state_->connection->close();
    state_->messages.close();
}

}  // namespace agentio::db::redis
