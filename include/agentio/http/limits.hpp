// limits.hpp: Limits, the configuration every part of the HTTP/1.1 codec
// reads: how much it accepts, and whether it tolerates the line endings and
// folding that RFC 9112 lets a recipient refuse.
//
// Limits and the status each one answers with (ParseError::status()):
//   request line over max_start_line     414 (431 for a status line)
//   head over max_head_bytes              431
//   more than max_headers fields          431
//   declared body over max_body           413
//   chunk-size line over max_chunk_line   400
//   trailer section over the head limits  431
#pragma once

#include <cstddef>
#include <cstdint>

namespace agentio::http {

struct Limits {
    std::size_t max_start_line = 8 * 1024;  // request or status line, without its line ending
    std::size_t max_head_bytes = 64 * 1024;  // whole head, empty line included
    std::size_t max_headers = 100;           // fields in a head or in a trailer section
    std::uint64_t max_body = 64ull << 20;    // Content-Length, or the sum of chunk sizes
    std::size_t max_chunk_line = 1024;       // chunk-size line with its extensions

    // Off (the default): RFC 9112 to the letter, as a server must read
    // requests: every line ends in CRLF, no obs-fold, no whitespace after a
    // chunk size. On: what RFC 9112 lets a recipient of a *response* accept
    // from real servers: a bare LF ends a line (2.2) in the head, chunk-size
    // lines and trailers; an obs-fold continues the previous field value,
    // replaced by one SP (5.2); whitespace may follow a chunk size. A bare CR
    // and a missing CRLF after chunk data are refused either way (they make
    // framing ambiguous). http::Client turns it on (ClientOptions::limits);
    // http::Server ignores it and is always strict.
    bool lenient = false;
};

}  // namespace agentio::http
