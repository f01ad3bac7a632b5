// stream.cpp: a write bounded by its stalls, not by its length.
#include "agentio/net/stream.hpp"

#include <fmt/format.h>

#include "agentio/core/errors.hpp"
#include "agentio/core/event_loop.hpp"
#include "agentio/core/timeout.hpp"

namespace agentio::net {

namespace {

constexpr std::size_t kSlice = 64 * 1024;

// Each slice that goes out moves the deadline on by `stall`.
Task<> write_in_slices(Stream& stream, std::string_view data, Timeout& stalled, Duration stall) {
    while (!data.empty()) {
        const std::string_view slice = data.substr(0, kSlice);
        co_await stream.write(slice);
        data.remove_prefix(slice.size());
        stalled.reschedule(EventLoop::current()->now() + stall);
    }
}

}  // namespace

Task<> write_with_stall_limit(Stream& stream, std::string_view data, Duration stall) {
    Timeout stalled(EventLoop::current()->now() + stall);
    // One slice: no coroutine of its own (most writes are small).
    Task<> writing = data.size() <= kSlice ? stream.write(data) : write_in_slices(stream, data, stalled, stall);
    try {
        co_await stalled.run(std::move(writing));
    } catch (const TimeoutError&) {
        if (!stalled.expired()) throw;
    }
    if (stalled.expired())
        throw TimeoutError(fmt::format("write to {}: no progress within {:.3f} s (the peer stopped reading)", stream.peer(),
                                       std::chrono::duration<double>(stall).count()));
}

}  // namespace agentio::net
