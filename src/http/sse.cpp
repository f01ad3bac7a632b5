// sse.cpp: the event-stream decoder and encoder.
//
// The decoder's hot path is an LLM stream of `data: {...}\n\n` events. Each
// feed is scanned with memchr for line ends; a line that lies whole in the
// feed is parsed in place (a string_view into the caller's bytes), and only a
// line cut by the end of a feed is copied into line_ until its end arrives.
// The value of a `data` line is copied once, into the string the event owns.
//
// Split-independence: every decision is taken on a whole line, except three
// that straddle feeds and carry state instead: a BOM cut by the end of a feed
// (bom_matched_), a CR ending a feed (skip_lf_ swallows an LF that starts the
// next one), and the length limit of a cut line (checked as it grows; the
// limit is exceeded by its prefix only if the whole line exceeds it too).
#include "agentio/http/sse.hpp"

#include <cstring>
#include <limits>
#include <utility>

#include "agentio/core/errors.hpp"

namespace agentio::http {

namespace {

constexpr char kBom[] = "\xEF\xBB\xBF";

const char* find_byte(const char* p, const char* end, char byte) noexcept {
    return static_cast<const char*>(std::memchr(p, byte, static_cast<std::size_t>(end - p)));
}

// The value of a `retry` field: ASCII digits only, and it must fit the
// duration (a value that does not is ignored, like any other invalid one).
std::optional<std::chrono::milliseconds> parse_retry(std::string_view value) noexcept {
    if (value.empty()) return std::nullopt;
    using Rep = std::chrono::milliseconds::rep;
    constexpr Rep kMax = std::numeric_limits<Rep>::max();
    Rep n = 0;
    for (const char c : value) {
        if (c < '0' || c > '9') return std::nullopt;
        const Rep digit = c - '0';
        if (n > (kMax - digit) / 10) return std::nullopt;
        n = n * 10 + digit;
    }
    return std::chrono::milliseconds(n);
}

// Splits text at CR, LF and CRLF, as the decoder will, calling emit(line)
// for each line (one, empty, for empty text).
template <class Emit>
void for_each_line(std::string_view text, Emit emit) {
    while (true) {
        const std::size_t end = text.find_first_of("\r\n");
        if (end == std::string_view::npos) {
            emit(text);
            return;
        }
        emit(text.substr(0, end));
        const bool crlf = text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n';
        text.remove_prefix(end + (crlf ? 2 : 1));
    }
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
    out.append(name);
    // A value written after "name:" with no space would lose its own leading
    // space to the decoder; with "name: " only ours is removed.
    if (!value.empty()) {
        out.append(": ", 2);
        out.append(value);
    } else {
        out.push_back(':');
    }
    out.push_back('\n');
}

void refuse_line_breaks(std::string_view what, std::string_view value) {
    if (value.find_first_of("\r\n") != std::string_view::npos)
        throw Error("write_sse_event: the " + std::string(what) + " holds a CR or LF, which would end the field");
}

}  // namespace

void SseDecoder::feed(std::string_view bytes) {
    if (!error_.empty()) throw Error(error_);
    if (head_ == tail_) head_ = tail_ = 0;
    const char* p = bytes.data();
    const char* const end = p + bytes.size();
    if (!bom_checked_) {
        while (p != end && bom_matched_ < 3 && *p == kBom[bom_matched_]) {
            ++p;
            ++bom_matched_;
        }
        if (bom_matched_ == 3) {
            bom_checked_ = true;
        } else if (p != end) {
            // Not a BOM after all: the bytes taken for one were content.
            bom_checked_ = true;
            line_.append(kBom, bom_matched_);
        } else {
            return;  // still a possible BOM prefix: decide on the next feed
        }
    }
    if (skip_lf_ && p != end) {
        skip_lf_ = false;
        if (*p == '\n') ++p;
    }
    feed_lines(p, end);
}

void SseDecoder::feed_lines(const char* p, const char* const end) {
    // The next LF and the next CR at or after p (end if none), each remembered
    // across lines and searched again only once passed: in an LF-only stream
    // (every LLM API's) one scan of the feed finds no CR and each line then
    // costs one memchr; a CR-only stream scans for LF once.
    const char* lf = nullptr;
    const char* cr = nullptr;
    while (p != end) {
        if (lf == nullptr || lf < p) {
            lf = find_byte(p, end, '\n');
            if (lf == nullptr) lf = end;
        }
        if (cr == nullptr || cr < p) {
            cr = find_byte(p, end, '\r');
            if (cr == nullptr) cr = end;
        }
        const char* eol = cr < lf ? cr : lf;
        const std::size_t length = static_cast<std::size_t>(eol - p);
        if (line_.size() + length > limits_.max_line_bytes)
            fail("SSE line longer than max_line_bytes (" + std::to_string(limits_.max_line_bytes) + " bytes)");
        if (eol == end) {
            line_.append(p, length);
            return;
        }
        if (line_.empty()) {
            process_line(std::string_view(p, length));
        } else {
            line_.append(p, length);
            process_line(line_);
            line_.clear();
        }
        p = eol + 1;
        if (*eol == '\r') {
            if (p == end)
                skip_lf_ = true;
            else if (*p == '\n')
                ++p;
        }
    }
}

void SseDecoder::process_line(std::string_view line) {
    if (line.empty()) {
        dispatch();
        return;
    }
    if (line.front() == ':') return;  // comment
    const void* colon = std::memchr(line.data(), ':', line.size());
    if (colon == nullptr) {
        process_field(line, {});
        return;
    }
    const std::size_t at = static_cast<std::size_t>(static_cast<const char*>(colon) - line.data());
    std::string_view value = line.substr(at + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    process_field(line.substr(0, at), value);
}

void SseDecoder::process_field(std::string_view name, std::string_view value) {
    if (name == "data") {
        const std::size_t size = data_.size() + (has_data_ ? 1 : 0) + value.size();
        if (size > limits_.max_event_bytes)
            fail("SSE event data larger than max_event_bytes (" + std::to_string(limits_.max_event_bytes) + " bytes)");
        if (has_data_) {
            data_.push_back('\n');
        } else {
            // The usual event has one data line: one exact allocation.
            data_.reserve(value.size());
            has_data_ = true;
        }
        data_.append(value);
    } else if (name == "event") {
        type_.assign(value);
    } else if (name == "id") {
        if (value.find('\0') == std::string_view::npos) id_buffer_.assign(value);
    } else if (name == "retry") {
        if (auto retry = parse_retry(value)) {
            retry_ = retry;
            event_retry_ = retry;
        }
    }
}

void SseDecoder::dispatch() {
    if (last_event_id_ != id_buffer_) last_event_id_ = id_buffer_;
    const auto retry = std::exchange(event_retry_, std::nullopt);
    if (!has_data_) {
        type_.clear();
        return;
    }
    // Slots are reused, and the data buffers swapped rather than moved: a
    // stream of events reaches a steady state with no allocation per event.
    // Type and id rarely change between events: written only when they do.
    if (tail_ == ready_.size()) ready_.emplace_back();
    SseEvent& event = ready_[tail_++];
    const std::string_view type = type_.empty() ? std::string_view("message") : std::string_view(type_);
    if (event.type != type) event.type.assign(type);
    event.data.swap(data_);
    if (event.id != last_event_id_) event.id.assign(last_event_id_);
    event.retry = retry;
    type_.clear();
    data_.clear();
    has_data_ = false;
}

std::optional<SseEvent> SseDecoder::next() {
    if (head_ == tail_) {
        head_ = tail_ = 0;
        return std::nullopt;
    }
    return std::move(ready_[head_++]);
}

bool SseDecoder::next(SseEvent& out) {
    if (head_ == tail_) {
        head_ = tail_ = 0;
        return false;
    }
    // Field by field, not std::swap of the whole event (three moves of every
    // member): out's old data buffer goes back to the pool; type and id are
    // exchanged only when they differ.
    SseEvent& slot = ready_[head_++];
    out.data.swap(slot.data);
    if (out.type != slot.type) out.type.swap(slot.type);
    if (out.id != slot.id) out.id.swap(slot.id);
    out.retry = slot.retry;
    return true;
}

void SseDecoder::finish() noexcept {
    line_.clear();
    data_.clear();
    has_data_ = false;
    type_.clear();
    id_buffer_ = last_event_id_;  // an id of the discarded event does not count
    event_retry_.reset();
    bom_matched_ = 0;
    bom_checked_ = false;
    skip_lf_ = false;
    error_.clear();
}

void SseDecoder::fail(std::string message) {
    error_ = std::move(message);
    throw Error(error_);
}

void write_sse_event(const SseEvent& event, std::string& out) {
    refuse_line_breaks("event type", event.type);
    refuse_line_breaks("id", event.id);
    if (event.id.find('\0') != std::string::npos)
        throw Error("write_sse_event: the id holds a NUL, which decoders ignore");
    if (event.retry && event.retry->count() < 0)
        throw Error("write_sse_event: negative retry (" + std::to_string(event.retry->count()) + " ms)");

    if (!event.type.empty() && event.type != "message") append_field(out, "event", event.type);
    if (!event.id.empty()) append_field(out, "id", event.id);
    if (event.retry) append_field(out, "retry", std::to_string(event.retry->count()));
    for_each_line(event.data, [&](std::string_view line) { append_field(out, "data", line); });
    out.push_back('\n');
}

void write_sse_comment(std::string_view text, std::string& out) {
    for_each_line(text, [&](std::string_view line) { append_field(out, "", line); });
}

}  // namespace agentio::http
