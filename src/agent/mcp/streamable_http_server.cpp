// streamable_http_server.cpp: sessions keyed by Mcp-Session-Id, each a Session
// whose transport is fed by POST bodies and answers on SSE streams kept by
// session_streams.hpp.
//
// Invariants:
// - A session's Channel is shared by its transport (inside the Session) and
//   by the endpoint; once closed it stays closed: the inbox is closed and
//   every stream is finished, so no HTTP handler waits on a dead session.
// - A client's request has a stream from the moment its POST is accepted
//   until its response is added, the session abandons it (cancelled), or the
//   session closes; messages the session sends about a request without one
//   are dropped; messages about no request go to the standalone stream.
// - Route handlers hold the endpoint's State by shared_ptr, and forward to
//   coroutine functions taking it by value: no lambda capture lives in a
//   coroutine frame.
#include "agentio/agent/mcp/streamable_http_server.hpp"

#include <algorithm>
#include <random>
#include <unordered_map>

#include "agentio/agent/mcp/protocol.hpp"
#include "agentio/core/event_loop.hpp"
#include "agentio/core/queue.hpp"
#include "agentio/core/timeout.hpp"
#include "session_streams.hpp"

namespace agentio::agent::mcp {

namespace {

// Revisions whose clients may name themselves in MCP-Protocol-Version: ours,
// and 2025-03-26, the first with Streamable HTTP (clients and test tools in
// the field still send it after negotiating a later one).
bool is_acceptable_header_version(std::string_view version) {
    return is_supported_protocol_version(version) || version == "2025-03-26";
}

struct Channel {
    Queue<Message> inbox;  // decoded by post(), which routes on each message
    std::shared_ptr<detail::SessionStreams> streams;
    Json initialize_id;                // the initialize request, whose answer names the revision
    std::string protocol_version;      // agreed in initialize; empty until answered
    bool closed = false;

    explicit Channel(const StreamableHttpOptions& options)
        : streams(std::make_shared<detail::SessionStreams>(options.max_replay_events, options.max_replay_streams,
                                                          options.keepalive)) {}

    // Priming events (SEP-1699) go only to clients of 2025-11-25 and later,
    // which know to skip an event without data.
    bool primes() const { return !protocol_version.empty() && protocol_version >= "2025-11-25"; }

    void close() {
        if (closed) return;
        closed = true;
        inbox.close();
        streams->finish_all();
    }
};

class ChannelTransport final : public Transport {
public:
    ChannelTransport(std::shared_ptr<Channel> channel, std::string peer)
        : channel_(std::move(channel)), peer_(std::move(peer)) {}

    Task<std::optional<Incoming>> receive() override {
        try {
            co_return co_await channel_->inbox.get();
        } catch (const QueueClosed&) {
            co_return std::nullopt;  // only our own close() closes the inbox
        }
    }

    Task<> send(Outgoing message) override {
        if (channel_->closed) throw TransportError(peer_ + ": the session has ended");
        const bool is_response = message.kind == Message::Kind::Result || message.kind == Message::Kind::Error;
        if (is_response && !channel_->initialize_id.is_null() && message.id == channel_->initialize_id)
            note_revision(message.text);
        if (message.related_request.is_null()) {
            channel_->streams->append_standalone(std::move(message.text));
            co_return;
        }
        // A message about a request nobody waits for any more is dropped.
        channel_->streams->append_for_request(message.related_request, std::move(message.text), is_response);
    }

    Task<> close() override {
        channel_->close();
        co_return;
    }

    const std::string& peer() const noexcept override { return peer_; }
    void request_abandoned(const Json& id) override { channel_->streams->abandon(id); }
    void close_request_stream(const Json& id) override { channel_->streams->detach(id); }

private:
    void note_revision(const std::string& text) {
        channel_->initialize_id = nullptr;
        try {
            const Json answer = llm::parse_json(text);
            channel_->protocol_version = answer.at("result").at("protocolVersion").get<std::string>();
        } catch (const std::exception&) {
            // An error answer: the client will initialize again.
        }
    }

    std::shared_ptr<Channel> channel_;
    std::string peer_;
};

std::string new_session_id() {
    static thread_local std::random_device device;
    static constexpr char kHex[] = "0123456789abcdef";
    std::string id;
    for (int word = 0; word < 4; ++word) {
        std::uint32_t bits = device();
        for (int nibble = 0; nibble < 8; ++nibble, bits >>= 4) id += kHex[bits & 0xF];
    }
    return id;
}

// Does the Accept header offer `type` ("application/json")?
bool accepts(std::optional<std::string_view> accept, std::string_view type) {
    if (!accept) return false;
    std::string_view rest = *accept;
    while (!rest.empty()) {
        const std::size_t comma = rest.find(',');
        std::string_view item = rest.substr(0, comma);
        item = item.substr(0, item.find(';'));
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (http::iequals(item, type) || item == "*/*") return true;
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return false;
}

// "localhost", "127.0.0.1" or "[::1]", with or without a port.
bool is_loopback_host(std::string_view host) {
    for (std::string_view loopback : {"localhost", "127.0.0.1", "[::1]"}) {
        if (!host.starts_with(loopback)) continue;
        const std::string_view after = host.substr(loopback.size());
        if (after.empty()) return true;
        if (after.front() != ':' || after.size() == 1) return false;
        return std::all_of(after.begin() + 1, after.end(), [](char c) { return c >= '0' && c <= '9'; });
    }
    return false;
}

bool is_loopback_origin(std::string_view origin) {
    for (std::string_view scheme : {"http://", "https://"})
        if (origin.starts_with(scheme)) return is_loopback_host(origin.substr(scheme.size()));
    return false;
}

// A peer address as http::Request gives it: "127.0.0.1:5000", "[::1]:5000".
bool is_loopback_peer(std::string_view peer) {
    return peer.starts_with("127.") || peer.starts_with("[::1]") || peer.starts_with("[::ffff:127.");
}

bool listed(const std::vector<std::string>& allowed, std::string_view value) {
    return std::any_of(allowed.begin(), allowed.end(), [&](const std::string& entry) { return entry == "*" || entry == value; });
}

// An HTTP error with a JSON-RPC error body, as MCP clients expect to read.
http::Response rpc_failure(int status, int code, std::string_view message, const Json& id = nullptr) {
    return http::Response::json(encode_error(id, code, message), status);
}

}  // namespace

struct StreamableHttpServer::State {
    struct Entry {
        std::shared_ptr<Channel> channel;
        Session session;
        TimePoint last_seen;  // its client's last message
    };
    // The session a request names, or why there is none.
    struct Lookup {
        Entry* entry = nullptr;
        http::Response failure;
    };

    Server server;
    StreamableHttpOptions options;
    std::unordered_map<std::string, std::unique_ptr<Entry>> sessions;

    State(Server s, StreamableHttpOptions o) : server(std::move(s)), options(std::move(o)) {}

    ~State() {
        for (auto& [id, entry] : sessions) entry->channel->close();
    }

    // Against DNS rebinding: a web page may reach a loopback server under a
    // name it controls, but its browser sends that name (Host) and the
    // page's Origin.
    std::optional<http::Response> refuse_foreign(const http::Request& request) const {
        if (const auto origin = request.header("Origin");
            origin && !is_loopback_origin(*origin) && !listed(options.allowed_origins, *origin))
            return rpc_failure(403, -32000, "Forbidden: Origin " + std::string(*origin) + " is not allowed");
        if (const auto host = request.header("Host");
            host && is_loopback_peer(request.peer()) && !is_loopback_host(*host) && !listed(options.allowed_hosts, *host))
            return rpc_failure(403, -32000,
                               "Forbidden: Host " + std::string(*host) +
                                   " is not allowed (a client on loopback must name a loopback host, or one in allowed_hosts)");
        return std::nullopt;
    }

    Lookup find_session(const http::Request& request, const Json& id) {
        const auto header = request.header("Mcp-Session-Id");
        if (!header) return {nullptr, rpc_failure(400, -32000, "Bad Request: the Mcp-Session-Id header is required", id)};
        const auto found = sessions.find(std::string(*header));
        if (found == sessions.end() || found->second->channel->closed)
            return {nullptr, rpc_failure(404, -32001, "Session not found: " + std::string(*header), id)};
        if (const auto version = request.header("MCP-Protocol-Version"); version && !is_acceptable_header_version(*version))
            return {nullptr, rpc_failure(400, -32000, "Bad Request: unsupported MCP-Protocol-Version " + std::string(*version), id)};
        found->second->last_seen = get_running_loop().now();
        return {found->second.get(), {}};
    }

    Entry& open_session(const std::string& id) {
        auto channel = std::make_shared<Channel>(options);
        auto transport = std::make_unique<ChannelTransport>(channel, "mcp client of session " + id.substr(0, 8));
        auto entry = std::make_unique<Entry>(Entry{channel, server.session(std::move(transport)), get_running_loop().now()});
        entry->session.start();
        return *sessions.emplace(id, std::move(entry)).first->second;
    }

    // Ends the sessions idle past session_idle_timeout: no message from their
    // client, no call running, no stream open. Run when a session is about
    // to be made, the only time there can be more of them.
    void end_idle_sessions() {
        if (options.session_idle_timeout <= std::chrono::milliseconds::zero()) return;
        const TimePoint now = get_running_loop().now();
        std::erase_if(sessions, [&](const auto& named) {
            const Entry& entry = *named.second;
            if (now - entry.last_seen < options.session_idle_timeout || entry.channel->streams->busy()) return false;
            entry.channel->close();
            return true;  // the Session's destructor stops its reader
        });
    }

    std::optional<std::chrono::milliseconds> priming_retry(const Channel& channel) const {
        if (!channel.primes()) return std::nullopt;
        return options.retry;
    }

    // The response as one JSON body, the stream it finished forgotten; 202
    // when the call was cancelled.
    static http::Response json_answer(detail::SessionStreams& streams, const detail::SseStream& stream,
                                      const http::Headers& headers) {
        http::Response response = stream.answered && !stream.events.empty() ? http::Response::json(stream.events.back())
                                                                             : http::Response::text("", 202);
        streams.forget(stream);
        for (const auto& [name, value] : headers) response.headers.set(name, value);
        return response;
    }

    // json_response: waits for the request's stream to finish (the
    // notifications before its response have no place in one JSON body).
    static Task<http::Response> await_json(std::shared_ptr<detail::SessionStreams> streams,
                                           std::shared_ptr<detail::SseStream> stream, http::Headers headers) {
        while (!stream->finished) {
            stream->changed.clear();
            co_await stream->changed.wait();
        }
        co_return json_answer(*streams, *stream, headers);
    }

    // Waits up to `window` for the first thing sent about the request: true
    // when that was its response, which can then go as one JSON body.
    static Task<bool> answered_alone_within(std::shared_ptr<detail::SseStream> stream, std::chrono::milliseconds window) {
        if (stream->events.empty() && !stream->finished) {
            stream->changed.clear();
            try {
                Task<> change = wait_for(stream->changed.wait(), window);
                co_await std::move(change);
            } catch (const TimeoutError&) {
                co_return false;
            }
        }
        co_return stream->answered && stream->events.size() == 1;
    }

    static Task<http::Response> post(std::shared_ptr<State> self, http::Request& request) {
        if (auto refused = self->refuse_foreign(request)) co_return std::move(*refused);
        const auto accept = request.header("Accept");
        if (!accepts(accept, "application/json") || (!self->options.json_response && !accepts(accept, "text/event-stream")))
            co_return rpc_failure(406, -32000,
                                  "Not Acceptable: the client must accept both application/json and text/event-stream");
        const auto content_type = request.header("Content-Type");
        if (!content_type || !http::iequals(content_type->substr(0, content_type->find(';')), "application/json"))
            co_return rpc_failure(415, -32000, "Unsupported Media Type: the body must be application/json");

        const std::string body = co_await request.text();
        Json value;
        try {
            value = llm::parse_json(body);
        } catch (const llm::JsonError& e) {
            co_return rpc_failure(400, error_code::parse_error, std::string("Parse error: the body is not JSON (") + e.what() + ")");
        }
        Message message;
        try {
            message = decode_value(std::move(value));
        } catch (const RpcError& error) {
            const Json id = error.data().is_object() && error.data().contains("id") ? error.data()["id"] : Json();
            co_return rpc_failure(400, error.code(), error.what(), id);
        }

        Entry* entry = nullptr;
        std::string session_id;
        if (!request.header("Mcp-Session-Id") && message.is_request() && message.method == "initialize") {
            self->end_idle_sessions();
            if (self->sessions.size() >= self->options.max_sessions)
                co_return rpc_failure(503, -32000, "Service Unavailable: too many open sessions");
            session_id = new_session_id();
            entry = &self->open_session(session_id);
            entry->channel->initialize_id = message.id;
        } else {
            Lookup lookup = self->find_session(request, message.id);
            if (!lookup.entry) co_return std::move(lookup.failure);
            entry = lookup.entry;
            session_id = std::string(*request.header("Mcp-Session-Id"));
        }
        Channel& channel = *entry->channel;

        if (!message.is_request()) {
            // Notifications and responses: accepted, the session reads them.
            channel.inbox.try_put(std::move(message));
            co_return http::Response::text("", 202);
        }
        if (channel.streams->is_open_request(message.id))
            co_return rpc_failure(400, error_code::invalid_request,
                                  "request id " + id_key(message.id) + " is already in use", message.id);
        std::shared_ptr<detail::SseStream> stream = channel.streams->open_request_stream(message.id);
        channel.inbox.try_put(std::move(message));

        http::Headers headers;
        headers.set("Mcp-Session-Id", session_id);
        if (self->options.json_response) {
            Task<http::Response> answer = await_json(channel.streams, std::move(stream), std::move(headers));
            co_return co_await std::move(answer);
        }
        // `channel` may be gone after the wait below (DELETE): what follows
        // uses only what is held here.
        std::shared_ptr<detail::SessionStreams> streams = channel.streams;
        const std::optional<std::chrono::milliseconds> retry = self->priming_retry(channel);
        if (self->options.json_answer_window > std::chrono::milliseconds::zero()) {
            Task<bool> waiting = answered_alone_within(stream, self->options.json_answer_window);
            if (co_await std::move(waiting)) co_return json_answer(*streams, *stream, headers);
        }
        http::Response response = http::Response::sse([streams, stream, retry](http::ResponseStream& out) {
            return detail::SessionStreams::write(streams, stream, 1, retry, out);
        });
        for (const auto& [name, value] : headers) response.headers.set(name, value);
        co_return response;
    }

    // GET: the standalone stream, or with Last-Event-ID the rest of any
    // stream the client lost.
    static Task<http::Response> get(std::shared_ptr<State> self, http::Request& request) {
        if (auto refused = self->refuse_foreign(request)) co_return std::move(*refused);
        if (!accepts(request.header("Accept"), "text/event-stream"))
            co_return rpc_failure(406, -32000, "Not Acceptable: the client must accept text/event-stream");
        Lookup lookup = self->find_session(request, nullptr);
        if (!lookup.entry) co_return std::move(lookup.failure);
        Channel& channel = *lookup.entry->channel;
        std::shared_ptr<detail::SseStream> stream;
        std::uint64_t next = 1;
        if (const auto last = request.header("Last-Event-ID")) {
            auto resumed = channel.streams->resume(*last);
            if (!resumed)
                co_return rpc_failure(400, -32000,
                                      "Bad Request: Last-Event-ID " + std::string(*last) +
                                          " names no stream of this session (never sent, or forgotten)");
            std::tie(stream, next) = std::move(*resumed);
        } else {
            stream = channel.streams->standalone();
            if (stream->writer != 0)
                co_return rpc_failure(409, -32000, "Conflict: this session's GET stream is already open");
            next = stream->written + 1;
        }
        co_return http::Response::sse(
            [streams = channel.streams, stream, next, retry = self->priming_retry(channel)](http::ResponseStream& out) {
                return detail::SessionStreams::write(streams, stream, next, retry, out);
            });
    }

    static Task<http::Response> remove(std::shared_ptr<State> self, http::Request& request) {
        if (auto refused = self->refuse_foreign(request)) co_return std::move(*refused);
        Lookup lookup = self->find_session(request, nullptr);
        if (!lookup.entry) co_return std::move(lookup.failure);
        const auto found = self->sessions.find(std::string(*request.header("Mcp-Session-Id")));
        std::unique_ptr<Entry> entry = std::move(found->second);
        self->sessions.erase(found);
        Task<> closing = entry->session.close();
        co_await std::move(closing);
        co_return http::Response::text("", 200);
    }
};

StreamableHttpServer::StreamableHttpServer(Server server, StreamableHttpOptions options)
    : state_(std::make_shared<State>(std::move(server), std::move(options))) {}

StreamableHttpServer::~StreamableHttpServer() {
    for (auto& [id, entry] : state_->sessions) entry->channel->close();
    state_->sessions.clear();
}

void StreamableHttpServer::mount(http::Server& http) const {
    std::shared_ptr<State> state = state_;
    http.route("POST", state->options.path, [state](http::Request& request) { return State::post(state, request); });
    http.route("GET", state->options.path, [state](http::Request& request) { return State::get(state, request); });
    http.route("DELETE", state->options.path,
               [state](http::Request& request) { return State::remove(state, request); });
}

Task<> StreamableHttpServer::close() {
    auto sessions = std::move(state_->sessions);
    state_->sessions.clear();
    for (auto& [id, entry] : sessions) {
        Task<> closing = entry->session.close();
        co_await std::move(closing);
    }
}

std::size_t StreamableHttpServer::session_count() const noexcept { return state_->sessions.size(); }

}  // namespace agentio::agent::mcp
