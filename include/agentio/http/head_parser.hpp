// head_parser.hpp: reading the head of an HTTP/1.1 request or response (the
// start line and the header fields, through the empty line). Pure functions
// over bytes, no I/O.
//
// compile-context: extern std::string buffer; extern Limits limits;
//     RequestHead head;
//     auto used = parse_request_head(buffer, head, limits);  // nullopt: read more
//     if (!used) { /* read more bytes, call again with the whole buffer */ }
//     buffer.erase(0, *used);
//     switch (request_framing(head, limits).kind) { default: break; }    // then read the body
//
// Guarantees, for every input: no crash, no read outside the given bytes, no
// unbounded work or memory. Invalid bytes throw ParseError, whose message
// names what was wrong and at which byte of the buffer, and whose status()
// is the one a server answers with. A head that is incomplete but already
// over a limit, or already malformed, throws at once, so a client that
// trickles an endless head (slowloris) is refused early, and so is a broken
// pipelined request as soon as its bytes are parsed.
//
// Strictness (RFC 9110/9112, as strict as the strictest peer; Limits::lenient
// relaxes only what its comment lists):
// - every line ends in CRLF: a bare LF (not preceded by CR) or a bare CR (not
//   followed by LF) anywhere in the start line or the header section is 400;
//   empty lines (CRLF) before the start line are skipped (RFC 9112 2.2) and
//   count toward max_head_bytes;
// - the request line is exactly `method SP request-target SP HTTP-version`:
//   single spaces, the method a token (any token: RFC 9110 9.1), the target
//   visible ASCII in one of the forms of RFC 9112 3.2 (/path,
//   scheme://..., host:port for CONNECT only, * for OPTIONS only); the
//   version is `HTTP/<digit>.<digit>`, anything else 400, and a version other
//   than 1.0 and 1.1 is 505. No HTTP/0.9;
// - the status line is `HTTP-version SP 3DIGIT [SP reason]`, status 100..999,
//   the reason without control characters but HTAB;
// - header names are tokens with no whitespace before the colon (RFC 9112
//   5.1); no obs-fold line and no whitespace-led line after the start line
//   (RFC 9112 5.2, 2.2); values are trimmed of leading and trailing SP/HTAB
//   and may hold no control character but HTAB (bytes >= 0x80 are allowed
//   as obs-text);
// - a request: an HTTP/1.1 request without a Host field, any request with
//   more than one, or a Host that is not `host[:port]` is 400 (RFC 9112
//   3.2). (How the body is framed is body_framing.hpp's.)
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "agentio/http/limits.hpp"
#include "agentio/http/message.hpp"
#include "agentio/http/parse_error.hpp"

namespace agentio::http {

// If `buffer` starts with a complete head (through its empty line): fills
// `out` and returns the bytes it took (leading empty lines included).
// std::nullopt: more bytes are needed, `out` is untouched; call again with
// the same bytes plus the new ones. Throws ParseError as described above;
// `out` is then unspecified. While the head is incomplete, the limits, the
// start line (or the start of it: the method, the target, the version so
// far; "HTTP/") and every line ending and line start are checked at every
// call, the field lines once the head is complete. Cost is linear in the
// buffer (a memchr scan while incomplete), so callers should call again only
// when bytes arrive.
std::optional<std::size_t> parse_request_head(std::string_view buffer, RequestHead& out, const Limits& limits = {});
std::optional<std::size_t> parse_response_head(std::string_view buffer, ResponseHead& out, const Limits& limits = {});

}  // namespace agentio::http
