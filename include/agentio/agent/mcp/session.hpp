// session.hpp: Session, one JSON-RPC conversation with an MCP peer, on the loop.
//
// compile-context: extern std::unique_ptr<Transport> transport; extern Json params; void show(const Progress&);
// compile-context: Task<Json> list_tools(Json params, RequestContext& context);
//     mcp::Session session(std::move(transport));
//     session.on_request("tools/list", list_tools);        // before start()
//     session.start();
//     Json result = co_await session.request("tools/call", params, {.on_progress = show});
//
// Both sides of MCP are JSON-RPC peers that send requests and notifications
// either way; the client (client.hpp) and the server (server.hpp) are each a
// Session with handlers.
//
// What it promises:
// - Correlation: each request gets a fresh integer id; a response is matched
//   by id (1 and "1" differ); a response nobody waits for is dropped.
// - Progress: a request made with on_progress carries _meta.progressToken, and
//   each notifications/progress for that token calls on_progress, on the loop,
//   in arrival order, until the response arrives.
// - Cancel: when the task awaiting request() is cancelled (or its timeout
//   scope expires), the peer is sent notifications/cancelled with the request
//   id and the call throws CancelledError; a late response is dropped.
//   The initialize request is never announced as cancelled (the spec forbids it).
// - Incoming requests run as their own tasks, so a slow handler never stops
//   the reader; the peer's notifications/cancelled cancels the handler's task,
//   and then no response is sent (as the spec asks). A handler that throws
//   RpcError is answered with its code; any other exception with -32603 and
//   its message. A request for a method without a handler is answered -32601;
//   `ping` is answered by default.
// - Bad input: a message that is JSON but not valid JSON-RPC is answered
//   -32600 (with its id when it had one) and the session goes on. Text that is
//   not JSON is answered -32700; then, if `fail_on_garbage` (the client's
//   choice: a server that writes garbage to our pipe is broken), the session
//   ends with TransportError naming the peer and an excerpt.
// - A dead peer: when the transport ends or fails, every waiting request()
//   fails with TransportError naming the peer, and so does every later one;
//   closed() resolves. At an end of input (EndOfInput: EOF, a message it
//   cut off dropped) the handlers already running finish and send their
//   answers first: a client may write its requests and close its end before
//   reading.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "agentio/agent/mcp/transport.hpp"
#include "agentio/core/task.hpp"

namespace agentio::agent::mcp {

namespace detail {
struct SessionState;  // session.cpp
}

// One notifications/progress.
struct Progress {
    double progress = 0;
    std::optional<double> total;
    std::string message;
};
using ProgressCallback = std::function<void(const Progress&)>;

struct RequestOptions {
    // Asks the peer for progress (a progressToken in _meta) and receives it.
    ProgressCallback on_progress = nullptr;
};

struct SessionOptions {
    // End the session when the peer sends text that is not JSON (see above).
    bool fail_on_garbage = true;
};

// What the handler of one incoming request can use.
class RequestContext {
public:
    const Json& id() const noexcept { return id_; }
    // The peer's _meta.progressToken, or null when it asked for no progress.
    const Json& progress_token() const noexcept { return progress_token_; }
    // Sends notifications/progress for this request; nothing when the peer
    // asked for none. Errors sending are ignored: the answer matters, not this.
    Task<> report_progress(double progress, std::optional<double> total = std::nullopt, std::string message = {});
    // Sends a notification tied to this request (Streamable HTTP puts it on
    // this request's response stream).
    Task<> notify(std::string method, Json params);
    // Sends a request to the peer while this one runs (a server asking its
    // client for sampling or elicitation inside a tool call) and waits for the
    // answer, as Session::request does; over Streamable HTTP it travels on
    // this request's response stream.
    Task<Json> request(std::string method, Json params = Json::object(), RequestOptions options = {});
    // Ends the stream this request's answer travels on, now, without ending
    // the request (Streamable HTTP's SSE polling: the client reconnects after
    // the stream's retry interval and is sent the rest). Nothing on other transports.
    void close_stream();

private:
    friend struct detail::SessionState;
    RequestContext(std::shared_ptr<detail::SessionState> session, Json id, Json progress_token)
        : session_(std::move(session)), id_(std::move(id)), progress_token_(std::move(progress_token)) {}
    std::shared_ptr<detail::SessionState> session_;
    Json id_;
    Json progress_token_;
};

class Session {
public:
    // Returns the result object; throws RpcError to answer with an error.
    using RequestHandler = std::function<Task<Json>(Json params, RequestContext& context)>;
    using NotificationHandler = std::function<void(const Json& params)>;
    // Sends a notification without waiting; does nothing once the session is gone.
    using Notifier = std::function<void(std::string method, Json params)>;

    explicit Session(std::unique_ptr<Transport> transport, SessionOptions options = {});
    Session(Session&&) noexcept;
    Session& operator=(Session&&) noexcept;
    // Stops the reader and the running handlers (without awaiting them).
    ~Session();

    // Handlers are set before start(); a later one replaces an earlier one.
    void on_request(std::string method, RequestHandler handler);
    void on_notification(std::string method, NotificationHandler handler);
    // Starts reading on the running loop.
    void start();

    // Sends a request and waits for its response: the result, or RpcError
    // when the peer answered with an error (see the promises above).
    Task<Json> request(std::string method, Json params = Json::object(), RequestOptions options = {});
    Task<> notify(std::string method, Json params = nullptr);
    // For code that outlives this call and must reach the peer later (a
    // server's resource-update notifications): it holds the session weakly.
    Notifier notifier() const;

    // Resolves when the conversation has ended (the peer left or close()).
    Task<> closed();
    bool is_open() const noexcept;
    // Why the conversation ended (null while it is open or after a clean close()).
    std::exception_ptr end_reason() const noexcept;
    // Ends the conversation: fails waiting requests, cancels running
    // handlers, closes the transport. Idempotent.
    Task<> close();

    Transport& transport() noexcept;
    const std::string& peer() const noexcept;

private:
    std::shared_ptr<detail::SessionState> state_;
};

}  // namespace agentio::agent::mcp
