// session_streams.hpp: the SSE streams of one Streamable HTTP session, kept so
// that a client that lost one (or was told to go, SSE polling) resumes it
// with Last-Event-ID and misses nothing.
//
// Each POSTed request has its stream (what the server sends about it, ended
// by its response); the session has one standalone stream for what no
// request asked for (read with GET). An event's id is "<stream>-<seq>", seq
// counting from 1 in each stream; a priming event "<stream>-<seq>" with no
// data tells the client where it stands before anything is sent.
//
// Invariants:
// - At most one connection writes a stream at a time: `writer` names it, and
//   a writer that finds another name there (a resumption took over, or
//   detach()) stops at once, ending its HTTP response.
// - A stream keeps its last max_events events; one finished and written to
//   the end is forgotten; beyond max_streams the oldest finished ones are
//   forgotten first. A client away too long loses the oldest events, never
//   the server its memory.
// - finish_all() (the session ended) finishes every stream, so no writer
//   waits on a dead session.
// - A stream silent for its keepalive gets an SSE comment, so a connection
//   whose client is gone does not hold its stream (and its session) for ever.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "agentio/agent/mcp/json_rpc.hpp"
#include "agentio/core/clock.hpp"
#include "agentio/core/event.hpp"
#include "agentio/http/response.hpp"

namespace agentio::agent::mcp::detail {

struct SseStream {
    std::uint64_t number = 0;
    std::deque<std::string> events;  // the event with seq s is events[s - first_seq]
    std::uint64_t first_seq = 1;
    std::uint64_t writer = 0;  // the connection writing it; 0: none
    bool finished = false;     // nothing more will be added
    bool answered = false;     // its last event is the response to its request
    std::uint64_t written = 0; // the last seq a connection was sent
    Event changed;             // an event was added, or the writer or finished changed

    std::uint64_t end_seq() const noexcept { return first_seq + events.size(); }
};

class SessionStreams : public std::enable_shared_from_this<SessionStreams> {
public:
    // keepalive: how long a stream may be silent before it gets a comment (0: never).
    SessionStreams(std::size_t max_events, std::size_t max_streams, std::chrono::milliseconds keepalive)
        : max_events_(max_events), max_streams_(max_streams), keepalive_(keepalive) {}

    // The stream of the client's request `id`, new.
    std::shared_ptr<SseStream> open_request_stream(const Json& id);
    // The standalone stream (what no request asked for), made on first use.
    std::shared_ptr<SseStream> standalone();

    // Adds a message to the stream of request `id`; a response finishes it.
    // False when that request has no stream (it was abandoned).
    bool append_for_request(const Json& id, std::string text, bool is_response);
    void append_standalone(std::string text);
    // The request will get no answer (cancelled): its stream ends as it is.
    void abandon(const Json& id);
    // The connection writing request `id`'s stream ends now; events keep
    // being kept for the client's resumption.
    void detach(const Json& id);
    void finish_all();
    // Is request `id` still waiting for its response?
    bool is_open_request(const Json& id) const { return by_request_.contains(id_key(id)); }
    // A request still waiting for its response, or a connection writing a stream.
    bool busy() const;
    // The stream was delivered whole another way (one JSON answer): drop it.
    void forget(const SseStream& stream);

    // For a Last-Event-ID: the stream it names and the seq to go on from;
    // nullopt when it names no stream we keep.
    std::optional<std::pair<std::shared_ptr<SseStream>, std::uint64_t>> resume(std::string_view last_event_id);

    // Writes `stream` from seq `next` on `out`, after a priming event carrying
    // `retry` when set, until the stream is finished and written, or another
    // connection takes it over. Takes the stream over from any earlier writer.
    static Task<> write(std::shared_ptr<SessionStreams> self, std::shared_ptr<SseStream> stream, std::uint64_t next,
                        std::optional<std::chrono::milliseconds> retry, http::ResponseStream& out);

private:
    std::shared_ptr<SseStream> make_stream(std::uint64_t number);
    // False when `stream` stayed unchanged for keepalive_.
    Task<bool> changed_within(SseStream& stream) const;
    void append(SseStream& stream, std::string text);
    void finish(SseStream& stream);

    std::size_t max_events_;
    std::size_t max_streams_;
    std::chrono::milliseconds keepalive_;
    std::map<std::uint64_t, std::shared_ptr<SseStream>> by_number_;  // oldest first
    std::unordered_map<std::string, std::shared_ptr<SseStream>> by_request_;  // id_key -> unanswered stream
    std::uint64_t next_number_ = 1;  // 0 is the standalone stream
    std::uint64_t next_writer_ = 1;
};

}  // namespace agentio::agent::mcp::detail
