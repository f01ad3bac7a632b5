// http_client_transport.cpp: POSTs, JSON and SSE answers, the GET stream, DELETE.
//
// Invariants:
// - Every message from the server, whatever stream it came on, goes through
//   one inbox queue, in the order each stream delivered it; receive() reads it.
// - Tasks reading streams hold the State by shared_ptr and are tracked in
//   `readers`; close() and the destructor cancel them, so none outlives the
//   transport's use.
// - A request is either answered through the inbox, or failed through
//   `request_failure`, or its send() threw: exactly one of the three.
#include "agentio/agent/mcp/http_client_transport.hpp"

#include <list>

#include "agentio/core/create_task.hpp"
#include "agentio/core/queue.hpp"
#include "agentio/core/sleep.hpp"
#include "agentio/core/timeout.hpp"
#include "agentio/http/auth_challenge.hpp"
#include "agentio/http/sse.hpp"
#include "excerpt.hpp"

namespace agentio::agent::mcp {

namespace {

// A peer's message, or none where it is not JSON-RPC (the session answers
// that as the garbage it is).
std::optional<Message> decode_or_none(std::string_view text) {
    try {
        return decode_message(text);
    } catch (const RpcError&) {
        return std::nullopt;
    }
}

bool media_type_is(std::optional<std::string_view> content_type, std::string_view type) {
    if (!content_type) return false;
    std::string_view value = *content_type;
    value = value.substr(0, value.find(';'));
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    return http::iequals(value, type);
}

}  // namespace

struct HttpClientTransport::State : std::enable_shared_from_this<State> {
    HttpClientOptions options;
    std::string peer;
    http::Client client;
    Queue<Incoming> inbox;
    std::string session_id;
    std::string protocol_version;
    RequestFailure request_failure;
    std::list<TaskHandle<>> readers;
    bool listening = false;
    bool closed = false;

    explicit State(HttpClientOptions opts) : options(std::move(opts)), client(options.http) {
        peer = "mcp server '" + (options.name.empty() ? options.url : options.name) + "'";
    }

    http::Headers headers_for(std::string_view method, bool is_initialize) const {
        http::Headers headers = options.headers;
        headers.set("Accept", method == "GET" ? "text/event-stream" : "application/json, text/event-stream");
        if (method == "POST") headers.set("Content-Type", "application/json");
        if (!session_id.empty()) headers.set("Mcp-Session-Id", session_id);
        if (!protocol_version.empty() && !is_initialize) headers.set("MCP-Protocol-Version", protocol_version);
        return headers;
    }

    Task<http::ClientResponse> send_once(http::ClientRequest request) {
        const std::string what = request.method + " " + request.url;
        try {
            co_return co_await client.send(std::move(request));
        } catch (const Error& error) {
            throw TransportError(peer + ": " + what + ": " + error.what());
        }
    }

    // Does the server want (more) authorization before it answers?
    static bool refused_for_authorization(const http::ClientResponse& response) {
        if (response.status() == 401) return true;
        if (response.status() != 403) return false;
        for (const http::AuthChallenge& challenge : http::parse_auth_challenges(response.header("WWW-Authenticate").value_or("")))
            if (challenge.param("error") == "insufficient_scope") return true;
        return false;
    }

    // Sends `request`, authorizing and sending again while the server asks
    // for it (when `may_authorize` and there is an OAuth).
    Task<http::ClientResponse> exchange(http::ClientRequest request, bool may_authorize = true) {
        const std::shared_ptr<OAuth> oauth = options.oauth;
        for (int authorizations = 0;; ++authorizations) {
            std::string sent;
            if (oauth) {
                sent = oauth->authorization().value_or("");
                if (!sent.empty()) request.headers.set("Authorization", sent);
            }
            Task<http::ClientResponse> sending = send_once(request);
            http::ClientResponse response = co_await std::move(sending);
            if (!oauth || !may_authorize || !refused_for_authorization(response)) co_return response;
            const int status = response.status();
            const std::string challenge(response.header("WWW-Authenticate").value_or(""));
            const std::string body = co_await response.text();
            if (authorizations >= oauth->options().max_authorizations)
                throw AuthorizationError(peer + ": " + request.method + " " + request.url + " is still refused (HTTP " +
                                         std::to_string(status) + ") after " + std::to_string(authorizations) +
                                         " authorizations" + (challenge.empty() ? "" : ": " + challenge));
            Task<> authorizing = oauth->handle_challenge(options.url, status, challenge, sent);
            co_await std::move(authorizing);
        }
    }

    void deliver(Incoming message) {
        if (!inbox.closed()) inbox.try_put(std::move(message));  // unbounded: never full
    }

    void spawn_reader(Task<> reader) {
        // Finished readers are dropped as new ones start: the list stays short.
        readers.remove_if([](const TaskHandle<>& handle) { return handle.done(); });
        readers.push_back(create_task(std::move(reader), "mcp stream from " + peer));
    }

    // Reads SSE events from `response` into the inbox; true once the response
    // to `awaited` (when not null) went by.
    Task<bool> read_events(http::ClientResponse& response, const Json& awaited, std::string& last_event_id,
                           std::chrono::milliseconds& retry) {
        http::SseDecoder decoder;
        http::SseEvent event;
        bool answered = false;
        auto take = [&] {
            while (decoder.next(event)) {
                if (!event.id.empty()) last_event_id = event.id;
                if (event.retry) retry = *event.retry;
                // An event without data primes a reconnection (its id); nothing to deliver.
                if (event.data.empty() || event.type != "message") continue;
                if (!awaited.is_null() && !answered) {
                    // Decoded here to spot the answer; the session gets it decoded.
                    if (std::optional<Message> message = decode_or_none(event.data)) {
                        answered = message->is_response() && message->id == awaited;
                        deliver(std::move(*message));
                        continue;
                    }
                }
                deliver(std::move(event.data));
            }
        };
        while (auto piece = co_await response.body().next()) {
            decoder.feed(*piece);
            take();
        }
        decoder.finish();
        take();
        co_return answered;
    }

    // The SSE answer to request `id`, resumed with Last-Event-ID when it breaks off.
    static Task<> read_response_stream(std::shared_ptr<State> self, http::ClientResponse response, Json id) {
        std::string last_event_id;
        std::chrono::milliseconds retry{1000};
        std::exception_ptr error;
        for (int resumptions = 0;; ++resumptions) {
            bool answered = false;
            try {
                answered = co_await self->read_events(response, id, last_event_id, retry);
            } catch (const Error& failure) {
                error = std::make_exception_ptr(TransportError(self->peer + ": the answer to request " + id.dump() +
                                                               " broke off: " + failure.what()));
            }
            if (answered || self->closed) co_return;
            if (last_event_id.empty() || resumptions >= self->options.max_resumptions) break;
            co_await sleep(retry);
            http::ClientRequest resume{"GET", self->options.url, self->headers_for("GET", false), {}};
            resume.headers.set("Last-Event-ID", last_event_id);
            try {
                response = co_await self->exchange(std::move(resume));
            } catch (const Error&) {
                error = std::current_exception();
                break;
            }
            if (!response.ok() || !media_type_is(response.header("Content-Type"), "text/event-stream")) {
                error = std::make_exception_ptr(TransportError(self->peer + ": resuming the answer to request " +
                                                               id.dump() + " failed: HTTP " +
                                                               std::to_string(response.status())));
                break;
            }
        }
        if (!error)
            error = std::make_exception_ptr(TransportError(self->peer + ": the event stream answering request " +
                                                           id.dump() + " ended before the response"));
        if (self->request_failure) self->request_failure(id, error);
    }

    // Opens the server's own stream (GET); nullopt when the server offers
    // none (405) or refuses it, which is not asked again.
    Task<std::optional<http::ClientResponse>> open_stream(std::string last_event_id) {
        http::ClientRequest request{"GET", options.url, headers_for("GET", false), {}};
        // Open for the session's life: outside the connection limit, so
        // requests never wait behind it.
        request.long_lived = true;
        if (!last_event_id.empty()) request.headers.set("Last-Event-ID", last_event_id);
        Task<http::ClientResponse> opening = exchange(std::move(request), false);
        http::ClientResponse response = co_await std::move(opening);
        if (!response.ok() || !media_type_is(response.header("Content-Type"), "text/event-stream")) {
            co_await response.text();
            co_return std::nullopt;
        }
        co_return response;
    }

    // Reads the server's own stream, reopened while it keeps giving event ids.
    static Task<> listen(std::shared_ptr<State> self, http::ClientResponse response) {
        std::string last_event_id;
        std::chrono::milliseconds retry{1000};
        for (int failures = 0; failures < 3 && !self->closed;) {
            try {
                co_await self->read_events(response, Json(), last_event_id, retry);
                failures = 0;
            } catch (const Error&) {
                ++failures;
            }
            co_await sleep(retry);
            if (self->closed) co_return;
            try {
                Task<std::optional<http::ClientResponse>> reopening = self->open_stream(last_event_id);
                std::optional<http::ClientResponse> reopened = co_await std::move(reopening);
                if (!reopened) co_return;
                response = std::move(*reopened);
            } catch (const Error&) {
                ++failures;
            }
        }
    }
};

HttpClientTransport::HttpClientTransport(HttpClientOptions options)
    : state_(std::make_shared<State>(std::move(options))) {}

HttpClientTransport::~HttpClientTransport() {
    state_->closed = true;
    // Cancelled readers finish on the loop and free the state with their
    // frames; the handles (which the state holds) must go first.
    for (auto& reader : state_->readers) reader.cancel();
    state_->readers.clear();
}

const std::string& HttpClientTransport::peer() const noexcept { return state_->peer; }
const std::string& HttpClientTransport::session_id() const noexcept { return state_->session_id; }
void HttpClientTransport::set_request_failure(RequestFailure failure) { state_->request_failure = std::move(failure); }
void HttpClientTransport::set_protocol_version(const std::string& version) { state_->protocol_version = version; }

Task<std::optional<Incoming>> HttpClientTransport::receive() {
    const std::shared_ptr<State> self = state_;
    try {
        co_return co_await self->inbox.get();
    } catch (const QueueClosed&) {
    }
    co_return std::nullopt;
}

Task<> HttpClientTransport::send(Outgoing message) {
    const std::shared_ptr<State> self = state_;
    if (self->closed) throw TransportError(self->peer + ": the connection is closed");
    const bool is_request = message.kind == Message::Kind::Request;
    const bool is_initialize = is_request && message.method == "initialize";
    if (is_initialize) self->session_id.clear();  // a new session
    const bool sent_session = !self->session_id.empty();
    const std::string sent_session_id = self->session_id;

    http::ClientRequest request{"POST", self->options.url, self->headers_for("POST", is_initialize),
                                std::move(message.text)};
    http::ClientResponse response = co_await self->exchange(std::move(request));

    if (response.status() == 404 && sent_session) {
        if (self->session_id == sent_session_id) self->session_id.clear();
        throw SessionExpired(self->peer + ": the server no longer knows session " + sent_session_id + " (HTTP 404)");
    }
    if (is_initialize && response.ok()) {
        if (auto id = response.header("Mcp-Session-Id")) self->session_id = std::string(*id);
    }
    const auto content_type = response.header("Content-Type");
    if (!response.ok()) {
        const std::string body = co_await response.text();
        if (is_request && media_type_is(content_type, "application/json")) {
            std::optional<Message> answer = decode_or_none(body);
            if (answer && answer->kind == Message::Kind::Error && answer->id == message.id) {
                self->deliver(std::move(*answer));
                co_return;
            }
        }
        throw TransportError(self->peer + ": POST " + self->options.url + ": HTTP " + std::to_string(response.status()) +
                             " " + std::string(response.reason()) + (body.empty() ? "" : ": " + detail::excerpt(body, 200)));
    }
    if (!is_request) {
        co_await response.text();  // 202, nothing to read; the connection goes back to the pool
        if (message.method == "notifications/initialized" && self->options.listen && !self->listening) {
            // Open before the first request goes out, so nothing the server
            // sends on its own stream about that request can be missed.
            self->listening = true;
            try {
                Task<std::optional<http::ClientResponse>> opening = self->open_stream("");
                std::optional<http::ClientResponse> stream = co_await std::move(opening);
                if (stream) self->spawn_reader(State::listen(self, std::move(*stream)));
            } catch (const Error&) {
                // No stream of its own then; requests still get their answers.
            }
        }
        co_return;
    }
    if (media_type_is(content_type, "text/event-stream")) {
        self->spawn_reader(State::read_response_stream(self, std::move(response), message.id));
        co_return;
    }
    if (media_type_is(content_type, "application/json")) {
        std::string body = co_await response.text();
        self->deliver(std::move(body));
        co_return;
    }
    throw TransportError(self->peer + ": POST " + self->options.url + ": the answer to a request is neither JSON nor "
                         "an event stream (Content-Type: " + std::string(content_type.value_or("none")) + ")");
}

Task<> HttpClientTransport::close() {
    const std::shared_ptr<State> self = state_;
    if (self->closed) co_return;
    self->closed = true;
    for (auto& reader : self->readers) reader.cancel();
    self->readers.clear();
    self->inbox.close();
    if (!self->session_id.empty()) {
        http::ClientRequest request{"DELETE", self->options.url, self->headers_for("DELETE", false), {}};
        try {
            // The Task first, then the await: g++ 12 mishandles a by-value
            // argument moved inside a co_await's full expression.
            Task<http::ClientResponse> deleting = self->exchange(std::move(request), false);
            http::ClientResponse response = co_await wait_for(std::move(deleting), self->options.close_timeout);
            co_await wait_for(response.text(), self->options.close_timeout);
        } catch (const Error&) {
            // The session ends with us either way; the server will expire it.
        }
    }
    self->client.close();
}

}  // namespace agentio::agent::mcp
