// server.cpp: the accept loop, one task per connection, graceful shutdown.
//
// Why shutdown cannot miss a connection: connections are registered by the
// accept loop in the same loop step that accepts them, and the accept loop
// ends (its listener closed) in the step where shutdown() begins; so the set
// shutdown() walks is complete, and each connection removes itself from it as
// its task ends, setting `all_closed` when the last one goes.
#include "agentio/http/server.hpp"

#include <sys/socket.h>

#include <ctime>
#include <unordered_map>

#include "agentio/core/create_task.hpp"
#include "agentio/core/event.hpp"
#include "agentio/core/event_loop.hpp"
#include "agentio/core/timeout.hpp"
#include "agentio/net/tcp_stream.hpp"
#include "agentio/net/tls_stream.hpp"

namespace agentio::http {

namespace {

// "Sun, 22 Nov 2026 05:42:14 GMT", recomputed at most once a second.
const std::string& http_date() {
    thread_local std::time_t cached_second = 0;
    thread_local std::string cached;
    const std::time_t now = std::time(nullptr);
    if (now != cached_second) {
        char text[64];
        std::tm parts{};
        ::gmtime_r(&now, &parts);
        cached.assign(text, std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &parts));
        cached_second = now;
    }
    return cached;
}

bool has_body(int status) { return status >= 200 && status != 204 && status != 304; }

// A chunked (or, for HTTP/1.0, close-delimited) body going out as it is written.
class ChunkedResponseStream final : public ResponseStream {
public:
    ChunkedResponseStream(net::Stream& stream, bool chunked, Duration io_timeout)
        : stream_(stream), chunked_(chunked), io_timeout_(io_timeout) {}

    Task<> write(std::string_view data) override {
        if (aborted_) throw net::ConnectionError("write to " + stream_.peer() + ": the response was aborted");
        if (data.empty()) co_return;  // an empty chunk would end the body
        if (!chunked_) {
            co_await net::write_with_stall_limit(stream_, data, io_timeout_);
            co_return;
        }
        frame_.clear();
        write_chunk(data, frame_);
        co_await net::write_with_stall_limit(stream_, frame_, io_timeout_);
    }
    // A zero linger time makes close() send RST instead of FIN, so the client
    // sees a reset, not an orderly end it could mistake for a complete body.
    void abort() noexcept override {
        if (aborted_) return;
        aborted_ = true;
        if (auto* tcp = dynamic_cast<net::TcpStream*>(&stream_); tcp != nullptr && tcp->is_open()) {
            const ::linger reset{1, 0};
            ::setsockopt(tcp->fd(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
        }
        stream_.close();
    }
    bool aborted() const noexcept { return aborted_; }
    Task<> finish() {
        if (!chunked_) co_return;
        frame_.clear();
        write_last_chunk(frame_);
        co_await net::write_with_stall_limit(stream_, frame_, io_timeout_);
    }

private:
    net::Stream& stream_;
    bool chunked_;
    Duration io_timeout_;
    std::string frame_;
    bool aborted_ = false;
};

}  // namespace

struct ServerState {
    // Requests are always read strictly: a server that accepts what a proxy
    // in front of it reads differently is a request-smuggling target.
    explicit ServerState(ServerOptions o)
        : options(std::move(o)),
          body_budget{Semaphore(static_cast<std::size_t>(options.body_budget)), options.body_budget, options.io_timeout} {
        options.limits.lenient = false;
    }

    struct Connection {
        TaskHandle<> task;
        bool busy = false;  // between a complete request head and the end of its response
    };

    ServerOptions options;
    BodyBudget body_budget;
    Router router;
    net::TcpListener listener;
    TaskHandle<> acceptor;
    std::unordered_map<std::uint64_t, Connection> connections;
    std::uint64_t next_id = 0;
    bool started = false;
    bool stopping = false;
    Event all_closed;
    Event stopped;

    void connection_ended(std::uint64_t id) {
        connections.erase(id);
        if (stopping && connections.empty()) all_closed.set();
    }
};

// Serves the requests of one connection, in order, until it closes.
class ConnectionHandler {
public:
    ConnectionHandler(ServerState& server, std::uint64_t id, net::Stream& stream)
        : server_(server),
          options_(server.options),
          slot_(server.connections[id]),  // a node of the map: stays put until this connection ends
          stream_(stream),
          peer_(stream.peer()),
          reader_(stream, 4096) {}

    Task<> run() {
        const TimePoint opened = EventLoop::current()->now();
        for (bool first = true;; first = false) {
            RequestHead head;
            int error_status = 0;
            std::string error_detail;
            bool have_head = false;
            try {
                // The first head is due header_timeout after the connection opened;
                // later ones that long after their first byte.
                have_head = co_await read_head(head, first ? std::optional<TimePoint>(opened + options_.header_timeout) : std::nullopt);
            } catch (const ParseError& e) {
                error_status = e.status();
                error_detail = e.what();
            } catch (const HeadTimeout&) {
                error_status = 408;
            }
            if (error_status != 0) {
                co_await send_error_and_close(error_status, error_detail);
                co_return;
            }
            if (!have_head) co_return;
            if (!co_await serve_one(std::move(head))) co_return;
        }
    }

private:
    struct HeadTimeout {};

    // True with `head` filled; false if the connection closed or idled out
    // between requests. Throws ParseError or HeadTimeout.
    Task<bool> read_head(RequestHead& head, std::optional<TimePoint> head_deadline) {
        EventLoop& loop = *EventLoop::current();
        for (;;) {
            if (!reader_.buffered().empty()) {
                if (auto consumed = parse_request_head(reader_.buffered(), head, options_.limits)) {
                    reader_.consume(*consumed);
                    co_return true;
                }
                if (!head_deadline) head_deadline = loop.now() + options_.header_timeout;
            }
            if (server_.stopping) co_return false;
            const TimePoint deadline = head_deadline ? *head_deadline : loop.now() + options_.keep_alive_timeout;
            bool more = false;
            bool timed_out = false;
            try {
                more = co_await timeout_at(deadline, reader_.fill(options_.limits.max_head_bytes + 1));
            } catch (const TimeoutError&) {
                timed_out = true;
            }
            if (timed_out) {
                if (reader_.buffered().empty()) co_return false;  // idle: close quietly
                throw HeadTimeout{};
            }
            if (!more) co_return false;  // the client left (mid-head: nobody to answer)
        }
    }

    // Answers one request; true if the connection stays open for the next.
    Task<bool> serve_one(RequestHead head) {
        BodyFraming framing{};
        int error_status = 0;
        std::string error_detail;
        try {
            framing = request_framing(head, options_.limits);
        } catch (const ParseError& e) {
            error_status = e.status();
            error_detail = e.what();
        }
        if (error_status != 0) {
            co_await send_error_and_close(error_status, error_detail);
            co_return false;
        }
        if (framing.kind != BodyFraming::Kind::None && head.headers.has_token("Expect", "100-continue") && head.version_minor >= 1)
            co_await net::write_with_stall_limit(stream_, "HTTP/1.1 100 Continue\r\n\r\n", options_.io_timeout);

        slot_.busy = true;
        Request request(std::move(head), BodyReader(reader_, framing, options_.limits), peer_, &server_.body_budget);
        bool body_failed = false;
        Response response = co_await call_handler(request, body_failed);
        bool reusable = keep_alive(request.head()) && !server_.stopping && !response.headers.has_token("Connection", "close");
        if (!request.body().done() && !body_failed) {
            // What the handler did not read is read and dropped before the
            // answer goes out, keep-alive or not: it must go before the next
            // request, and a body whose framing is broken (a bad chunk line)
            // is answered with its 400, not with a success the client could
            // take for an accepted message. A large remainder is cheaper to
            // drop with the connection.
            bool drained = false;
            try {
                drained = co_await timeout(options_.io_timeout, request.body().drain(64 * 1024));
            } catch (const ParseError& e) {
                response = Response::error(e.status(), e.what());
            } catch (const Error&) {
            }
            reusable = reusable && drained;
        }
        co_await write_response(request, response, reusable);
        slot_.busy = false;
        co_return reusable;
    }

    // `body_failed`: the body broke its framing or a limit while the handler
    // read it, and the answer says so.
    Task<Response> call_handler(Request& request, bool& body_failed) {
        std::string allow;
        const Handler* handler = server_.router.find(request.method(), request.path(), allow);
        if (handler == nullptr) {
            if (allow.empty()) co_return Response::error(404);
            Response response = Response::error(405);
            response.headers.add("Allow", allow);
            co_return response;
        }
        std::exception_ptr failure;
        try {
            co_return co_await (*handler)(request);
        } catch (const ParseError& e) {
            // The body broke a limit or its framing while the handler read it.
            body_failed = true;
            Response response = Response::error(e.status(), e.what());
            response.headers.set("Connection", "close");
            co_return response;
        } catch (const net::ConnectionError&) {
            throw;  // the client is gone: nobody to answer
        } catch (const std::exception&) {
            failure = std::current_exception();
        }
        if (options_.report_handler_errors)
            EventLoop::current()->report({"HTTP handler for " + std::string(request.method()) + " " +
                                              std::string(request.path()) + " failed",
                                          {}, failure});
        Response response = Response::error(500);
        response.headers.set("Connection", "close");
        co_return response;
    }

    // The head for `response`, framed as the body will be sent.
    static ResponseHead make_head(Response& response, bool streamed, bool http11, bool reusable) {
        ResponseHead head;
        head.status = response.status;
        head.reason = std::string(reason_phrase(response.status));
        head.version_minor = 1;
        head.headers = std::move(response.headers);
        head.headers.set("Date", http_date());
        if (streamed) {
            if (http11) head.headers.set("Transfer-Encoding", "chunked");
        } else if (has_body(response.status)) {
            head.headers.set("Content-Length", std::to_string(response.body.size()));
        }
        if (!reusable) head.headers.set("Connection", "close");
        else if (!http11) head.headers.set("Connection", "keep-alive");
        return head;
    }

    Task<> write_response(const Request& request, Response& response, bool& reusable) {
        const bool streamed = static_cast<bool>(response.stream);
        const bool http11 = request.head().version_minor >= 1;
        if (streamed && !http11) reusable = false;  // an HTTP/1.0 stream ends with the connection
        const bool body_allowed = has_body(response.status) && request.method() != "HEAD";
        out_.clear();
        write_response_head(make_head(response, streamed, http11, reusable), out_);
        if (!streamed && body_allowed) out_.append(response.body);
        co_await net::write_with_stall_limit(stream_, out_, options_.io_timeout);
        if (streamed && body_allowed) {
            ChunkedResponseStream body(stream_, http11, options_.io_timeout);
            co_await response.stream(body);  // if it throws, the connection closes without the last chunk
            if (body.aborted()) {
                reusable = false;
                co_return;  // the socket is already gone: no last chunk, no shutdown
            }
            co_await body.finish();
        }
        if (!reusable) co_await stream_.shutdown_write();
    }

    Task<> send_error_and_close(int status, const std::string& detail) {
        Response response = Response::error(status, detail);
        out_.clear();
        write_response_head(make_head(response, false, true, false), out_);
        out_.append(response.body);
        try {
            co_await net::write_with_stall_limit(stream_, out_, options_.io_timeout);
            co_await stream_.shutdown_write();
        } catch (const Error&) {
            // The client that sent garbage may not be listening: nothing to do.
        }
    }

    ServerState& server_;
    const ServerOptions& options_;
    ServerState::Connection& slot_;
    net::Stream& stream_;
    std::string peer_;
    net::BufferedReader reader_;
    std::string out_;
};

namespace {

Task<> serve_connection(std::shared_ptr<ServerState> server, std::uint64_t id, std::unique_ptr<net::Stream> stream) {
    struct Unregister {
        ServerState& server;
        std::uint64_t id;
        ~Unregister() { server.connection_ended(id); }
    } unregister{*server, id};
    try {
        if (server->options.tls)
            stream = co_await timeout(server->options.header_timeout, net::TlsStream::accept(std::move(stream), *server->options.tls));
        ConnectionHandler handler(*server, id, *stream);
        co_await handler.run();
    } catch (const std::exception&) {
        // A reset, a failed TLS handshake, a client too slow to read its
        // response: it ends this connection only.
    }
}

Task<> accept_loop(std::shared_ptr<ServerState> server) {
    for (;;) {
        net::TcpStream stream;
        bool closed = false;
        try {
            stream = co_await server->listener.accept();
        } catch (const net::ConnectionError&) {
            closed = true;  // the listener was closed: shutdown() began
        }
        if (closed || server->stopping) co_return;
        const std::uint64_t id = server->next_id++;
        server->connections[id].task = create_task(serve_connection(server, id, std::make_unique<net::TcpStream>(std::move(stream))));
    }
}

}  // namespace

Server::Server(ServerOptions options) : state_(std::make_shared<ServerState>(std::move(options))) {}

Server::~Server() {
    if (!state_->started || state_->stopping) return;
    // Not shut down: stop what still runs; the tasks hold the state alive
    // until they have unwound.
    state_->stopping = true;
    state_->listener.close();
    state_->acceptor = TaskHandle<>();  // it ends by itself now; see shutdown()
    if (EventLoop::current() == nullptr) return;
    for (auto& [id, connection] : state_->connections) connection.task.cancel();
}

void Server::route(std::string method, std::string path, Handler handler) {
    state_->router.add(std::move(method), std::move(path), std::move(handler));
}

Router& Server::router() noexcept { return state_->router; }

void Server::start(std::string_view ip, std::uint16_t port) {
    if (state_->started) throw InvalidStateError("http::Server::start() called twice");
    state_->listener = net::TcpListener::bind(ip, port);
    state_->started = true;
    state_->acceptor = create_task(accept_loop(state_), "http::Server accept loop");
}

Task<> Server::serve(std::string_view ip, std::uint16_t port) {
    start(ip, port);
    co_await state_->stopped.wait();
}

std::uint16_t Server::port() const noexcept { return state_->listener.port(); }

std::size_t Server::open_connections() const noexcept { return state_->connections.size(); }

Task<> Server::shutdown(Duration grace) {
    std::shared_ptr<ServerState> state = state_;
    if (state->stopping) {
        co_await state->stopped.wait();
        co_return;
    }
    state->stopping = true;
    state->listener.close();
    for (auto& [id, connection] : state->connections)
        if (!connection.busy) connection.task.cancel();
    if (!state->connections.empty()) {
        bool timed_out = false;
        try {
            co_await wait_for(state->all_closed.wait(), grace);
        } catch (const TimeoutError&) {
            timed_out = true;
        }
        if (timed_out) {
            for (auto& [id, connection] : state->connections) connection.task.cancel();
            if (!state->connections.empty()) co_await state->all_closed.wait();
        }
    }
    // Taken out of the state: the finished task's frame holds the state, and a
    // handle kept in the state would keep both alive forever.
    TaskHandle<> acceptor = std::move(state->acceptor);
    if (acceptor.valid()) co_await acceptor;
    state->stopped.set();
}

}  // namespace agentio::http
