// streamable_http_server.cpp: sessions keyed by Mcp-Session-Id, each a Session
// whose transport is fed by POST bodies and answers on their response streams.
//
// Invariants:
// - A session's Channel is shared by its transport (inside the Session) and
//   by the endpoint; once closed it stays closed: the inbox is closed and
//   every response stream is ended, so no HTTP handler waits on a dead session.
// - A client's request has a reply stream in `replies` from the moment its
//   POST is accepted until its response is sent, the session abandons it
//   (cancelled), or the session closes; messages the session sends about a
//   request with no stream (its client went away) are dropped.
// - Route handlers hold the endpoint's State by shared_ptr, and forward to
//   coroutine functions taking it by value: no lambda capture lives in a
//   coroutine frame.
#include "agentio/agent/mcp/streamable_http_server.hpp"

#include <algorithm>
#include <random>
#include <unordered_map>

#include "agentio/agent/mcp/protocol.hpp"
#include "agentio/core/queue.hpp"

namespace agentio::agent::mcp {

namespace {

// What the session sends about one client request, ended by its response.
struct ReplyStream {
    Queue<std::string> messages;
};

struct Channel {
    Queue<std::string> inbox;
    std::unordered_map<std::string, std::shared_ptr<ReplyStream>> replies;  // by id_key of the request
    bool closed = false;

    void end_reply(const Json& id) {
        const auto found = replies.find(id_key(id));
        if (found == replies.end()) return;
        found->second->messages.close();
        replies.erase(found);
    }

    void close() {
        if (closed) return;
        closed = true;
        inbox.close();
        for (auto& [key, reply] : replies) reply->messages.close();
        replies.clear();
    }
};

class ChannelTransport final : public Transport {
public:
    ChannelTransport(std::shared_ptr<Channel> channel, std::string peer)
        : channel_(std::move(channel)), peer_(std::move(peer)) {}

    Task<std::optional<std::string>> receive() override {
        try {
            co_return co_await channel_->inbox.get();
        } catch (const QueueClosed&) {
            co_return std::nullopt;  // only our own close() closes the inbox
        }
    }

    Task<> send(Outgoing message) override {
        if (channel_->closed) throw TransportError(peer_ + ": the session has ended");
        // Without a request to ride on there is no stream to carry it (no GET
        // stream is offered), so the message is dropped.
        if (message.related_request.is_null()) co_return;
        const auto found = channel_->replies.find(id_key(message.related_request));
        if (found == channel_->replies.end()) co_return;
        const bool is_response = message.kind == Message::Kind::Result || message.kind == Message::Kind::Error;
        if (!found->second->messages.closed()) found->second->messages.try_put(std::move(message.text));
        if (is_response) channel_->end_reply(message.related_request);
    }

    Task<> close() override {
        channel_->close();
        co_return;
    }

    const std::string& peer() const noexcept override { return peer_; }
    void request_abandoned(const Json& id) override { channel_->end_reply(id); }

private:
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

bool is_loopback_origin(std::string_view origin) {
    for (std::string_view scheme : {"http://", "https://"}) {
        if (!origin.starts_with(scheme)) continue;
        std::string_view host = origin.substr(scheme.size());
        for (std::string_view loopback : {"localhost", "127.0.0.1", "[::1]"}) {
            if (!host.starts_with(loopback)) continue;
            const std::string_view after = host.substr(loopback.size());
            if (after.empty()) return true;
            if (after.front() != ':' || after.size() == 1) return false;
            return std::all_of(after.begin() + 1, after.end(), [](char c) { return c >= '0' && c <= '9'; });
        }
    }
    return false;
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
    };

    Server server;
    StreamableHttpOptions options;
    std::unordered_map<std::string, std::unique_ptr<Entry>> sessions;

    State(Server s, StreamableHttpOptions o) : server(std::move(s)), options(std::move(o)) {}

    ~State() {
        for (auto& [id, entry] : sessions) entry->channel->close();
    }

    bool origin_allowed(const http::Request& request) const {
        const auto origin = request.header("Origin");
        if (!origin) return true;  // not a browser: DNS rebinding needs one
        if (is_loopback_origin(*origin)) return true;
        return std::any_of(options.allowed_origins.begin(), options.allowed_origins.end(),
                           [&](const std::string& allowed) { return allowed == "*" || allowed == *origin; });
    }

    Entry& open_session(std::string id) {
        auto channel = std::make_shared<Channel>();
        auto transport = std::make_unique<ChannelTransport>(channel, "mcp client of session " + id.substr(0, 8));
        auto entry = std::make_unique<Entry>(Entry{channel, server.session(std::move(transport))});
        entry->session.start();
        return *sessions.emplace(std::move(id), std::move(entry)).first->second;
    }

    static Task<> pump_events(std::shared_ptr<ReplyStream> reply, http::ResponseStream& out) {
        for (;;) {
            http::SseEvent event;
            try {
                event.data = co_await reply->messages.get();
            } catch (const QueueClosed&) {
                co_return;
            }
            try {
                co_await out.send(event);
            } catch (...) {
                // The client went away: it may still be waiting for the answer
                // elsewhere (the spec: a disconnection is not a cancellation).
                reply->messages.close();
                throw;
            }
        }
    }

    static Task<http::Response> await_json(std::shared_ptr<ReplyStream> reply, http::Headers headers) {
        std::string last;
        for (;;) {
            try {
                last = co_await reply->messages.get();
            } catch (const QueueClosed&) {
                break;
            }
        }
        // The last message is the response (notifications before it are not
        // carried by a JSON answer); none when the call was cancelled.
        http::Response response = last.empty() ? http::Response::text("", 202) : http::Response::json(std::move(last));
        for (const auto& [name, value] : headers) response.headers.set(name, value);
        co_return response;
    }

    static Task<http::Response> post(std::shared_ptr<State> self, http::Request& request) {
        if (!self->origin_allowed(request))
            co_return rpc_failure(403, -32000, "Forbidden: Origin " + std::string(*request.header("Origin")) + " is not allowed");
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
            message = decode_value(value);
        } catch (const RpcError& error) {
            const Json id = error.data().is_object() && error.data().contains("id") ? error.data()["id"] : Json();
            co_return rpc_failure(400, error.code(), error.what(), id);
        }

        const auto session_header = request.header("Mcp-Session-Id");
        Entry* entry = nullptr;
        std::string session_id;
        if (!session_header && message.is_request() && message.method == "initialize") {
            if (self->sessions.size() >= self->options.max_sessions)
                co_return rpc_failure(503, -32000, "Service Unavailable: too many open sessions");
            session_id = new_session_id();
            entry = &self->open_session(session_id);
        } else {
            if (!session_header)
                co_return rpc_failure(400, -32000, "Bad Request: the Mcp-Session-Id header is required", message.id);
            session_id = std::string(*session_header);
            const auto found = self->sessions.find(session_id);
            if (found == self->sessions.end())
                co_return rpc_failure(404, -32001, "Session not found: " + session_id, message.id);
            entry = found->second.get();
            if (const auto version = request.header("MCP-Protocol-Version");
                version && !is_supported_protocol_version(*version))
                co_return rpc_failure(400, -32000, "Bad Request: unsupported MCP-Protocol-Version " + std::string(*version),
                                      message.id);
        }
        Channel& channel = *entry->channel;
        if (channel.closed) co_return rpc_failure(404, -32001, "Session not found: " + session_id, message.id);

        if (!message.is_request()) {
            // Notifications and responses: accepted, the session reads them.
            channel.inbox.try_put(body);
            co_return http::Response::text("", 202);
        }
        const std::string key = id_key(message.id);
        if (channel.replies.contains(key))
            co_return rpc_failure(400, error_code::invalid_request, "request id " + key + " is already in use", message.id);
        auto reply = std::make_shared<ReplyStream>();
        channel.replies.emplace(key, reply);
        channel.inbox.try_put(body);

        http::Headers headers;
        headers.set("Mcp-Session-Id", session_id);
        if (self->options.json_response) {
            Task<http::Response> answer = await_json(std::move(reply), std::move(headers));
            co_return co_await std::move(answer);
        }
        http::Response response =
            http::Response::sse([reply](http::ResponseStream& out) { return pump_events(reply, out); });
        for (const auto& [name, value] : headers) response.headers.set(name, value);
        co_return response;
    }

    static Task<http::Response> remove(std::shared_ptr<State> self, http::Request& request) {
        if (!self->origin_allowed(request))
            co_return rpc_failure(403, -32000, "Forbidden: Origin " + std::string(*request.header("Origin")) + " is not allowed");
        const auto session_header = request.header("Mcp-Session-Id");
        if (!session_header) co_return rpc_failure(400, -32000, "Bad Request: the Mcp-Session-Id header is required");
        const auto found = self->sessions.find(std::string(*session_header));
        if (found == self->sessions.end())
            co_return rpc_failure(404, -32001, "Session not found: " + std::string(*session_header));
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
