#include "agentio/http/response.hpp"

#include "agentio/http/message.hpp"

namespace agentio::http {

Task<> ResponseStream::send(const SseEvent& event) {
    std::string frame;
    write_sse_event(event, frame);
    co_await write(frame);
}

Task<> ResponseStream::send_comment(std::string_view comment) {
    std::string frame;
    write_sse_comment(comment, frame);
    co_await write(frame);
}

Response Response::text(std::string body, int status, std::string_view content_type) {
    Response response;
    response.status = status;
    response.headers.add("Content-Type", std::string(content_type));
    response.body = std::move(body);
    return response;
}

Response Response::json(std::string body, int status) { return text(std::move(body), status, "application/json"); }

Response Response::stream_body(std::function<Task<>(ResponseStream&)> writer, int status, std::string_view content_type) {
    Response response;
    response.status = status;
    response.headers.add("Content-Type", std::string(content_type));
    response.stream = std::move(writer);
    return response;
}

Response Response::sse(std::function<Task<>(ResponseStream&)> writer, int status) {
    Response response = stream_body(std::move(writer), status, "text/event-stream");
    response.headers.add("Cache-Control", "no-cache");
    return response;
}

Response Response::error(int status, std::string_view detail) {
    std::string body = std::to_string(status);
    body.append(" ").append(reason_phrase(status));
    if (!detail.empty()) body.append(": ").append(detail);
    body.append("\n");
    return text(std::move(body), status);
}

}  // namespace agentio::http
