// request.cpp: a request body read whole, within the server's body budget.
#include "agentio/http/request.hpp"

#include <algorithm>
#include <string>

#include "agentio/core/errors.hpp"
#include "agentio/core/timeout.hpp"
#include "agentio/http/parse_error.hpp"

namespace agentio::http {

namespace {

Task<Semaphore::Permit> acquire(Semaphore& room, std::uint64_t bytes) { co_return co_await room.acquire(bytes); }

// Room that is not free now: waited for, or refused.
Task<Semaphore::Permit> take_room(BodyBudget& budget, std::uint64_t bytes) {
    if (bytes > budget.size)
        throw ParseError(413, "a body of " + std::to_string(bytes) + " bytes is more than the server buffers for all " +
                                  "requests together (" + std::to_string(budget.size) + " bytes)");
    Task<Semaphore::Permit> waiting = acquire(budget.room, bytes);
    try {
        co_return co_await wait_for(std::move(waiting), budget.longest_wait);
    } catch (const TimeoutError&) {
    }
    throw ParseError(503, "the server is reading too many large bodies at once; try again shortly");
}

}  // namespace

Task<std::string> Request::text() {
    if (budget_ == nullptr || body_.done()) co_return co_await body_.read_all();
    // A declared length takes its room before the first byte is read. A
    // chunked body, of unknown length, takes room for the most it may be.
    const BodyFraming& framing = body_.framing();
    const std::uint64_t room = framing.kind == BodyFraming::Kind::ContentLength
                                   ? framing.length
                                   : std::min(body_.max_body(), budget_->size);
    // Room free now (the common case) is taken without a coroutine of its own.
    std::optional<Semaphore::Permit> free_now;
    if (room <= budget_->size) free_now = budget_->room.try_acquire(room);
    if (free_now) {
        room_ = std::move(*free_now);
    } else if (room > 0) {
        Task<Semaphore::Permit> taking = take_room(*budget_, room);
        room_ = co_await std::move(taking);
    }
    co_return co_await body_.read_all();
}

}  // namespace agentio::http
