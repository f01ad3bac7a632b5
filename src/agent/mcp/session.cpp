// session.cpp: the JSON-RPC peer: a reader task, pending requests, running handlers.
//
// Invariants:
// - A request is in `pending` from just before its message is sent until its
//   response, its failure or its caller's cancellation removes it; whoever
//   removes it sets its event, so a waiter is woken exactly once and never
//   after it left.
// - A running handler is in `running` under its request id until it finishes;
//   the peer's notifications/cancelled and close() cancel it through there.
// - Once `open` is false it stays false, `end` says why, and no request can
//   join `pending` any more: fail_all() is the last word for every waiter.
// - Tasks the session spawns (the reader, handlers, fire-and-forget sends)
//   hold the state by shared_ptr, so the state outlives them whatever the
//   owner does; the owner's destructor cancels them.
#include "agentio/agent/mcp/session.hpp"

#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "agentio/core/capture.hpp"
#include "agentio/core/create_task.hpp"
#include "agentio/core/event.hpp"
#include "excerpt.hpp"

namespace agentio::agent::mcp {

namespace {

struct Pending {
    Event done;
    Json result;
    std::exception_ptr error;
    ProgressCallback on_progress;
};

Outgoing response_to(const Json& id, std::string text, Message::Kind kind) {
    Outgoing out;
    out.text = std::move(text);
    out.kind = kind;
    out.id = id;
    out.related_request = id;
    return out;
}

}  // namespace

namespace detail {

struct SessionState : std::enable_shared_from_this<SessionState> {
    std::unique_ptr<Transport> transport;
    SessionOptions options;
    std::unordered_map<std::string, Session::RequestHandler> request_handlers;
    std::unordered_map<std::string, Session::NotificationHandler> notification_handlers;
    std::unordered_map<std::string, std::shared_ptr<Pending>> pending;
    std::unordered_map<std::string, TaskHandle<>> running;
    std::int64_t next_id = 0;
    TaskHandle<> reader;
    bool started = false;
    bool open = true;
    std::exception_ptr end;
    Event ended;

    const std::string& peer() const noexcept { return transport->peer(); }

    void fail_all(std::exception_ptr error) {
        if (!open) return;
        open = false;
        end = error;
        auto waiting = std::move(pending);
        pending.clear();
        for (auto& [key, request] : waiting) {
            request->error = error ? error
                                   : std::make_exception_ptr(TransportError(peer() + ": the session was closed"));
            request->done.set();
        }
        for (auto& [key, handler] : running) handler.cancel();
        ended.set();
    }

    std::exception_ptr closed_error() const {
        if (end) return end;
        return std::make_exception_ptr(TransportError(peer() + ": the session is closed"));
    }

    void fail_request(const Json& id, std::exception_ptr error) {
        const auto found = pending.find(id_key(id));
        if (found == pending.end()) return;
        found->second->error = std::move(error);
        found->second->done.set();
        pending.erase(found);
    }

    // Sends without waiting, for messages that must go out from code that
    // cannot suspend or must not fail (a cancelled caller, an error reply).
    void send_detached(Outgoing message) {
        if (!open) return;
        create_task(send_quietly(shared_from_this(), std::move(message)), "mcp send to " + peer());
    }

    static Task<> send_quietly(std::shared_ptr<SessionState> self, Outgoing message) {
        try {
            co_await self->transport->send(std::move(message));
        } catch (const std::exception&) {
            // The peer is gone; the reader reports that to everyone waiting.
        }
    }

    void reply_error(const Json& id, int code, const std::string& text) {
        send_detached(response_to(id, encode_error(id, code, text), Message::Kind::Error));
    }

    void dispatch(Incoming incoming) {
        if (auto* message = std::get_if<Message>(&incoming)) return handle(std::move(*message));
        const std::string& text = std::get<std::string>(incoming);
        Message message;
        try {
            message = decode_message(text);
        } catch (const RpcError& error) {
            const Json id = error.data().is_object() && error.data().contains("id") ? error.data()["id"] : Json();
            reply_error(id, error.code(), error.what());
            if (error.code() == error_code::parse_error && options.fail_on_garbage)
                throw TransportError(peer() + " sent something that is not JSON-RPC: " + detail::excerpt(text));
            return;
        }
        handle(std::move(message));
    }

    void handle(Message message) {
        switch (message.kind) {
            case Message::Kind::Request: return start_handler(std::move(message));
            case Message::Kind::Notification: return handle_notification(message);
            case Message::Kind::Result:
            case Message::Kind::Error: return handle_response(std::move(message));
        }
    }

    void handle_response(Message message) {
        const auto found = pending.find(id_key(message.id));
        if (found == pending.end()) return;  // late (cancelled) or unknown: nobody waits
        auto request = std::move(found->second);
        pending.erase(found);
        if (message.kind == Message::Kind::Result) {
            request->result = std::move(message.result);
        } else {
            request->error = std::make_exception_ptr(RpcError(
                message.error_code, peer() + ": " + message.error_message, std::move(message.error_data)));
        }
        request->done.set();
    }

    void handle_notification(const Message& message) {
        const Json& params = message.params.is_object() ? message.params : Json::object();
        if (message.method == "notifications/cancelled") {
            const auto id = params.find("requestId");
            if (id == params.end()) return;
            const auto found = running.find(id_key(*id));
            if (found != running.end()) found->second.cancel();
            return;
        }
        if (message.method == "notifications/progress") return deliver_progress(params);
        const auto handler = notification_handlers.find(message.method);
        if (handler == notification_handlers.end()) return;
        try {
            handler->second(params);
        } catch (const std::exception&) {
            // A notification has no reply to carry the error; the session goes on.
        }
    }

    void deliver_progress(const Json& params) {
        const auto token = params.find("progressToken");
        const auto value = params.find("progress");
        if (token == params.end() || value == params.end() || !value->is_number()) return;
        const auto found = pending.find(id_key(*token));
        if (found == pending.end() || !found->second->on_progress) return;
        Progress progress;
        progress.progress = value->get<double>();
        if (const auto total = params.find("total"); total != params.end() && total->is_number())
            progress.total = total->get<double>();
        if (const auto text = params.find("message"); text != params.end() && text->is_string())
            progress.message = text->get<std::string>();
        const ProgressCallback callback = found->second->on_progress;  // it may end the request
        callback(progress);
    }

    void start_handler(Message message) {
        const std::string key = id_key(message.id);
        const auto handler = request_handlers.find(message.method);
        if (handler == request_handlers.end()) {
            reply_error(message.id, error_code::method_not_found, "method not found: " + message.method);
            return;
        }
        if (running.contains(key)) {
            reply_error(message.id, error_code::invalid_request, "request id " + key + " is already in use");
            return;
        }
        running.emplace(key, create_task(run_handler(shared_from_this(), handler->second, std::move(message), key),
                                         "mcp request from " + peer()));
    }

    static Task<> run_handler(std::shared_ptr<SessionState> self, Session::RequestHandler handler, Message message,
                              std::string key) {
        Json token;
        if (message.params.is_object()) {
            const auto meta = message.params.find("_meta");
            if (meta != message.params.end() && meta->is_object() && meta->contains("progressToken"))
                token = (*meta)["progressToken"];
        }
        RequestContext context(self, message.id, std::move(token));
        Outgoing reply;
        bool cancelled = false;
        try {
            Json params = message.params.is_null() ? Json::object() : std::move(message.params);
            Json result = co_await handler(std::move(params), context);
            reply = response_to(message.id, encode_result(message.id, result), Message::Kind::Result);
        } catch (const RpcError& error) {
            reply = response_to(message.id, encode_error(message.id, error.code(), error.what(), error.data()),
                                Message::Kind::Error);
        } catch (const CancelledError&) {
            cancelled = true;
        } catch (const std::exception& error) {
            reply = response_to(message.id, encode_error(message.id, error_code::internal_error, error.what()),
                                Message::Kind::Error);
        }
        self->running.erase(key);
        if (cancelled) {
            // The peer cancelled it (or the session is closing): no answer.
            self->transport->request_abandoned(message.id);
            co_return;
        }
        if (!self->open) co_return;
        try {
            co_await self->transport->send(std::move(reply));
        } catch (const std::exception&) {
            // The peer is gone; nobody is left to answer.
        }
    }

    // One request to the peer; `related` is the peer's request it belongs to
    // (a server's sampling request made inside a tool call), or null.
    static Task<Json> request(std::shared_ptr<SessionState> self, std::string method, Json params,
                              RequestOptions options, Json related) {
        if (!self->open) std::rethrow_exception(self->closed_error());
        const Json id = self->next_id++;
        const std::string key = id_key(id);
        if (options.on_progress) {
            if (!params.is_object()) params = Json::object();
            params["_meta"]["progressToken"] = id;
        }
        auto request = std::make_shared<Pending>();
        request->on_progress = std::move(options.on_progress);
        self->pending.emplace(key, request);

        Outgoing out;
        out.text = encode_request(id, method, params);
        out.kind = Message::Kind::Request;
        out.id = id;
        out.method = method;
        out.related_request = related;
        try {
            co_await self->transport->send(std::move(out));
            co_await request->done.wait();
        } catch (const CancelledError&) {
            const bool still_waiting = self->pending.erase(key) > 0;
            if (still_waiting && method != "initialize") {
                Outgoing cancel;
                cancel.text = encode_notification("notifications/cancelled",
                                                  {{"requestId", id}, {"reason", "the caller was cancelled"}});
                cancel.method = "notifications/cancelled";
                cancel.related_request = related;
                self->send_detached(std::move(cancel));
            }
            throw;
        } catch (...) {
            self->pending.erase(key);
            throw;
        }
        if (request->error) std::rethrow_exception(request->error);
        co_return std::move(request->result);
    }

    static Task<> finish_handlers(std::shared_ptr<SessionState> self) {
        std::vector<TaskHandle<>> answering;
        for (auto& [key, handler] : self->running) answering.push_back(handler);
        for (TaskHandle<>& handler : answering) {
            Outcome<void> finished = co_await capture(handler);
            if (finished.cancelled() && cancelling() > 0) std::rethrow_exception(finished.error());
        }
    }

    static Task<> read_loop(std::shared_ptr<SessionState> self) {
        std::exception_ptr error;
        bool clean_end = false;
        try {
            for (;;) {
                std::optional<Incoming> incoming = co_await self->transport->receive();
                if (!incoming) break;  // we closed it
                self->dispatch(std::move(*incoming));
            }
        } catch (const CancelledError&) {
            self->fail_all(nullptr);
            self->reader = TaskHandle<>();  // see below
            throw;
        } catch (const EndOfInput&) {
            error = std::current_exception();
            clean_end = true;
        } catch (...) {
            error = std::current_exception();
        }
        // A clean end of input: the peer stopped sending but may still read
        // (a client that writes its requests and closes our stdin). The
        // requests it sent get their answers before the session ends.
        if (clean_end) {
            Outcome<void> drained = co_await capture(finish_handlers(self));
            if (drained.cancelled()) {  // close() while answering
                self->fail_all(nullptr);
                self->reader = TaskHandle<>();
                std::rethrow_exception(drained.error());
            }
        }
        self->fail_all(error ? error : std::make_exception_ptr(TransportError(self->peer() + " closed the connection")));
        // The state holds this task's handle and this frame holds the state:
        // drop the handle so the pair can be freed (the loop keeps the task
        // alive until it returns).
        self->reader = TaskHandle<>();
    }
};

}  // namespace detail

using detail::SessionState;

Task<> RequestContext::report_progress(double progress, std::optional<double> total, std::string message) {
    if (progress_token_.is_null()) co_return;
    Json params = {{"progressToken", progress_token_}, {"progress", progress}};
    if (total) params["total"] = *total;
    if (!message.empty()) params["message"] = std::move(message);
    try {
        Task<> notifying = notify("notifications/progress", std::move(params));
        co_await std::move(notifying);
    } catch (const std::exception&) {
        // Progress is advisory; the response reports what matters.
    }
}

Task<> RequestContext::notify(std::string method, Json params) {
    if (!session_->open) co_return;
    Outgoing out;
    out.text = encode_notification(method, params);
    out.kind = Message::Kind::Notification;
    out.method = std::move(method);
    out.related_request = id_;
    co_await session_->transport->send(std::move(out));
}

Task<Json> RequestContext::request(std::string method, Json params, RequestOptions options) {
    Task<Json> asking = SessionState::request(session_, std::move(method), std::move(params), std::move(options), id_);
    co_return co_await std::move(asking);
}

void RequestContext::close_stream() { session_->transport->close_request_stream(id_); }

Session::Session(std::unique_ptr<Transport> transport, SessionOptions options)
    : state_(std::make_shared<SessionState>()) {
    state_->transport = std::move(transport);
    state_->options = options;
    state_->request_handlers["ping"] = [](Json, RequestContext&) -> Task<Json> { co_return Json::object(); };
    state_->transport->set_request_failure(
        [weak = std::weak_ptr<SessionState>(state_)](const Json& id, std::exception_ptr error) {
            if (auto self = weak.lock()) self->fail_request(id, std::move(error));
        });
}

Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;

Session::~Session() {
    if (!state_) return;
    if (state_->reader.valid()) state_->reader.cancel();
    state_->reader = TaskHandle<>();  // the loop keeps the task until it returns (see close())
    for (auto& [key, handler] : state_->running) handler.cancel();
}

void Session::on_request(std::string method, RequestHandler handler) {
    state_->request_handlers[std::move(method)] = std::move(handler);
}

void Session::on_notification(std::string method, NotificationHandler handler) {
    state_->notification_handlers[std::move(method)] = std::move(handler);
}

void Session::start() {
    if (state_->started) throw InvalidStateError(peer() + ": Session::start() called twice");
    state_->started = true;
    state_->reader = create_task(SessionState::read_loop(state_), "mcp reader for " + peer());
}

Task<Json> Session::request(std::string method, Json params, RequestOptions options) {
    Task<Json> asking = SessionState::request(state_, std::move(method), std::move(params), std::move(options), nullptr);
    co_return co_await std::move(asking);
}

Task<> Session::notify(std::string method, Json params) {
    const std::shared_ptr<SessionState> self = state_;
    if (!self->open) std::rethrow_exception(self->closed_error());
    Outgoing out;
    out.text = encode_notification(method, params);
    out.method = std::move(method);
    co_await self->transport->send(std::move(out));
}

Task<> Session::closed() {
    const std::shared_ptr<SessionState> self = state_;
    co_await self->ended.wait();
}

Session::Notifier Session::notifier() const {
    return [weak = std::weak_ptr<SessionState>(state_)](std::string method, Json params) {
        const std::shared_ptr<SessionState> self = weak.lock();
        if (!self) return;
        Outgoing out;
        out.text = encode_notification(method, params);
        out.method = std::move(method);
        self->send_detached(std::move(out));
    };
}

bool Session::is_open() const noexcept { return state_->open; }

std::exception_ptr Session::end_reason() const noexcept { return state_->end; }

Task<> Session::close() {
    const std::shared_ptr<SessionState> self = state_;
    self->fail_all(nullptr);
    if (self->reader.valid() && !self->reader.done()) {
        TaskHandle<> reader = self->reader;
        reader.cancel();
        try {
            co_await reader;
        } catch (const CancelledError&) {
            if (cancelling() > 0) throw;  // our own caller's cancellation
        } catch (...) {
        }
    }
    // A reader cancelled before it first ran never reached the code that
    // drops the state's handle to it, and its frame holds the state: drop it
    // here, or the two keep each other alive.
    self->reader = TaskHandle<>();
    co_await self->transport->close();
}

Transport& Session::transport() noexcept { return *state_->transport; }
const std::string& Session::peer() const noexcept { return state_->peer(); }

}  // namespace agentio::agent::mcp
