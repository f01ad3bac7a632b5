// chunked_decoder.hpp: ChunkedDecoder, an incremental, zero-copy decoder of
// a chunked body (RFC 9112 7.1), from the first chunk-size line through the
// trailer section. Input may be split anywhere.
//
// compile-context: extern Limits limits; extern std::string_view bytes; Task<std::string_view> read_more(); void consume(std::string_view);
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
// what is left always advances. A split anywhere (even inside "\r\n") gives
// the same result as one contiguous feed.
//
// The grammar is enforced, not skimmed, since a decoder that skips what it
// does not understand frames the body differently from one that does:
//   chunk      = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//   chunk-size = 1*HEXDIG                      (overflowing 64 bits: 400)
//   chunk-ext  = *( BWS ";" BWS token [ BWS "=" BWS ( token / quoted-string ) ] )
//   last-chunk = 1*"0" [ chunk-ext ] CRLF, then trailer fields, then CRLF
// Extensions are validated and skipped; trailer fields follow the head's
// rules (token name, colon, field value) and are skipped. Throws ParseError
// (400 unless said) for anything else: junk or whitespace after the size
// that does not lead to ";", an empty extension name, an unbalanced quote,
// a line not ended by CRLF, chunk data not followed by exactly CRLF, a
// malformed trailer; 413 when the sizes add up to more than max_body
// (detected at the size line, before the data arrives); 400 for a
// chunk-size line over max_chunk_line; 431 for a trailer section over
// max_head_bytes or max_headers. Limits::lenient also accepts a bare LF
// ending a chunk-size or trailer line and whitespace after the size; never
// after chunk data. Messages say at which byte of the body it went wrong.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "agentio/http/limits.hpp"
#include "agentio/http/parse_error.hpp"

namespace agentio::http {

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
    // In stream order; feed() tests ranges (the chunk-size line, the trailer
    // section), so the order matters.
    enum class State : std::uint8_t {
        Size,           // hex digits of a chunk size
        SizeSpace,      // BWS after the size or an extension: ';' must follow
        ExtNameStart,   // after ';': BWS, then the extension name
        ExtName,        // token characters of the name
        ExtNameSpace,   // BWS after the name: '=', ';' or the line end
        ExtValueStart,  // after '=': BWS, then a token or a quoted-string
        ExtToken,       // token characters of the value
        ExtQuoted,      // inside the quoted-string
        ExtQuotedPair,  // after a backslash in it
        ExtQuotedEnd,   // after the closing quote: ';', BWS or the line end
        SizeLf,         // the LF of the chunk-size line
        Data,           // `remaining_` body bytes
        DataCr,         // the CRLF after chunk data
        DataLf,
        TrailerStart,   // start of a trailer line, or the final empty line
        TrailerName,
        TrailerValue,
        TrailerLf,      // the LF after a trailer field's CR
        FinalLf,        // the LF of the final empty line
        Done,
        Failed,
    };
    // Ends a chunk-size line (at its LF): on to the data or the trailers.
    void end_size_line(std::uint64_t at);
    // Failures, kept out of line: feed()'s loop stays small.
    [[noreturn]] void fail(int status, const std::string& what);
    [[noreturn]] void fail_at(std::uint64_t at, const std::string& what);
    [[noreturn]] void fail_byte(std::uint64_t at, char c, std::string_view where);
    [[noreturn]] void fail_body_limit(std::uint64_t at);

    Limits limits_;
    State state_ = State::Size;
    std::uint64_t size_ = 0;       // chunk size being read
    std::size_t digits_ = 0;       // hex digits in it
    std::size_t line_bytes_ = 0;   // of the current chunk-size line
    std::uint64_t remaining_ = 0;  // data bytes left in the current chunk
    std::uint64_t body_bytes_ = 0;
    std::uint64_t offset_ = 0;     // bytes fed before the current feed() call
    std::size_t trailer_bytes_ = 0;
    std::size_t trailer_fields_ = 0;
};

}  // namespace agentio::http
