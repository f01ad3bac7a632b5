// response.hpp: Response, what a server handler returns, and ResponseStream,
// how a streaming handler writes its body.
//
// compile-context: returns http::Response
//     co_return http::Response::text("hello\n");
//     co_return http::Response::stream_body([](http::ResponseStream& out) -> Task<> {
//         for (int i = 0; i < 3; ++i) co_await out.send(http::SseEvent{.data = std::to_string(i)});
//     }, 200, "text/event-stream");
//
// A fixed body gets Content-Length. A streamed body is sent chunked (HTTP/1.1)
// or up to connection close (HTTP/1.0); every write() goes to the socket at
// once, so tokens reach the client as they are produced. If the stream
// function throws after the head went out, the connection is closed without
// the final chunk: the client sees a truncated body, never a complete-looking one.
// abort() ends it the hard way, with a connection reset (a simulated network
// failure, or a response that must not look finished).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "agentio/core/task.hpp"
#include "agentio/http/headers.hpp"
#include "agentio/http/sse.hpp"

namespace agentio::http {

class ResponseStream {
public:
    virtual ~ResponseStream() = default;
    // Sends `data` now, as one chunk.
    virtual Task<> write(std::string_view data) = 0;
    // Sends one Server-Sent Event.
    Task<> send(const SseEvent& event);
    // Sends an SSE comment (": keep-alive"), e.g. to keep proxies from timing out.
    Task<> send_comment(std::string_view comment);
    // Resets the connection now: a TCP RST when the transport is plain TCP,
    // an abrupt close otherwise; never the last chunk. What was written before
    // stays sent. Later writes throw net::ConnectionError; the connection is
    // not reused. The stream function should return (or throw) soon after.
    virtual void abort() noexcept = 0;
};

struct Response {
    int status = 200;
    Headers headers;
    std::string body;
    // Set for a streamed body; then `body` is ignored.
    std::function<Task<>(ResponseStream&)> stream;

    static Response text(std::string body, int status = 200, std::string_view content_type = "text/plain; charset=utf-8");
    static Response json(std::string body, int status = 200);
    static Response stream_body(std::function<Task<>(ResponseStream&)> writer, int status = 200,
                                std::string_view content_type = "application/octet-stream");
    // An SSE stream (text/event-stream, no caching).
    static Response sse(std::function<Task<>(ResponseStream&)> writer, int status = 200);
    // A short text error body: "404 Not Found\n".
    static Response error(int status, std::string_view detail = {});
};

}  // namespace agentio::http
