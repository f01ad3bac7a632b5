// request.hpp: Request, an HTTP request as a server handler sees it.
//
// The head is parsed; the body is read on demand, whole (`co_await req.text()`)
// or piece by piece (`while (auto piece = co_await req.body().next())`), so a
// handler can stream a large upload. A body the handler leaves unread is
// drained by the server before the next request on the connection.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "agentio/core/clock.hpp"
#include "agentio/core/semaphore.hpp"
#include "agentio/core/task.hpp"
#include "agentio/http/body_reader.hpp"
#include "agentio/http/message.hpp"

namespace agentio::http {

// Room for request bodies read whole, shared by a server's connections.
struct BodyBudget {
    Semaphore room;         // bytes
    std::uint64_t size;     // what `room` started with
    Duration longest_wait;  // then 503
};

class Request {
public:
    Request(RequestHead head, BodyReader body, std::string peer, BodyBudget* budget = nullptr)
        : head_(std::move(head)), body_(std::move(body)), peer_(std::move(peer)), budget_(budget) {}

    const RequestHead& head() const noexcept { return head_; }
    std::string_view method() const noexcept { return head_.method; }
    // The request target as sent: "/v1/models?limit=5".
    std::string_view target() const noexcept { return head_.target; }
    std::string_view path() const noexcept { return target().substr(0, target().find('?')); }
    // After the '?', or empty.
    std::string_view query() const noexcept {
        const std::size_t mark = target().find('?');
        return mark == std::string_view::npos ? std::string_view() : target().substr(mark + 1);
    }
    const Headers& headers() const noexcept { return head_.headers; }
    std::optional<std::string_view> header(std::string_view name) const { return head_.headers.get(name); }
    // The client's address: "127.0.0.1:51234".
    const std::string& peer() const noexcept { return peer_; }

    BodyReader& body() noexcept { return body_; }
    // The whole body (at most Limits::max_body bytes: ParseError 413 beyond).
    // With a budget: ParseError 413 for a body larger than all of it, 503
    // when its room is not free within the budget's longest wait.
    Task<std::string> text();

private:
    RequestHead head_;
    BodyReader body_;
    std::string peer_;
    BodyBudget* budget_ = nullptr;
    Semaphore::Permit room_;  // released when the request ends
};

}  // namespace agentio::http
