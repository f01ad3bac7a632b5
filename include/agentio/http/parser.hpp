// parser.hpp: the HTTP/1.1 codec. Pure functions over bytes, no I/O.
//
// Reading a message:
//
//     RequestHead head;
//     auto used = parse_request_head(buffer, head, limits);  // nullopt: read more
//     if (!used) { ...read more bytes, call again with the whole buffer... }
//     buffer.erase(0, *used);
//     switch (request_framing(head, limits).kind) { ... }    // then read the body
//
// Guarantees, for every input: no crash, no read outside the given bytes, no
// unbounded work or memory. Invalid bytes throw ParseError, whose message
// names what was wrong and whose status() is the one a server answers with.
// A head that is incomplete but already over a limit throws at once, so a
// client that trickles an endless head (slowloris) is refused early.
//
// Strictness (RFC 9110/9112, as nginx and curl are strict):
// - method and header names are tokens (tchar); no whitespace between a
//   header name and its colon, no obs-fold continuation lines (both are
//   request-smuggling vectors); values are trimmed of leading and trailing
//   spaces/tabs and may hold no control character but HTAB (bytes >= 0x80
//   are allowed, as obs-text); the request target is visible ASCII in one
//   of the forms of RFC 9112 3.2: /path, scheme://..., host:port for
//   CONNECT only, * for OPTIONS only;
// - lines end with CRLF or with a bare LF (as libhttp-parser and nginx
//   accept); a CR anywhere else is an error;
// - empty lines before the start line are skipped (RFC 9112 2.2) and count
//   toward max_head_bytes;
// - the version is exactly `HTTP/<digit>.<digit>`, anything else is 400;
//   versions other than 1.0 and 1.1 are 505;
// - the request line is `method SP target SP version` with single spaces;
//   the status line `version SP 3DIGIT [SP reason]`, status 100..999.
//
// Limits and the status each one answers with:
//   request line over max_start_line     414 (431 for a status line)
//   head over max_head_bytes              431
//   more than max_headers fields          431
//   declared body over max_body           413
//   chunk-size line over max_chunk_line   400
//   trailer section over the head limits  431
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "agentio/core/errors.hpp"
#include "agentio/http/message.hpp"

namespace agentio::http {

struct Limits {
    std::size_t max_start_line = 8 * 1024;  // request or status line, without its line ending
    std::size_t max_head_bytes = 64 * 1024;  // whole head, empty line included
    std::size_t max_headers = 100;           // fields in a head or in a trailer section
    std::uint64_t max_body = 64ull << 20;    // Content-Length, or the sum of chunk sizes
    std::size_t max_chunk_line = 1024;       // chunk-size line with its extensions
};

// Invalid bytes, or a limit exceeded. status(): 400 malformed, 413 body too
// large, 414 request line too long, 431 head too large or too many fields,
// 501 unsupported transfer coding, 505 unsupported HTTP version.
class ParseError : public Error {
public:
    ParseError(int status, const std::string& what) : Error("HTTP parse error: " + what), status_(status) {}
    int status() const noexcept { return status_; }

private:
    int status_;
};

// If `buffer` starts with a complete head (through its empty line): fills
// `out` and returns the bytes it took (leading empty lines included).
// std::nullopt: more bytes are needed, `out` is untouched; call again with
// the same bytes plus the new ones. Throws ParseError as described above;
// `out` is then unspecified. While the head is incomplete, the limits and the
// start line (or the start of it: the method, "HTTP/") are checked at every
// call, the field lines once the head is complete. Cost is linear in the
// buffer (a memchr scan while incomplete), so callers should call again only
// when bytes arrive.
std::optional<std::size_t> parse_request_head(std::string_view buffer, RequestHead& out, const Limits& limits = {});
std::optional<std::size_t> parse_response_head(std::string_view buffer, ResponseHead& out, const Limits& limits = {});

// How the body after a head is delimited (RFC 9112 6.3).
struct BodyFraming {
    enum class Kind {
        None,           // no body: the next message starts right after the head
        ContentLength,  // exactly `length` bytes (possibly 0)
        Chunked,        // chunked coding: feed the bytes to a ChunkedDecoder
        UntilClose,     // responses only: everything until the server closes
    };
    Kind kind = Kind::None;
    std::uint64_t length = 0;  // ContentLength only
};

// A request's body framing. Throws ParseError: 400 for both Transfer-Encoding
// and Content-Length (a smuggling attempt), Transfer-Encoding in HTTP/1.0, a
// Transfer-Encoding whose last coding is not chunked or that applies chunked
// twice, a Content-Length that is not a decimal number or does not fit 64
// bits, several Content-Lengths that differ (identical repeats are
// accepted); 501 for a transfer coding other than chunked, gzip, x-gzip,
// deflate, compress, x-compress; 413 for a Content-Length over max_body.
// No Transfer-Encoding and no Content-Length: Kind::None.
BodyFraming request_framing(const RequestHead& head, const Limits& limits = {});

// A response's body framing, given the method of the request it answers:
// none for HEAD, for 1xx, 204 and 304, and for a 2xx to CONNECT; chunked when
// the last transfer coding is chunked (a Content-Length next to it is
// ignored, RFC 9112 6.3.3); until close when Transfer-Encoding does not end
// in chunked or when no length is given. Throws ParseError for a malformed
// or conflicting Content-Length, chunked applied twice, and 413 for a
// Content-Length over max_body.
BodyFraming response_framing(std::string_view request_method, const ResponseHead& head, const Limits& limits = {});

// Incremental, zero-copy decoder of a chunked body, from the first chunk-size
// line through the trailer section. Input may be split anywhere.
//
//     ChunkedDecoder decoder(limits);
//     while (!decoder.done()) {
//         if (bytes.empty()) bytes = co_await read_more();
//         auto step = decoder.feed(bytes);
//         if (!step.data.empty()) consume(step.data);  // a view into `bytes`
//         bytes.remove_prefix(step.consumed);
//     }
//     // `bytes` now starts with whatever follows the message (pipelining).
//
// Each feed() takes framing bytes (chunk-size lines, extensions, CRLFs,
// trailers), keeping what it needs of a split line in a few bytes of state,
// and stops after at most one piece of body data. So whenever a step returns
// no data and is not done, it consumed all of its input: a loop that feeds
// what is left always advances. Chunk extensions and trailer fields are
// validated and skipped. Throws ParseError for a bad hex size, a size that
// overflows 64 bits, a missing CRLF after chunk data, a malformed trailer,
// 413 when the sizes add up to more than max_body (detected at the size
// line, before the data arrives), and the line limits in the file comment.
// Chunk-size lines and the CRLF after data must be CRLF exactly; trailer
// lines follow the head's rules (bare LF accepted).
class ChunkedDecoder {
public:
    struct Result {
        std::size_t consumed = 0;  // input bytes used, `data` included
        std::string_view data;     // decoded body bytes: a sub-span of the input
        bool done = false;         // the whole body and its trailers are in
    };

    explicit ChunkedDecoder(const Limits& limits = {}) noexcept : limits_(limits) {}

    // Once done, returns {0, {}, true} and consumes nothing more. After a
    // ParseError the decoder stays failed: further calls throw again.
    Result feed(std::string_view input);

    bool done() const noexcept { return state_ == State::Done; }
    // Body bytes decoded so far.
    std::uint64_t body_bytes() const noexcept { return body_bytes_; }
    // Ready for a new body, same limits.
    void reset() noexcept { *this = ChunkedDecoder(limits_); }

private:
    // In stream order; feed() tests ranges (chunk-size line, trailer section).
    enum class State : std::uint8_t {
        Size,          // hex digits of a chunk size
        SizeSpace,     // whitespace after the size, before ';' or CR
        Extension,     // ";..." up to CR
        SizeLf,        // the LF after a chunk-size line
        Data,          // `remaining_` body bytes
        DataCr,        // the CRLF after chunk data
        DataLf,
        TrailerStart,  // start of a trailer line, or the final empty line
        TrailerName,
        TrailerValue,
        TrailerLf,     // the LF after a trailer field's CR
        FinalLf,       // the LF of the final empty line
        Done,
        Failed,
    };
    [[noreturn]] void fail(int status, const std::string& what);

    Limits limits_;
    State state_ = State::Size;
    std::uint64_t size_ = 0;       // chunk size being read
    std::size_t digits_ = 0;       // hex digits in it
    std::size_t line_bytes_ = 0;   // of the current chunk-size line
    std::uint64_t remaining_ = 0;  // data bytes left in the current chunk
    std::uint64_t body_bytes_ = 0;
    std::size_t trailer_bytes_ = 0;
    std::size_t trailer_fields_ = 0;
};

// Serialization: each appends to `out`. Throw agentio::Error (not ParseError)
// for anything that would not parse back to the same head: a method or field
// name that is not a token, a target that is empty or holds spaces or
// control characters, a value or reason holding CR, LF or another control
// character (HTAB excepted), a version other than 1.0/1.1, a status outside
// 100..999. An empty reason is written as reason_phrase(status). Headers are
// written as given: the caller decides Content-Length / Transfer-Encoding.
void write_request_head(const RequestHead& head, std::string& out);
void write_response_head(const ResponseHead& head, std::string& out);
// One chunk: hex size, CRLF, data, CRLF. Empty data writes nothing, since an
// empty chunk would end the body.
void write_chunk(std::string_view data, std::string& out);
// The last chunk and an empty trailer section: "0\r\n\r\n".
void write_last_chunk(std::string& out);

namespace detail {
// `text` as error messages show it: in quotes, printable ASCII as is, other
// bytes as \xNN, cut after 80 bytes.
std::string quote_bytes(std::string_view text);
}  // namespace detail

}  // namespace agentio::http
