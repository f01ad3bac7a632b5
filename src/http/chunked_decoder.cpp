// chunked_decoder.cpp: ChunkedDecoder (chunked_decoder.hpp).
//
// A byte-at-a-time state machine for the few framing bytes, which hands out
// body data as views of its input, so a split anywhere (even inside "\r\n")
// gives the same result as one contiguous feed. Each state accepts exactly
// the bytes the grammar allows there; the only state with a loop over many
// bytes is Data, which returns at once.
#include "agentio/http/chunked_decoder.hpp"

#include <limits>
#include <utility>

#include "syntax.hpp"

namespace agentio::http {

using namespace detail;

void ChunkedDecoder::fail(int status, const std::string& what) {
    state_ = State::Failed;
    throw ParseError(status, "chunked body: " + what);
}

void ChunkedDecoder::fail_at(std::uint64_t at, const std::string& what) {
    fail(400, what + " at byte " + std::to_string(at) + " of the body");
}

void ChunkedDecoder::fail_byte(std::uint64_t at, char c, std::string_view where) {
    fail_at(at, "invalid character " + byte_name(c) + " " + std::string(where));
}

void ChunkedDecoder::fail_body_limit(std::uint64_t at) {
    fail(413, "chunks add up to more than the body limit of " + std::to_string(limits_.max_body) +
                  " bytes (size line ending at byte " + std::to_string(at) + ")");
}

inline void ChunkedDecoder::end_size_line(std::uint64_t at) {
    line_bytes_ = 0;
    digits_ = 0;
    if (size_ == 0) {
        state_ = State::TrailerStart;
        return;
    }
    if (size_ > limits_.max_body - body_bytes_) fail_body_limit(at);
    remaining_ = std::exchange(size_, 0);
    state_ = State::Data;
}

ChunkedDecoder::Result ChunkedDecoder::feed(std::string_view input) {
    if (state_ == State::Done) return {0, {}, true};
    if (state_ == State::Failed) throw ParseError(400, "chunked body: the decoder already failed");
    const char* const begin = input.data();
    const char* const end = begin + input.size();
    const bool lenient = limits_.lenient;
    // Where `at` is in the whole body, for messages. Takes the pointer by
    // value: a lambda holding `p` by reference would keep it in memory.
    const auto here = [this, begin](const char* at) { return offset_ + static_cast<std::uint64_t>(at - begin); };
    for (const char* p = begin; p != end; ++p) {
        const char c = *p;
        if (state_ <= State::SizeLf && ++line_bytes_ > limits_.max_chunk_line)
            fail(400, "chunk-size line longer than " + std::to_string(limits_.max_chunk_line) + " bytes");
        if (state_ >= State::TrailerStart && state_ <= State::FinalLf && ++trailer_bytes_ > limits_.max_head_bytes)
            fail(431, "trailer section larger than " + std::to_string(limits_.max_head_bytes) + " bytes");
        switch (state_) {
            case State::Size:
                if (const int digit = kHex[static_cast<unsigned char>(c)]; digit >= 0) {
                    if (size_ > (std::numeric_limits<std::uint64_t>::max() >> 4))
                        fail_at(here(p), "chunk size overflows 64 bits");
                    size_ = (size_ << 4) | static_cast<std::uint64_t>(digit);
                    ++digits_;
                } else if (digits_ == 0) {
                    fail_byte(here(p), c, "where a hex chunk size was expected");
                } else if (c == ';') {
                    state_ = State::ExtNameStart;
                } else if (c == '\r') {
                    state_ = State::SizeLf;
                } else if (is_ows(c)) {
                    state_ = State::SizeSpace;
                } else if (c == '\n' && lenient) {
                    end_size_line(here(p));
                } else {
                    fail_byte(here(p), c, "in chunk size (only hex digits, then \";\" extensions or CRLF)");
                }
                break;
            case State::SizeSpace:
                // BWS is only allowed before ';' (RFC 9112 7.1.1); lenient also
                // before the line end.
                if (c == ';') {
                    state_ = State::ExtNameStart;
                } else if (is_ows(c)) {
                } else if (lenient && c == '\r') {
                    state_ = State::SizeLf;
                } else if (lenient && c == '\n') {
                    end_size_line(here(p));
                } else if (c == '\r') {
                    fail_at(here(p), "whitespace at the end of a chunk-size line");
                } else {
                    fail_byte(here(p), c, "after whitespace in a chunk-size line (only \";\" may follow)");
                }
                break;
            case State::ExtNameStart:
                if (has_class(c, kTchar)) {
                    state_ = State::ExtName;
                } else if (!is_ows(c)) {
                    if (c == ';' || c == '=' || c == '\r' || c == '\n') fail_at(here(p), "chunk extension without a name");
                    fail_byte(here(p), c, "in a chunk extension name");
                }
                break;
            case State::ExtName:
                if (has_class(c, kTchar)) {
                } else if (c == '=') {
                    state_ = State::ExtValueStart;
                } else if (c == ';') {
                    state_ = State::ExtNameStart;
                } else if (c == '\r') {
                    state_ = State::SizeLf;
                } else if (is_ows(c)) {
                    state_ = State::ExtNameSpace;
                } else if (c == '\n' && lenient) {
                    end_size_line(here(p));
                } else {
                    fail_byte(here(p), c, "in a chunk extension name");
                }
                break;
            case State::ExtNameSpace:
                if (c == '=') {
                    state_ = State::ExtValueStart;
                } else if (c == ';') {
                    state_ = State::ExtNameStart;
                } else if (is_ows(c)) {
                } else if (lenient && c == '\r') {
                    state_ = State::SizeLf;
                } else if (lenient && c == '\n') {
                    end_size_line(here(p));
                } else if (c == '\r') {
                    fail_at(here(p), "whitespace at the end of a chunk-size line");
                } else {
                    fail_byte(here(p), c, "after a chunk extension name (\"=\" or \";\" expected)");
                }
                break;
            case State::ExtValueStart:
                if (c == '"') {
                    state_ = State::ExtQuoted;
                } else if (has_class(c, kTchar)) {
                    state_ = State::ExtToken;
                } else if (!is_ows(c)) {
                    if (c == ';' || c == '\r' || c == '\n') fail_at(here(p), "chunk extension \"=\" without a value");
                    fail_byte(here(p), c, "in a chunk extension value");
                }
                break;
            case State::ExtToken:
                if (has_class(c, kTchar)) {
                } else if (c == ';') {
                    state_ = State::ExtNameStart;
                } else if (c == '\r') {
                    state_ = State::SizeLf;
                } else if (is_ows(c)) {
                    state_ = State::SizeSpace;
                } else if (c == '\n' && lenient) {
                    end_size_line(here(p));
                } else {
                    fail_byte(here(p), c, "in a chunk extension value (a token, or a quoted-string)");
                }
                break;
            case State::ExtQuoted:
                if (c == '"') {
                    state_ = State::ExtQuotedEnd;
                } else if (c == '\\') {
                    state_ = State::ExtQuotedPair;
                } else if (c == '\r' || c == '\n') {
                    fail_at(here(p), "unbalanced quote in a chunk extension (the line ends inside a quoted-string)");
                } else if (!has_class(c, kQdtext)) {
                    fail_byte(here(p), c, "in a quoted chunk extension value");
                }
                break;
            case State::ExtQuotedPair:
                if (c == '\r' || c == '\n')
                    fail_at(here(p), "unbalanced quote in a chunk extension (the line ends inside a quoted-string)");
                if (!has_class(c, kFieldChar)) fail_byte(here(p), c, "escaped in a quoted chunk extension value");
                state_ = State::ExtQuoted;
                break;
            case State::ExtQuotedEnd:
                if (c == ';') {
                    state_ = State::ExtNameStart;
                } else if (c == '\r') {
                    state_ = State::SizeLf;
                } else if (is_ows(c)) {
                    state_ = State::SizeSpace;
                } else if (c == '\n' && lenient) {
                    end_size_line(here(p));
                } else {
                    fail_byte(here(p), c, "after a quoted chunk extension value");
                }
                break;
            case State::SizeLf:
                if (c != '\n') fail_at(here(p) - 1, "bare CR (not followed by LF) in a chunk-size line");
                end_size_line(here(p));
                break;
            case State::Data: {
                const auto piece = static_cast<std::size_t>(
                    std::min<std::uint64_t>(remaining_, static_cast<std::uint64_t>(end - p)));
                remaining_ -= piece;
                body_bytes_ += piece;
                if (remaining_ == 0) state_ = State::DataCr;
                const auto consumed = static_cast<std::size_t>(p - begin) + piece;
                offset_ += consumed;
                return {consumed, std::string_view(p, piece), false};
            }
            case State::DataCr:
                if (c != '\r') fail_at(here(p), "missing CRLF after chunk data (found " + byte_name(c) + ")");
                state_ = State::DataLf;
                break;
            case State::DataLf:
                if (c != '\n') fail_at(here(p), "missing CRLF after chunk data (CR followed by " + byte_name(c) + ")");
                state_ = State::Size;
                break;
            case State::TrailerStart:
                if (c == '\r') {
                    state_ = State::FinalLf;
                } else if (c == '\n') {
                    if (!lenient) fail_at(here(p), "bare LF (not preceded by CR) ending the trailer section");
                    state_ = State::Done;
                    offset_ += static_cast<std::uint64_t>(p - begin) + 1;
                    return {static_cast<std::size_t>(p - begin) + 1, {}, true};
                } else if (is_ows(c)) {
                    fail_at(here(p), "trailer line starting with whitespace (obs-fold is not allowed)");
                } else if (!has_class(c, kTchar)) {
                    fail_byte(here(p), c, "at the start of a trailer field");
                } else if (++trailer_fields_ > limits_.max_headers) {
                    fail(431, "more than " + std::to_string(limits_.max_headers) + " trailer fields");
                } else {
                    state_ = State::TrailerName;
                }
                break;
            case State::TrailerName:
                if (c == ':') {
                    state_ = State::TrailerValue;
                } else if (is_ows(c)) {
                    fail_at(here(p), "whitespace between a trailer field name and its colon");
                } else if (!has_class(c, kTchar)) {
                    fail_byte(here(p), c, "in a trailer field name");
                }
                break;
            case State::TrailerValue:
                if (c == '\r') {
                    state_ = State::TrailerLf;
                } else if (c == '\n') {
                    if (!lenient) fail_at(here(p), "bare LF (not preceded by CR) in the trailer section");
                    state_ = State::TrailerStart;
                } else if (!has_class(c, kFieldChar)) {
                    fail_byte(here(p), c, "in a trailer field value");
                }
                break;
            case State::TrailerLf:
                if (c != '\n') fail_at(here(p) - 1, "bare CR (not followed by LF) in the trailer section");
                state_ = State::TrailerStart;
                break;
            case State::FinalLf:
                if (c != '\n') fail_at(here(p) - 1, "bare CR (not followed by LF) at the end of the trailer section");
                state_ = State::Done;
                offset_ += static_cast<std::uint64_t>(p - begin) + 1;
                return {static_cast<std::size_t>(p - begin) + 1, {}, true};
            case State::Done:
            case State::Failed:
                break;  // handled before the loop
        }
    }
    offset_ += input.size();
    return {input.size(), {}, false};
}

}  // namespace agentio::http
