// session_streams.cpp: keeping, replaying and handing over a session's SSE streams.
#include "session_streams.hpp"

#include <algorithm>
#include <charconv>

#include "agentio/core/timeout.hpp"
#include "agentio/http/sse.hpp"

namespace agentio::agent::mcp::detail {

namespace {

std::string event_id(std::uint64_t stream, std::uint64_t seq) {
    return std::to_string(stream) + "-" + std::to_string(seq);
}

std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_event_id(std::string_view text) {
    const std::size_t dash = text.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    std::uint64_t stream = 0;
    std::uint64_t seq = 0;
    const auto [stream_end, stream_error] = std::from_chars(text.data(), text.data() + dash, stream);
    const auto [seq_end, seq_error] = std::from_chars(text.data() + dash + 1, text.data() + text.size(), seq);
    if (stream_error != std::errc() || stream_end != text.data() + dash || seq_error != std::errc() ||
        seq_end != text.data() + text.size() || dash == 0 || dash + 1 == text.size())
        return std::nullopt;
    return std::pair{stream, seq};
}

}  // namespace

std::shared_ptr<SseStream> SessionStreams::make_stream(std::uint64_t number) {
    auto stream = std::make_shared<SseStream>();
    stream->number = number;
    by_number_.emplace(number, stream);
    // Beyond the cap, forget the oldest streams no request still feeds.
    for (auto it = by_number_.begin(); by_number_.size() > max_streams_ && it != by_number_.end();) {
        if (it->second->finished && it->second->writer == 0) it = by_number_.erase(it);
        else ++it;
    }
    return stream;
}

std::shared_ptr<SseStream> SessionStreams::open_request_stream(const Json& id) {
    std::shared_ptr<SseStream> stream = make_stream(next_number_++);
    by_request_[id_key(id)] = stream;
    return stream;
}

std::shared_ptr<SseStream> SessionStreams::standalone() {
    const auto found = by_number_.find(0);
    if (found != by_number_.end()) return found->second;
    return make_stream(0);
}

void SessionStreams::append(SseStream& stream, std::string text) {
    stream.events.push_back(std::move(text));
    if (stream.events.size() > max_events_) {
        stream.events.pop_front();
        ++stream.first_seq;
    }
    stream.changed.set();
}

void SessionStreams::finish(SseStream& stream) {
    stream.finished = true;
    stream.changed.set();
    if (stream.writer == 0 && stream.events.empty()) forget(stream);
}

void SessionStreams::forget(const SseStream& stream) { by_number_.erase(stream.number); }

bool SessionStreams::append_for_request(const Json& id, std::string text, bool is_response) {
    const auto found = by_request_.find(id_key(id));
    if (found == by_request_.end()) return false;
    const std::shared_ptr<SseStream> stream = found->second;
    append(*stream, std::move(text));
    if (is_response) {
        by_request_.erase(found);
        stream->answered = true;
        finish(*stream);
    }
    return true;
}

void SessionStreams::append_standalone(std::string text) { append(*standalone(), std::move(text)); }

void SessionStreams::abandon(const Json& id) {
    const auto found = by_request_.find(id_key(id));
    if (found == by_request_.end()) return;
    const std::shared_ptr<SseStream> stream = found->second;
    by_request_.erase(found);
    finish(*stream);
}

void SessionStreams::detach(const Json& id) {
    const auto found = by_request_.find(id_key(id));
    if (found == by_request_.end()) return;
    found->second->writer = 0;
    found->second->changed.set();
}

bool SessionStreams::busy() const {
    if (!by_request_.empty()) return true;
    return std::any_of(by_number_.begin(), by_number_.end(), [](const auto& entry) { return entry.second->writer != 0; });
}

void SessionStreams::finish_all() {
    by_request_.clear();
    for (auto& [number, stream] : by_number_) {
        stream->finished = true;
        stream->changed.set();
    }
    by_number_.clear();
}

std::optional<std::pair<std::shared_ptr<SseStream>, std::uint64_t>> SessionStreams::resume(std::string_view last_event_id) {
    const auto parsed = parse_event_id(last_event_id);
    if (!parsed) return std::nullopt;
    const auto found = by_number_.find(parsed->first);
    if (found == by_number_.end()) return std::nullopt;
    return std::pair{found->second, parsed->second + 1};
}

// A stream silent for `keepalive` gets a comment: proxies keep it open, and a
// client that is gone is found out by the failing write, which frees the
// stream (and lets an idle session end).
Task<bool> SessionStreams::changed_within(SseStream& stream) const {
    if (keepalive_ <= std::chrono::milliseconds::zero()) {
        co_await stream.changed.wait();
        co_return true;
    }
    try {
        Task<> change = wait_for(stream.changed.wait(), keepalive_);
        co_await std::move(change);
    } catch (const TimeoutError&) {
        co_return false;
    }
    co_return true;
}

Task<> SessionStreams::write(std::shared_ptr<SessionStreams> self, std::shared_ptr<SseStream> stream, std::uint64_t next,
                             std::optional<std::chrono::milliseconds> retry, http::ResponseStream& out) {
    const std::uint64_t me = self->next_writer_++;
    stream->writer = me;
    stream->changed.set();  // an earlier writer stops
    try {
        if (retry) {
            http::SseEvent priming;
            priming.id = event_id(stream->number, next - 1);
            priming.retry = retry;
            co_await out.send(priming);
        }
        for (;;) {
            if (stream->writer != me) co_return;  // taken over, or told to go
            next = std::max(next, stream->first_seq);
            if (next < stream->end_seq()) {
                http::SseEvent event;
                event.id = event_id(stream->number, next);
                event.data = stream->events[next - stream->first_seq];
                ++next;
                co_await out.send(event);
                stream->written = std::max(stream->written, next - 1);
                continue;
            }
            if (stream->finished) {
                stream->writer = 0;
                self->forget(*stream);
                co_return;
            }
            stream->changed.clear();
            Task<bool> waiting = self->changed_within(*stream);
            const bool changed = co_await std::move(waiting);
            if (!changed) {
                Task<> keeping_alive = out.send_comment("keep-alive");
                co_await std::move(keeping_alive);
            }
        }
    } catch (...) {
        // The client went away: the events wait for its resumption (a
        // disconnection is not a cancellation, the spec says).
        if (stream->writer == me) stream->writer = 0;
        throw;
    }
}

}  // namespace agentio::agent::mcp::detail
