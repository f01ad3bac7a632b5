// client_response.hpp: ClientResponse, a response as http::Client returns it.
//
// The head is read; the body is read on demand, whole (`co_await resp.text()`)
// or as it arrives (`while (auto piece = co_await resp.body().next())`), with
// gzip/deflate already decoded when the client asked for it. Reading the body
// to its end hands the connection back to the pool; dropping a response with
// its body half-read closes the connection (the rest would have to be read
// first).
//
// Body errors: a server that closes or resets mid-body is net::UnexpectedEof or
// net::ConnectionError, never a short body; the client's read and total
// timeouts apply to every piece (TimeoutError). Limits::max_body bounds what
// text() holds in memory (ParseError 413), not a body read piece by piece: a
// long event stream is as long as its reader wants.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "agentio/core/clock.hpp"
#include "agentio/core/event_loop.hpp"
#include "agentio/core/task.hpp"
#include "agentio/core/timeout.hpp"
#include "agentio/http/body_reader.hpp"
#include "agentio/http/connection_pool.hpp"
#include "agentio/http/gzip.hpp"
#include "agentio/http/message.hpp"

namespace agentio::http {

// Thrown by ClientResponse::raise_for_status() for a 4xx or 5xx status.
class HttpStatusError : public Error {
public:
    HttpStatusError(int status, const std::string& message) : Error(message), status_(status) {}
    int status() const noexcept { return status_; }

private:
    int status_;
};

// Deadlines that bound each read of a response: the next piece within
// `read_timeout`, everything before `deadline`.
struct ReadDeadlines {
    std::optional<Duration> read_timeout;
    std::optional<TimePoint> deadline;
    // The request, for messages; they point into the response's body state.
    const std::string* method = nullptr;
    const std::string* url = nullptr;

    // "GET https://host/path": built only when a message needs it.
    std::string what() const { return *method + " " + *url; }

    // Runs `read` within both; the expiry of either is a TimeoutError that
    // names it and the request, and a TimeoutError from inside `read` (the
    // connect timeout) passes unchanged. Without either, `read` itself: no
    // extra coroutine on the hot path.
    template <class T>
    Task<T> bound(Task<T> read) const {
        if (!read_timeout && !deadline) return read;
        return bound_slow(std::move(read));
    }

private:
    template <class T>
    Task<T> bound_slow(Task<T> read) const;
};

template <class T>
Task<T> ReadDeadlines::bound_slow(Task<T> read) const {
    Timeout total(deadline);
    Timeout quiet(read_timeout ? std::optional(EventLoop::current()->now() + *read_timeout) : std::nullopt);
    try {
        co_return co_await total.run(quiet.run(std::move(read)));
    } catch (const TimeoutError&) {
        if (total.expired()) throw TimeoutError(what() + ": the request's total timeout passed");
        if (quiet.expired()) throw TimeoutError(what() + ": no data from the server within the read timeout");
        throw;
    }
}

class ResponseBody {
public:
    // The next piece of the (decoded) body; nullopt at its end.
    Task<std::optional<std::string_view>> next();

private:
    friend class ClientResponse;
    friend class Client;
    void finished();

    std::string method_;
    std::string url_;
    Lease lease_;
    BodyReader reader_;
    std::optional<GzipDecoder> decoder_;
    std::string decoded_;
    std::uint64_t max_whole_body_ = 0;  // text()'s limit
    ReadDeadlines deadlines_;
    bool reusable_ = false;
    bool finished_ = false;
};

class ClientResponse {
public:
    int status() const noexcept { return head_.status; }
    std::string_view reason() const noexcept { return head_.reason; }
    const Headers& headers() const noexcept { return head_.headers; }
    std::optional<std::string_view> header(std::string_view name) const { return head_.headers.get(name); }
    const ResponseHead& head() const noexcept { return head_; }
    bool ok() const noexcept { return status() >= 200 && status() < 300; }
    // HttpStatusError("GET https://x/y: 404 Not Found") for a 4xx/5xx status.
    void raise_for_status() const;
    // The URL requested.
    const std::string& url() const noexcept { return body_->url_; }

    // Time spent getting a connection for this request (DNS, TCP, proxy
    // tunnel, TLS, or waiting for a pooled one; near zero when one was idle).
    Duration connect_time() const noexcept { return connect_time_; }
    bool reused_connection() const noexcept { return reused_connection_; }

    ResponseBody& body() noexcept { return *body_; }
    // The whole body, decoded.
    Task<std::string> text();

private:
    friend class Client;
    ResponseHead head_;
    Duration connect_time_{};
    bool reused_connection_ = false;
    std::unique_ptr<ResponseBody> body_ = std::make_unique<ResponseBody>();
};

}  // namespace agentio::http
