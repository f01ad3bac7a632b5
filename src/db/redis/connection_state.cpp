// connection_state.cpp: the writer, the reader, matching replies to waiters,
// and the greeting a new connection starts with.
#include "connection_state.hpp"

#include <fmt/format.h>

#include "agentio/core/create_task.hpp"
#include "agentio/core/event_loop.hpp"
#include "agentio/core/timeout.hpp"
#include "agentio/db/redis/errors.hpp"
#include "agentio/net/connect.hpp"
#include "agentio/net/errors.hpp"
#include "agentio/net/tls_stream.hpp"

namespace agentio::db::redis::detail {

ConnectionState::ConnectionState(Options o)
    : options(std::move(o)), peer("redis " + options.address()), parser(options.limits) {}

void ConnectionState::check_open() const {
    if (open) return;
    if (end) std::rethrow_exception(end);
    throw net::ConnectionError(peer + ": the connection is closed");
}

void ConnectionState::enqueue(std::span<Command> commands, Waiter& waiter, std::size_t replies_each) {
    if (!subscriber) {
        for (Command& command : commands) {
            // Its replies would not match commands any more.
            if (command.subscribes())
                throw InvalidStateError(peer + ": " + command.name() +
                                        " would turn this shared connection into a subscriber; use redis::Subscriber");
        }
    }
    check_open();
    for (Command& command : commands) {
        outbox.append(command.wire());
        for (std::size_t i = 0; i < replies_each; ++i) waiting.push_back(&waiter);
    }
    waiter.expected = commands.size() * replies_each;
    stats.commands += commands.size();
    wake_writer.set();
}

void ConnectionState::deliver(Reply reply) {
    if (intercept && intercept(reply)) return;
    if (reply.kind == Reply::Kind::Push) return;  // out of band, not a reply
    if (waiting.empty()) throw ProtocolError(fmt::format("a reply nobody asked for: {}", reply.describe()));
    Waiter* waiter = waiting.front();
    waiting.pop_front();
    ++stats.replies;
    if (waiter == nullptr) return;  // its command's task left
    waiter->out[waiter->received++] = std::move(reply);
    if (waiter->received == waiter->expected) waiter->done.set();
}

void ConnectionState::forget(const Waiter& waiter) noexcept {
    for (Waiter*& entry : waiting)
        if (entry == &waiter) entry = nullptr;
}

void ConnectionState::fail_all(std::exception_ptr error) noexcept {
    if (!open) return;
    open = false;
    end = error;
    std::deque<Waiter*> owed = std::move(waiting);
    waiting.clear();
    for (Waiter* waiter : owed) {
        if (waiter == nullptr || waiter->done.is_set()) continue;
        waiter->error = error;
        waiter->done.set();
    }
    if (stream) stream->close();  // wakes a read or write in flight
    wake_writer.set();            // and an idle writer, which sees !open
    if (on_end) std::exchange(on_end, nullptr)(error);
}

void ConnectionState::ended_by_cancel() noexcept {
    // run() cancels what is left when its main task ends: the connection
    // cannot go on without its reader and writer (nor on another loop).
    fail_all(std::make_exception_ptr(net::ConnectionError(peer + ": closed when its event loop ended")));
}

void ConnectionState::close() noexcept {
    fail_all(std::make_exception_ptr(net::ConnectionError(peer + ": the connection was closed")));
}

Task<> ConnectionState::write_loop(std::shared_ptr<ConnectionState> self) {
    std::string writing;
    try {
        for (;;) {
            co_await self->wake_writer.wait();
            self->wake_writer.clear();
            if (!self->open) co_return;
            if (self->outbox.empty()) continue;
            writing.swap(self->outbox);
            ++self->stats.writes;
            co_await self->stream->write(writing);
            // One huge value should not pin its buffer for the connection's life.
            if (writing.capacity() > (1u << 20)) writing = std::string();
            writing.clear();
        }
    } catch (const CancelledError&) {
        self->ended_by_cancel();
        throw;
    } catch (const std::exception& e) {
        self->fail_all(std::make_exception_ptr(net::ConnectionError(self->peer + ": write failed: " + e.what())));
    }
}

Task<> ConnectionState::read_loop(std::shared_ptr<ConnectionState> self) {
    try {
        for (;;) {
            const std::span<char> room = self->parser.prepare();
            const std::size_t n = co_await self->stream->read(room);
            if (n == 0) throw net::ConnectionError(self->peer + ": the server closed the connection");
            self->parser.commit(n);
            while (std::optional<Reply> reply = self->parser.next()) self->deliver(std::move(*reply));
        }
    } catch (const CancelledError&) {
        self->ended_by_cancel();
        throw;
    } catch (const ProtocolError& e) {
        self->fail_all(std::make_exception_ptr(ProtocolError(self->peer + " sent a bad reply: " + e.what())));
    } catch (const net::ConnectionError& e) {
        const std::string what = e.what();
        self->fail_all(std::make_exception_ptr(
            what.starts_with(self->peer) ? e : net::ConnectionError(self->peer + ": " + what, e.code())));
    } catch (const std::exception& e) {
        self->fail_all(std::make_exception_ptr(net::ConnectionError(self->peer + ": " + e.what())));
    }
}

void ConnectionState::start(std::unique_ptr<net::Stream> connected, const std::shared_ptr<ConnectionState>& self) {
    stream = std::move(connected);
    create_task(read_loop(self), peer + " reader");
    create_task(write_loop(self), peer + " writer");
}

Task<std::vector<Reply>> exchange(std::shared_ptr<ConnectionState> self, std::vector<Command> commands) {
    std::vector<Reply> replies(commands.size());
    if (commands.empty()) co_return replies;
    Waiter waiter;
    waiter.out = replies.data();
    self->enqueue(commands, waiter);
    PendingReplies pending(*self, waiter);
    co_await waiter.done.wait();
    if (waiter.error) std::rethrow_exception(waiter.error);
    co_return replies;
}

Task<Reply> exchange_one(std::shared_ptr<ConnectionState> self, Command command) {
    Reply reply;
    Waiter waiter;
    waiter.out = &reply;
    self->enqueue(std::span<Command>(&command, 1), waiter);
    PendingReplies pending(*self, waiter);
    co_await waiter.done.wait();
    if (waiter.error) std::rethrow_exception(waiter.error);
    if (reply.kind == Reply::Kind::Error) throw ServerError(command.name(), std::move(reply.text));
    co_return reply;
}

Task<std::vector<Reply>> exchange_many(std::shared_ptr<ConnectionState> self, Command command, std::size_t count) {
    std::vector<Reply> replies(count);
    Waiter waiter;
    waiter.out = replies.data();
    self->enqueue(std::span<Command>(&command, 1), waiter, count);
    PendingReplies pending(*self, waiter);
    co_await waiter.done.wait();
    if (waiter.error) std::rethrow_exception(waiter.error);
    for (Reply& reply : replies)
        if (reply.kind == Reply::Kind::Error) throw ServerError(command.name(), std::move(reply.text));
    co_return replies;
}

namespace {

bool hello_unknown(const ServerError& error) {
    // Redis before 6 does not know HELLO; a server without RESP3 says NOPROTO.
    return error.code() == "NOPROTO" || error.message().find("unknown command") != std::string::npos;
}

Task<> greet(std::shared_ptr<ConnectionState> self) {
    const Options& options = self->options;
    net::TcpStream tcp = co_await net::connect(options.host, options.port);
    std::unique_ptr<net::Stream> stream = std::make_unique<net::TcpStream>(std::move(tcp));
    if (options.tls) {
        const net::TlsContext context = net::TlsContext::client(options.tls_options);
        Task<std::unique_ptr<net::TlsStream>> handshake = net::TlsStream::connect(std::move(stream), context, options.host);
        stream = co_await std::move(handshake);
    }
    self->start(std::move(stream), self);

    bool fall_back = options.protocol != 3;
    if (!fall_back) {
        Command hello("HELLO", "3");
        if (!options.password.empty())
            hello.arg("AUTH").arg(options.username.empty() ? "default" : options.username).arg(options.password);
        if (!options.client_name.empty()) hello.arg("SETNAME").arg(options.client_name);
        try {
            Task<Reply> said = exchange_one(self, std::move(hello));
            co_await std::move(said);
            self->protocol = 3;
        } catch (const ServerError& error) {
            if (!hello_unknown(error)) throw;
            fall_back = true;
        }
    }
    if (fall_back) {
        std::vector<Command> setup;
        if (!options.password.empty()) {
            setup.push_back(options.username.empty() ? Command("AUTH", options.password)
                                                     : Command("AUTH", options.username, options.password));
        }
        if (!options.client_name.empty()) setup.push_back(Command("CLIENT", "SETNAME", options.client_name));
        std::vector<std::string> names;
        for (const Command& command : setup) names.push_back(command.name());
        Task<std::vector<Reply>> sent = exchange(self, std::move(setup));
        const std::vector<Reply> replies = co_await std::move(sent);
        for (std::size_t i = 0; i < replies.size(); ++i)
            if (replies[i].is_error()) throw ServerError(names[i], replies[i].text);
    }
    if (options.database != 0) {
        Task<Reply> selected = exchange_one(self, Command("SELECT", options.database));
        co_await std::move(selected);
    }
}

// Closes a connection that did not finish opening.
class ClosedUnlessKept {
public:
    explicit ClosedUnlessKept(ConnectionState& state) noexcept : state_(&state) {}
    ~ClosedUnlessKept() {
        if (state_ != nullptr) state_->close();
    }
    ClosedUnlessKept(const ClosedUnlessKept&) = delete;
    ClosedUnlessKept& operator=(const ClosedUnlessKept&) = delete;
    void keep() noexcept { state_ = nullptr; }

private:
    ConnectionState* state_;
};

}  // namespace

Task<std::shared_ptr<ConnectionState>> open_state(Options options, std::function<void(ConnectionState&)> prepare) {
    auto state = std::make_shared<ConnectionState>(std::move(options));
    if (prepare) prepare(*state);
    ClosedUnlessKept guard(*state);
    Task<> greeting = greet(state);
    Task<> within_limit =
        wait_for(std::move(greeting), state->options.connect_timeout, state->peer + ": no connection within the connect timeout");
    co_await std::move(within_limit);
    guard.keep();
    co_return state;
}

}  // namespace agentio::db::redis::detail
