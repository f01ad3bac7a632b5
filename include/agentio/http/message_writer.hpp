// message_writer.hpp: turning heads and body chunks into HTTP/1.1 bytes.
//
// Each function appends to `out`. What is written always parses back, with
// the strict parser, to the same head: the writers throw agentio::Error (not
// ParseError: the caller's bug, not the peer's) for a method or field name
// that is not a token, a target that is empty or holds spaces or control
// characters or is not a form of RFC 9112 3.2, a value or reason holding CR,
// LF or another control character (HTAB excepted: header injection), a
// version other than 1.0/1.1, a status outside 100..999. A refused head
// leaves `out` as it was. An empty reason is written as reason_phrase(status).
// Headers are written as given: the caller decides Content-Length /
// Transfer-Encoding (and Host).
#pragma once

#include <string>
#include <string_view>

#include "agentio/http/message.hpp"

namespace agentio::http {

void write_request_head(const RequestHead& head, std::string& out);
void write_response_head(const ResponseHead& head, std::string& out);
// One chunk: hex size, CRLF, data, CRLF. Empty data writes nothing, since an
// empty chunk would end the body.
void write_chunk(std::string_view data, std::string& out);
// The last chunk and an empty trailer section: "0\r\n\r\n".
void write_last_chunk(std::string& out);

}  // namespace agentio::http
