// body_framing.hpp: how the body after a head is delimited (RFC 9112 6),
// from its Content-Length and Transfer-Encoding fields.
//
// Framing is where request smuggling happens: two peers that delimit one
// body differently see different requests. So a request's framing refuses
// every ambiguity rather than guessing as a lenient peer might, and a
// response's framing follows RFC 9112 6.3 as a client must.
#pragma once

#include <cstdint>
#include <string_view>

#include "agentio/http/limits.hpp"
#include "agentio/http/message.hpp"
#include "agentio/http/parse_error.hpp"

namespace agentio::http {

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

// A request's body framing. The only transfer coding a request may use is
// `chunked` alone: this codec decodes no other, and a server that passed a
// body on still compressed would hand its handler bytes it did not ask for.
// Throws ParseError:
// - 400 for both Transfer-Encoding and Content-Length (RFC 9112 6.1: a
//   server may reject; behind a proxy that framed by the other one it is a
//   smuggling attempt), Transfer-Encoding in an HTTP/1.0 request (RFC 9112
//   6.1: faulty framing), a Transfer-Encoding whose final coding is not
//   chunked (RFC 9112 6.3, MUST 400) or that applies chunked twice (6.1), or
//   a list element that is not a transfer-coding (token [; parameters]);
// - 501 for any other coding before the final chunked (RFC 9112 6.1:
//   "gzip, chunked" and unknown codings are not implemented);
// - 400 for a Content-Length that is not a single run of digits (lists
//   "5, 5" included), that does not fit 64 bits, or that appears in more
//   than one field line, equal or not (RFC 9110 8.6 lets a recipient refuse
//   repeats; nginx and llhttp do);
// - 413 for a Content-Length over max_body.
// No Transfer-Encoding and no Content-Length: Kind::None.
BodyFraming request_framing(const RequestHead& head, const Limits& limits = {});

// A response's body framing, given the method of the request it answers:
// none for HEAD, for 1xx, 204 and 304, and for a 2xx to CONNECT; chunked when
// the final transfer coding is chunked (a Content-Length next to it is
// ignored, RFC 9112 6.3.3); until close when Transfer-Encoding does not end
// in chunked or when no length is given. Throws ParseError for a malformed
// Content-Length, repeated ones that differ (identical repeats are one
// length, RFC 9110 8.6), chunked applied twice, and 413 for a Content-Length
// over max_body.
BodyFraming response_framing(std::string_view request_method, const ResponseHead& head, const Limits& limits = {});

}  // namespace agentio::http
