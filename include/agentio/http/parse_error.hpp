// parse_error.hpp: ParseError, how the HTTP/1.1 codec refuses bytes.
//
// Every refusal of the head parser, the body framing rules and the chunked
// decoder is a ParseError whose message names what was wrong and where
// ("bare LF in the header section at byte 17"), and whose status() is the one
// a server answers with before it closes the connection.
#pragma once

#include <string>

#include "agentio/core/errors.hpp"

namespace agentio::http {

// Invalid bytes, or a limit exceeded. status(): 400 malformed, 413 body too
// large, 414 request line too long, 431 head too large or too many fields,
// 501 transfer coding not implemented, 505 unsupported HTTP version.
class ParseError : public Error {
public:
    ParseError(int status, const std::string& what) : Error("HTTP parse error: " + what), status_(status) {}
    int status() const noexcept { return status_; }

private:
    int status_;
};

}  // namespace agentio::http
