// message.hpp: the start line and header fields of an HTTP/1.1 message.
//
// A head is plain data: the parser (parser.hpp) fills one from bytes and the
// writers turn one back into bytes. The body is not part of it; how a body is
// delimited follows from the head (request_framing / response_framing).
//
// Only HTTP/1.0 and HTTP/1.1 exist here: `version_minor` is 0 or 1 in every
// head the parser returns, and the writers refuse anything else.
#pragma once

#include <string>
#include <string_view>

#include "agentio/http/headers.hpp"

namespace agentio::http {

struct RequestHead {
    std::string method;  // a token, case-sensitive: "GET", "POST"
    std::string target;  // as sent: "/v1/models?x=1", "http://host/p", "host:443", "*"
    int version_minor = 1;
    Headers headers;

    friend bool operator==(const RequestHead&, const RequestHead&) = default;
};

struct ResponseHead {
    int status = 200;
    std::string reason;  // may be empty; the writer then uses reason_phrase(status)
    int version_minor = 1;
    Headers headers;

    friend bool operator==(const ResponseHead&, const ResponseHead&) = default;
};

// Whether the connection stays open after this message, from the version and
// the Connection header alone (RFC 9112 9.3): HTTP/1.1 persists unless
// `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`. A
// response read until the connection closes (BodyFraming::Kind::UntilClose)
// ends the connection whatever this says.
inline bool keep_alive(int version_minor, const Headers& headers) noexcept {
    if (headers.has_token("Connection", "close")) return false;
    return version_minor >= 1 || headers.has_token("Connection", "keep-alive");
}
inline bool keep_alive(const RequestHead& head) noexcept { return keep_alive(head.version_minor, head.headers); }
inline bool keep_alive(const ResponseHead& head) noexcept { return keep_alive(head.version_minor, head.headers); }

// The standard reason phrase of a status code (RFC 9110 section 15, plus 429
// and 431 from RFC 6585); "" for codes without one.
constexpr std::string_view reason_phrase(int status) noexcept {
    switch (status) {
        case 100: return "Continue";
        case 101: return "Switching Protocols";
        case 200: return "OK";
        case 201: return "Created";
        case 202: return "Accepted";
        case 203: return "Non-Authoritative Information";
        case 204: return "No Content";
        case 205: return "Reset Content";
        case 206: return "Partial Content";
        case 300: return "Multiple Choices";
        case 301: return "Moved Permanently";
        case 302: return "Found";
        case 303: return "See Other";
        case 304: return "Not Modified";
        case 305: return "Use Proxy";
        case 307: return "Temporary Redirect";
        case 308: return "Permanent Redirect";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 402: return "Payment Required";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 406: return "Not Acceptable";
        case 407: return "Proxy Authentication Required";
        case 408: return "Request Timeout";
        case 409: return "Conflict";
        case 410: return "Gone";
        case 411: return "Length Required";
        case 412: return "Precondition Failed";
        case 413: return "Content Too Large";
        case 414: return "URI Too Long";
        case 415: return "Unsupported Media Type";
        case 416: return "Range Not Satisfiable";
        case 417: return "Expectation Failed";
        case 421: return "Misdirected Request";
        case 422: return "Unprocessable Content";
        case 426: return "Upgrade Required";
        case 428: return "Precondition Required";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 502: return "Bad Gateway";
        case 503: return "Service Unavailable";
        case 504: return "Gateway Timeout";
        case 505: return "HTTP Version Not Supported";
        default: return "";
    }
}

}  // namespace agentio::http
