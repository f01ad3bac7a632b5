// sse.hpp: Server-Sent Events (text/event-stream), decoder and encoder. No I/O.
//
// compile-context: extern http::ResponseBody body; void handle(const http::SseEvent&);
//     http::SseDecoder decoder;
//     while (auto chunk = co_await body.next()) {
//         decoder.feed(*chunk);
//         while (auto event = decoder.next()) handle(*event);
//     }
//     decoder.finish();   // end of stream: an unterminated event is dropped
//
// The decoder follows WHATWG HTML "Interpreting an event stream": one leading
// UTF-8 BOM is skipped; lines end with CRLF, LF or CR, and a CR that ends one
// feed and an LF that starts the next are one line end; lines starting with ':'
// are comments; a line splits into field and value at its first ':' and one
// space after it is dropped; `data` lines are joined with '\n'; a blank line
// dispatches the event, unless no `data` line was seen (then only the last
// event id is updated); `event` names the type of this event only; an `id`
// containing NUL is ignored; `retry` counts only if it is all ASCII digits;
// other fields are ignored. Events come out whole and in order, the same
// whatever the split of the bytes across feed() calls.
//
// One deliberate difference from a browser: bytes are passed through as they
// are, invalid UTF-8 is not replaced with U+FFFD (the JSON parser that reads
// `data` validates UTF-8 anyway, and the hot path stays a memchr scan).
//
// Limits: a line longer than max_line_bytes, or an event whose data grows past
// max_event_bytes, throws agentio::Error naming the limit, so a hostile stream
// cannot grow memory without bound. After an error the stream is spent: every
// later feed() throws the same error until finish(); events completed before
// it are still returned by next().
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agentio::http {

struct SseEvent {
    // "message" unless an `event` field named another type.
    std::string type = "message";
    // The `data` lines of the event joined with '\n'.
    std::string data{};
    // The last event id when the event was dispatched: an `id` field in an
    // earlier event still applies, as EventSource's lastEventId does.
    std::string id{};
    // A valid `retry` field inside this event, if any (the stream-wide value
    // is SseDecoder::retry()).
    std::optional<std::chrono::milliseconds> retry{};

    friend bool operator==(const SseEvent&, const SseEvent&) = default;
};

struct SseLimits {
    std::size_t max_line_bytes = std::size_t{1} << 20;   // one line, without its line end
    std::size_t max_event_bytes = std::size_t{4} << 20;  // the data of one event
};

class SseDecoder {
public:
    SseDecoder() = default;
    explicit SseDecoder(SseLimits limits) noexcept : limits_(limits) {}

    // Parses `bytes` (any split of the stream) and queues the events it
    // completes. Throws agentio::Error when a limit is exceeded.
    void feed(std::string_view bytes);

    // The next complete event, in stream order; nullopt when none is queued.
    std::optional<SseEvent> next();
    // The same into `out`, whose buffers the decoder takes back for later
    // events: a reader that keeps one SseEvent allocates nothing per event.
    // False when none is queued.
    bool next(SseEvent& out);

    // End of stream: discards a partial line and an undispatched event, as
    // the spec requires. Queued events stay available. The decoder can then be
    // fed a new stream (a reconnection, also after an error): the BOM is
    // checked again, and last_event_id() and retry() carry over.
    void finish() noexcept;

    // The id to send as Last-Event-ID when reconnecting: the last event id
    // buffer as of the last blank line.
    const std::string& last_event_id() const noexcept { return last_event_id_; }
    // The last valid `retry` value of the stream (the reconnection time).
    std::optional<std::chrono::milliseconds> retry() const noexcept { return retry_; }
    // Events queued and not yet taken by next().
    std::size_t pending() const noexcept { return tail_ - head_; }
    const SseLimits& limits() const noexcept { return limits_; }

private:
    void feed_lines(const char* p, const char* end);
    void process_line(std::string_view line);
    void process_field(std::string_view name, std::string_view value);
    void dispatch();
    [[noreturn]] void fail(std::string message);

    SseLimits limits_;
    std::string line_;            // a line that started in an earlier feed
    std::string data_;            // data buffer, without the spec's trailing '\n'
    bool has_data_ = false;       // a `data` line was seen (data_ may be empty)
    std::string type_;            // event type buffer
    std::string id_buffer_;       // last event id buffer
    std::string last_event_id_;   // last event id string, updated at each blank line
    std::optional<std::chrono::milliseconds> retry_;
    std::optional<std::chrono::milliseconds> event_retry_;
    std::vector<SseEvent> ready_;
    std::size_t head_ = 0;        // ready_[head_, tail_) not yet taken
    std::size_t tail_ = 0;        // ready_[tail_..] are spare slots
    unsigned bom_matched_ = 0;    // bytes of a leading BOM seen so far
    bool bom_checked_ = false;
    bool skip_lf_ = false;        // the last feed ended with CR: an LF next is part of it
    std::string error_;           // non-empty once a limit was exceeded
};

// Appends one event to `out`: `event:` unless the type is "message" or empty,
// `id:` if non-empty, `retry:` if set, one `data:` line per line of data (a CR,
// LF or CRLF in data starts a new line, so CRs come back as '\n'), then the
// blank line. Every event written is dispatched by a decoder, even with empty
// data. Throws agentio::Error if type or id holds CR or LF, if id holds NUL
// (a decoder would ignore it), or if retry is negative.
void write_sse_event(const SseEvent& event, std::string& out);

// Appends `text` as comment lines (": text\n", one per line of text): ignored
// by decoders, used as a keep-alive that proxies and idle timers see.
void write_sse_comment(std::string_view text, std::string& out);

}  // namespace agentio::http
