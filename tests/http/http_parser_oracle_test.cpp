// Differential test of the HTTP/1.1 codec against libhttp-parser 2.9 (the
// parser Node.js used for years), installed from Debian as an oracle.
//
// Each corpus message goes through both parsers, whole, as a connection that
// then closes. They must agree on the verdict (a complete message, an error,
// or a message cut short) and, for a complete message, on the method,
// target, status, reason, version, header fields, decoded body (length,
// chunked, until close) and the bytes the message took.
//
// Ours runs as the library uses it: requests strictly (as http::Server reads
// them), responses with Limits::lenient (as http::Client reads them).
//
// One normalization, not a difference: libhttp-parser hands header values
// over with their trailing whitespace, which RFC 9110 5.5 says is not part of
// the value; the oracle's values are trimmed before comparing.
//
// Where the two differ by design, the case is in kDifferences with our
// verdict, the RFC section behind it and the reason, and the test checks both
// what we do and that the oracle still does something else (so a stale entry
// fails). Debian builds libhttp-parser with HTTP_PARSER_STRICT=0, which is
// why most of those are leniencies of the oracle that are request-smuggling
// vectors for a server: it takes bare LF line ends, skips anything after a
// chunk size up to CR, and ignores Host.
#include <gtest/gtest.h>
#include <http_parser.h>

#include <cstdio>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agentio/http/parser.hpp"

namespace agentio::http {
namespace {

using namespace std::literals;

enum class Verdict { Complete, Error, CutShort };
enum class Type { Request, Response };

const char* name(Verdict verdict) {
    switch (verdict) {
        case Verdict::Complete: return "complete";
        case Verdict::Error: return "error";
        case Verdict::CutShort: return "cut short";
    }
    return "?";
}

struct Message {
    Verdict verdict = Verdict::Error;
    std::string method, target, reason;
    int status = 0;
    int major = 0, minor = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::size_t consumed = 0;
    std::string error;  // why, for failure messages

    bool same_as(const Message& other) const {
        if (verdict != other.verdict) return false;
        if (verdict != Verdict::Complete) return true;
        return method == other.method && target == other.target && reason == other.reason && status == other.status &&
               major == other.major && minor == other.minor && headers == other.headers && body == other.body &&
               consumed == other.consumed;
    }
};

std::string describe(const Message& m) {
    std::string text = std::string(name(m.verdict)) + (m.error.empty() ? "" : " (" + m.error + ")");
    if (m.verdict != Verdict::Complete) return text;
    text += ": '" + m.method + "' '" + m.target + "' " + std::to_string(m.status) + " '" + m.reason + "' HTTP/" +
            std::to_string(m.major) + "." + std::to_string(m.minor) + " consumed " + std::to_string(m.consumed);
    for (const auto& [n, v] : m.headers) text += "\n    [" + n + "] = [" + v + "]";
    return text + "\n    body [" + m.body + "]";
}

// ---------------------------------------------------------------- oracle

struct OracleState {
    Message message;
    bool in_value = false;
    bool headers_done = false;  // later fields are trailers, which neither side reports
    bool skip_body = false;     // a response to HEAD
    int completed = 0;
};

OracleState& state_of(http_parser* parser) { return *static_cast<OracleState*>(parser->data); }

Message run_oracle(Type type, std::string_view bytes, std::string_view request_method) {
    http_parser parser;
    http_parser_init(&parser, type == Type::Request ? HTTP_REQUEST : HTTP_RESPONSE);
    OracleState state;
    state.skip_body = request_method == "HEAD";
    parser.data = &state;
    http_parser_settings settings;
    http_parser_settings_init(&settings);
    settings.on_url = [](http_parser* p, const char* at, std::size_t n) {
        state_of(p).message.target.append(at, n);
        return 0;
    };
    settings.on_status = [](http_parser* p, const char* at, std::size_t n) {
        state_of(p).message.reason.append(at, n);
        return 0;
    };
    settings.on_header_field = [](http_parser* p, const char* at, std::size_t n) {
        auto& s = state_of(p);
        if (s.headers_done) return 0;
        if (s.message.headers.empty() || s.in_value) s.message.headers.emplace_back();
        s.in_value = false;
        s.message.headers.back().first.append(at, n);
        return 0;
    };
    settings.on_header_value = [](http_parser* p, const char* at, std::size_t n) {
        auto& s = state_of(p);
        if (s.headers_done) return 0;
        s.in_value = true;
        s.message.headers.back().second.append(at, n);
        return 0;
    };
    settings.on_headers_complete = [](http_parser* p) {
        state_of(p).headers_done = true;
        return state_of(p).skip_body ? 1 : 0;
    };
    settings.on_body = [](http_parser* p, const char* at, std::size_t n) {
        state_of(p).message.body.append(at, n);
        return 0;
    };
    settings.on_message_complete = [](http_parser* p) {
        ++state_of(p).completed;
        return 0;
    };

    Message& m = state.message;
    m.consumed = http_parser_execute(&parser, &settings, bytes.data(), bytes.size());
    if (parser.http_errno == HPE_OK && !parser.upgrade) http_parser_execute(&parser, &settings, nullptr, 0);
    const auto error = static_cast<http_errno>(parser.http_errno);
    if (error == HPE_INVALID_EOF_STATE) {
        m.verdict = Verdict::CutShort;
    } else if (error != HPE_OK) {
        m.verdict = Verdict::Error;
        m.error = http_errno_name(error);
    } else {
        m.verdict = state.completed == 1 ? Verdict::Complete : Verdict::CutShort;
    }
    if (type == Type::Request) m.method = http_method_str(static_cast<http_method>(parser.method));
    m.status = type == Type::Response ? static_cast<int>(parser.status_code) : 0;
    m.major = parser.http_major;
    m.minor = parser.http_minor;
    for (auto& [field, value] : m.headers)
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
    return m;
}

// ---------------------------------------------------------------- ours

// Reads the body after a head at `offset` the way a connection would.
void read_body(std::string_view bytes, std::size_t offset, const BodyFraming& framing, const Limits& limits, Message& m) {
    const std::string_view rest = bytes.substr(offset);
    switch (framing.kind) {
        case BodyFraming::Kind::None:
            m.consumed = offset;
            break;
        case BodyFraming::Kind::ContentLength:
            if (rest.size() < framing.length) {
                m.verdict = Verdict::CutShort;
                return;
            }
            m.body = rest.substr(0, framing.length);
            m.consumed = offset + framing.length;
            break;
        case BodyFraming::Kind::UntilClose:
            m.body = rest;
            m.consumed = bytes.size();
            break;
        case BodyFraming::Kind::Chunked: {
            ChunkedDecoder decoder(limits);
            std::string_view input = rest;
            while (!input.empty() && !decoder.done()) {
                const auto step = decoder.feed(input);
                m.body.append(step.data);
                input.remove_prefix(step.consumed);
            }
            if (!decoder.done()) {
                m.verdict = Verdict::CutShort;
                return;
            }
            m.consumed = bytes.size() - input.size();
            break;
        }
    }
    m.verdict = Verdict::Complete;
}

// The limits each side of the library reads with.
Limits limits_for(Type type, bool lenient_requests = false) {
    Limits limits;
    limits.lenient = type == Type::Response || lenient_requests;
    return limits;
}

Message run_ours(Type type, std::string_view bytes, std::string_view request_method, const Limits& limits) {
    Message m;
    m.major = 1;
    try {
        if (type == Type::Request) {
            RequestHead head;
            const auto used = parse_request_head(bytes, head, limits);
            if (!used) {
                m.verdict = Verdict::CutShort;
                return m;
            }
            m.method = head.method;
            m.target = head.target;
            m.minor = head.version_minor;
            m.headers.assign(head.headers.begin(), head.headers.end());
            read_body(bytes, *used, request_framing(head, limits), limits, m);
        } else {
            ResponseHead head;
            const auto used = parse_response_head(bytes, head, limits);
            if (!used) {
                m.verdict = Verdict::CutShort;
                return m;
            }
            m.status = head.status;
            m.reason = head.reason;
            m.minor = head.version_minor;
            m.headers.assign(head.headers.begin(), head.headers.end());
            read_body(bytes, *used, response_framing(request_method, head, limits), limits, m);
        }
    } catch (const ParseError& error) {
        m.verdict = Verdict::Error;
        m.error = error.what();
    }
    return m;
}

// ---------------------------------------------------------------- corpus

struct Case {
    Type type;
    std::string_view bytes;
    std::string_view request_method = "GET";  // responses: the method they answer
};

constexpr Type Q = Type::Request;
constexpr Type S = Type::Response;

// Both parsers must give the same answer for each of these.
const Case kAgreed[] = {
    // Requests that parse.
    {Q, "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"},
    {Q, "GET /search?q=agent+io&lang=en HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/7.88.1\r\n"
        "Accept: */*\r\nAccept-Encoding: gzip, deflate\r\nCookie: a=1; b=2\r\n\r\n"},
    {Q, "GET /index.html HTTP/1.0\r\n\r\n"},
    {Q, "POST /v1/chat/completions HTTP/1.1\r\nHost: api\r\nContent-Type: application/json\r\n"
        "Content-Length: 16\r\n\r\n{\"model\":\"sim\"}\n"},
    {Q, "POST /empty HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"},
    {Q, "POST /upload HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n1\r\n!\r\n0\r\n\r\n"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value;q=\"x y\"\r\nhello\r\n0;end\r\n\r\n"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nChecksum: 123\r\nExpires: never\r\n\r\n"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;ilovew3=\"I \\\"love\\\"; \\\\extensions\\\\\";"
        "somuchlove=\"aretheseparametersfor\";blah;foo=bar\r\nhello\r\n6;blahblah;blah\r\n world\r\n0\r\n\r\n"},
    {Q, "PUT /url HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n000\r\n\r\n"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: CHUNKED\r\n\r\n2\r\nok\r\n0\r\n\r\n"},
    {Q, "PUT /bin HTTP/1.1\r\nHost: h\r\nContent-Length: 9\r\n\r\n\r\n\0\xff\r\n0\r\n"sv},
    {Q, "DELETE http://example.com:8080/a/b?c=d#frag HTTP/1.1\r\nHost: h\r\n\r\n"},
    {Q, "OPTIONS * HTTP/1.1\r\nHost: example.com\r\n\r\n"},
    {Q, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"},
    {Q, "GET /chat HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"},
    {Q, "\r\nGET /after-crlf HTTP/1.1\r\nHost: h\r\n\r\n"},
    {Q, "GET /test HTTP/1.1\r\nUser-Agent: curl/7.18.0 (i486-pc-linux-gnu) libcurl/7.18.0\r\nHost: 0.0.0.0=5000\r\n\r\n"},
    {Q, "GET http://a%12:b!&*$@hypnotoad.org:1234/toto HTTP/1.1\r\nHost: hypnotoad.org:1234\r\n\r\n"},
    {Q, "GET /with_\"lovely\"_quotes?foo=\\\"bar\\\" HTTP/1.1\r\nHost: h\r\n\r\n"},
    {Q, "GET / HTTP/1.1\r\nHost: h\r\nTest: D\xc3\xbcsseldorf\r\nHeader2: \xffValue2\r\n\r\n"},
    {Q, "GET / HTTP/1.1\r\nHost: h\r\nX-Empty:\r\nX-Spaces:    \r\n\r\n"},
    {Q, "GET / HTTP/1.1\r\nHost: h\r\nX: a \t b\r\n\r\n"},
    {Q, "GET / HTTP/1.1\r\nHost: h\r\nX:    padded  \t \r\n\r\n"},
    {Q, "GET / HTTP/1.1\r\nHost: h\r\nX-Utf8: caf\xc3\xa9 \xe2\x9c\x93\r\n\r\n"},
    {Q, "GET / HTTP/1.1\r\nHost: h\r\nX-!#$%&'*+.^_`|~: tchar\r\n\r\n"},
    {Q, "GET /a%20b/c;p=1?q=a+b&r=%2F HTTP/1.1\r\nHost: h\r\n\r\n"},
    {Q, "GET /?a=[1]&b={2}|c^\"d\" HTTP/1.1\r\nHost: h\r\n\r\n"},
    {Q, "PATCH /items/1 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}"},
    {Q, "M-SEARCH /upnp HTTP/1.1\r\nHost: h\r\n\r\n"},
    {Q, "PROPFIND /dav HTTP/1.1\r\nHost: h\r\nDepth: 1\r\n\r\n"},
    {Q, "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 0005\r\n\r\nhello"},
    {Q, "GET / HTTP/1.1\r\nHost: h\r\nContent-Length:   3  \r\n\r\nabc"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0005\r\nhello\r\n000\r\n\r\n"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nb\r\nx\r\n0\r\n\r\nxyz\r\n0\r\n\r\n"},
    {Q, "POST /form HTTP/1.0\r\nContent-Length: 7\r\nConnection: keep-alive\r\n\r\na=1&b=2"},
    {Q, "GET / HTTP/1.1\r\nConnection: close\r\nHost: example.com:8080\r\n\r\n"},
    {Q, "GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 10.0.0.1\r\nx-forwarded-for: 10.0.0.2\r\n\r\n"},
    {Q, "GET / HTTP/1.1\r\nHost: h\r\nAccept: text/html;q=0.9, \"quoted, value\"\r\n\r\n"},
    // Requests that must fail.
    {Q, "GET / HTTP/1.1\r\nHost: h\r\nHo\x01st: a\r\n\r\n"},
    {Q, "GET / HTTP/1.1\r\nHost: a\x01\r\n\r\n"},
    {Q, "GET / HTTP/1.1\r\nHost: a\x7f\r\n\r\n"},
    {Q, "GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n"sv},
    {Q, "GET / HTTP/1.1\r\nHost: h\r\nNoColonHere\r\n\r\n"},
    {Q, "GET / HTTP/1.1\r\nHost: h\r\n: no-name\r\n\r\n"},
    {Q, "GET / HTTP/1.1\r\nHost: h\r\nX(Y): 1\r\n\r\n"},
    {Q, "GET / HTTP/1.1\r\nHost: h\r\nX\t: 1\r\n\r\n"},
    {Q, "GET / http/1.1\r\n\r\n"},
    {Q, "GET / HTTP/1.10\r\n\r\n"},
    {Q, "GET / HTTP/1.1 \r\n\r\n"},
    {Q, "GET / HTTP/1.1\rX\n\r\n"},
    {Q, "GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n"},
    {Q, "GET foo HTTP/1.1\r\nHost: h\r\n\r\n"},
    {Q, "GET / HTTP/1.1\r\nFoo: 1\rBar: 2\r\nHost: h\r\n\r\n"},
    {Q, "PUT /url HTTP/1.1\r\nHost: h\r\nContent\rLength: 003\r\n\r\nabc"},
    {Q, "GET / HTTP/1.1\r\nHost: h\r\nFo@: Failure\r\n\r\n"},
    {Q, "GET / HTTP/1.1\r\nHost: h\r\nname\r\n : value\r\n\r\n"},
    {Q, "GET / HTTP/1.1\r\nHost: www.example.com\r\nConnection\r\x1b\x35\xd5""eep-Alive\r\n\r\n"},
    {Q, "GET /foo bar/ HTTP/1.1\r\nHost: h\r\n\r\n"},
    {Q, "GET /music/sweet/music IHTTP/1.0\r\nHost: example.com\r\n\r\n"},
    {Q, "GET / HTTP/1.1\r\nHost: h\r\nHeader1: hello\x0cworld\r\n\r\n"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 13 37\r\n\r\n"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n"},
    {Q, "PUT /url HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nfoo\r\n\r\n"},
    {Q, "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nABCDE0\r\n"},
    {Q, "GET HTTP/1.1\r\nHost: h\r\n\r\n"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +3\r\n\r\nabc"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1 2\r\n\r\n"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\nabc"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n0\r\n\r\n"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n0\r\n\r\n"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n\r\n"},
    // Requests cut short.
    {Q, "GET / HTTP/1.1\r\nHost: a\r\n"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"},
    {Q, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nTrailer: x\r\n"},
    // Responses that parse.
    {S, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"},
    {S, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n"},
    {S, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n2\r\nhi\r\n0\r\nX-Sum: 9\r\n\r\n"},
    {S, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nread until the server closes"},
    {S, "HTTP/1.0 200 OK\r\n\r\nold style body"},
    {S, "HTTP/1.1 204 No Content\r\nDate: Tue, 01 Jan 2030 00:00:00 GMT\r\n\r\n"},
    {S, "HTTP/1.1 304 Not Modified\r\nETag: \"abc\"\r\n\r\n"},
    {S, "HTTP/1.1 100 Continue\r\n\r\n"},
    {S, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"},
    {S, "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 9\r\n\r\n<h1>x</h1"},
    {S, "HTTP/1.1 500 \r\nContent-Length: 0\r\n\r\n"},
    {S, "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n"},
    {S, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", "HEAD"},
    {S, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "HEAD"},
    {S, "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n\x1f\x8b\x08"},
    {S, "HTTP/1.1 429 Too Many Requests\r\nretry-after-ms: 250\r\nx-ratelimit-remaining-requests: 0\r\n"
        "Content-Type: application/json\r\nContent-Length: 27\r\n\r\n{\"error\":{\"type\":\"rate\"}}\n\n"},
    {S, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
        "f\r\ndata: {\"a\":1}\n\n\r\ne\r\ndata: [DONE]\n\n\r\n0\r\n\r\n"},
    {S, "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2; Path=/\r\nset-cookie: c=3\r\nContent-Length: 0\r\n\r\n"},
    {S, "HTTP/1.1 200 OK\tfine \xc3\xa9\r\nContent-Length: 0\r\n\r\n"},
    {S, "HTTP/1.1 999 Custom\r\nContent-Length: 0\r\n\r\n"},
    {S, "\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"},
    {S, "HTTP/1.1 200 OK\nContent-Length: 3\n\nabc"},
    // Responses that must fail.
    {S, "HTTP/1.1 2000 OK\r\n\r\n"},
    {S, "HTTP/1.1 2x0 OK\r\n\r\n"},
    {S, "HTTP/1.1 200OK\r\n\r\n"},
    {S, "http/1.1 200 OK\r\n\r\n"},
    {S, "HTTP/1.1\t200 OK\r\n\r\n"},
    {S, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"},
    {S, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello!!\r\n0\r\n\r\n"},
    {S, "HTTP/1.1 200 OK\r\nServer: a\x01\r\n\r\n"},
    {S, "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"},
    // Responses cut short.
    {S, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab"},
    {S, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel"},
    {S, "HTTP/1.1 200 OK\r\nContent-"},
};

// Differences by design: where libhttp-parser is more lenient than RFC 9112
// (or than http::Server must be), our verdict replaces the oracle's. Each row:
// the input, our verdict, the RFC section that allows or requires it, and
// why. The test checks both what we do and that the oracle still does
// something else, so a stale row fails.
struct Difference {
    Case message;
    Verdict ours;
    std::string_view rfc;
    std::string_view reason;
};

const Difference kDifferences[] = {
    // Line endings: a server reads CRLF only.
    {{Q, "GET /lf HTTP/1.1\nHost: a\nAccept: */*\n\n"}, Verdict::Error, "RFC 9112 2.2",
     "a bare LF line end is a recipient's MAY, not a MUST; a server that takes it while a proxy in front does "
     "not is a smuggling target, so requests need CRLF (the oracle takes LF)"},
    {{Q, "GET /mixed HTTP/1.1\r\nHost: a\nX: b\r\n\r\n"}, Verdict::Error, "RFC 9112 2.2",
     "\"Host: a\\nX: b\" is one field to a CRLF-only peer and two to the oracle"},
    {{Q, "GET / HTTP/1.1\r\nHost: localhost\r\nDummy: x\nContent-Length: 23\r\n\r\n"
         "GET / HTTP/1.1\r\nDummy: GET /admin HTTP/1.1\r\nHost: localhost\r\n\r\n"},
     Verdict::Error, "RFC 9112 2.2",
     "the oracle reads Content-Length: 23 after the bare LF and takes \"GET /admin\" as a second request"},
    {{Q, "\n\nGET /after-lf HTTP/1.1\r\nHost: h\r\n\r\n"}, Verdict::Error, "RFC 9112 2.2",
     "only CRLF empty lines may precede a request line"},
    {{Q, "PUT /url HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\rabc"}, Verdict::Error, "RFC 9112 2.2",
     "a bare CR MUST be treated as invalid (or replaced by SP); the oracle waits for more after \"\\r\\n\\r\""},
    {{Q, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: 1\n\r\n"}, Verdict::Error,
     "RFC 9112 7.1.2", "trailer lines end in CRLF like header lines (the oracle takes LF)"},
    {{Q, "GET / HTTP/1.1\r\nX: a\r\n b\r\nHost: h\r\n\r\n"}, Verdict::Error, "RFC 9112 5.2",
     "obs-fold is rejected (a server may reject it with 400); the oracle folds the lines"},
    {{Q, "GET / HTTP/1.1\r\nHost : a\r\n\r\n"}, Verdict::Error, "RFC 9112 5.1",
     "whitespace before the colon MUST be rejected with 400 (a smuggling vector); the oracle, built "
     "non-strict, keeps \"Host \" as the name"},
    // Host.
    {{Q, "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n"}, Verdict::Error, "RFC 9112 3.2",
     "an HTTP/1.1 request without Host MUST be answered 400; the oracle does not look at Host"},
    {{Q, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"}, Verdict::Error, "RFC 9112 3.2",
     "more than one Host field line MUST be answered 400"},
    {{Q, "GET / HTTP/1.1\r\nHost: a/b@c\r\n\r\n"}, Verdict::Error, "RFC 9112 3.2",
     "a Host that is not uri-host [\":\" port] is an invalid field value, MUST be answered 400"},
    // Transfer codings.
    {{Q, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\n\x1f\x8b\r\n0\r\n\r\n"},
     Verdict::Error, "RFC 9112 6.1",
     "501: a transfer coding the server does not decode (only chunked is implemented), so the handler never gets "
     "a body still gzip-coded; the oracle only looks for the final chunked"},
    {{Q, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n"},
     Verdict::Error, "RFC 9112 6.1", "the same, with the codings in two field lines"},
    {{Q, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: foo, chunked\r\n\r\n0\r\n\r\n"}, Verdict::Error,
     "RFC 9112 6.1", "an unknown transfer coding is 501"},
    {{Q, "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n"}, Verdict::Error,
     "RFC 9112 6.1", "Transfer-Encoding in an HTTP/1.0 request means faulty framing, refused as nginx does"},
    // Chunk lines: the grammar of RFC 9112 7.1.1, where the oracle skips everything up to CR.
    {{Q, "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\r;ABCD\r\n34\r\nE\r\n0\r\n\r\n"},
     Verdict::Error, "RFC 9112 7.1", "a chunk-size line ends in CRLF; the oracle waits after the bare CR"},
    {{Q, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2 erfrferferf\r\naa\r\n0\r\n\r\n"},
     Verdict::Error, "RFC 9112 7.1.1", "junk after the chunk size: only BWS \";\" extensions may follow"},
    {{Q, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\na \r\n0123456789\r\n0\r\n\r\n"},
     Verdict::Error, "RFC 9112 7.1.1", "whitespace after the size that no extension follows"},
    {{Q, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2;\r\naa\r\n0\r\n\r\n"}, Verdict::Error,
     "RFC 9112 7.1.1", "a chunk extension without a name"},
    {{Q, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
         "5;ilovew3=\"abc\";somuchlove=\"def; ghi\r\nhello\r\n0\r\n\r\n"},
     Verdict::Error, "RFC 9112 7.1.1", "an unbalanced quote in a chunk extension value"},
    {{Q, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b/c\r\nhello\r\n0\r\n\r\n"},
     Verdict::Error, "RFC 9112 7.1.1", "an extension value that is neither a token nor a quoted-string"},
    // Start lines.
    {{Q, "get /lower HTTP/1.1\r\nHost: h\r\n\r\n"}, Verdict::Complete, "RFC 9110 9.1",
     "any token is a method; the oracle knows only a fixed list of upper-case methods"},
    {{Q, "GET / HTTP/2.0\r\n\r\n"}, Verdict::Error, "RFC 9110 15.6.6",
     "only HTTP/1.0 and HTTP/1.1 are spoken here (505); the oracle takes any digit.digit"},
    {{Q, "GET /\r\n\r\n"}, Verdict::Error, "RFC 9112 3", "HTTP/0.9 is not supported; the oracle parses it as 0.9"},
    {{Q, "GET  /  HTTP/1.1\r\nHost: h\r\n\r\n"}, Verdict::Error, "RFC 9112 3",
     "the request line has single spaces; the oracle skips runs of spaces"},
    {{Q, "GET /caf\xc3\xa9 HTTP/1.1\r\nHost: h\r\n\r\n"}, Verdict::Error, "RFC 9112 3.2",
     "a request target is visible ASCII (RFC 3986); the oracle, non-strict, passes raw bytes >= 0x80"},
    // Responses (read as http::Client reads them, lenient where RFC 9112 lets a client be).
    {{S, "HTTP/1.1 20 OK\r\n\r\n"}, Verdict::Error, "RFC 9112 4", "a status code is exactly 3 digits; the oracle takes 1 to 3"},
    {{S, "HTTP/1.1 200 O\x01K\r\n\r\n"}, Verdict::Error, "RFC 9112 4",
     "control characters in the reason phrase are rejected; the oracle does not look at it"},
    {{S, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"},
     Verdict::Complete, "RFC 9112 6.3", "in a response, chunked overrides Content-Length (rule 3); the oracle errors"},
    {{S, "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"}, Verdict::Complete, "RFC 9112 6.3",
     "a 204 has no body whatever its headers (rule 1); the oracle waits for 5 bytes"},
    {{S, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc"}, Verdict::Complete, "RFC 9110 8.6",
     "identical Content-Length lines are one length to a client; the oracle rejects any repeat"},
};

std::string printable(std::string_view bytes) {
    std::string out;
    for (const char c : bytes) {
        if (c == '\r') {
            out += "\\r";
        } else if (c == '\n') {
            out += "\\n";
        } else if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
            static constexpr char kHex[] = "0123456789abcdef";
            out += "\\x";
            out += kHex[static_cast<unsigned char>(c) >> 4];
            out += kHex[static_cast<unsigned char>(c) & 15];
        } else {
            out += c;
        }
    }
    return out;
}

TEST(HttpParserOracle, AgreesOnEveryCorpusMessage) {
    std::size_t agreed = 0, complete = 0, errors = 0, cut_short = 0;
    for (const Case& c : kAgreed) {
        const Message oracle = run_oracle(c.type, c.bytes, c.request_method);
        const Message ours = run_ours(c.type, c.bytes, c.request_method, limits_for(c.type));
        if (ours.same_as(oracle)) {
            ++agreed;
            (ours.verdict == Verdict::Complete ? complete : ours.verdict == Verdict::Error ? errors : cut_short) += 1;
        } else {
            ADD_FAILURE() << printable(c.bytes) << "\n  ours:   " << describe(ours) << "\n  oracle: " << describe(oracle);
        }
    }
    EXPECT_GE(std::size(kAgreed), 80u);
    // Each verdict is well represented, so agreement is not just "both say error".
    EXPECT_GE(complete, 40u);
    EXPECT_GE(errors, 30u);
    EXPECT_GE(cut_short, 5u);
    std::printf("oracle agreement: %zu of %zu messages (%zu complete, %zu errors, %zu cut short); %zu listed differences\n",
                agreed, std::size(kAgreed), complete, errors, cut_short, std::size(kDifferences));
}

TEST(HttpParserOracle, ListedDifferencesAreStillDifferent) {
    for (const Difference& d : kDifferences) {
        const Message oracle = run_oracle(d.message.type, d.message.bytes, d.message.request_method);
        const Message ours = run_ours(d.message.type, d.message.bytes, d.message.request_method, limits_for(d.message.type));
        EXPECT_EQ(ours.verdict, d.ours) << printable(d.message.bytes) << "\n  ours: " << describe(ours);
        EXPECT_FALSE(ours.same_as(oracle)) << "no longer a difference, move it to kAgreed: "
                                           << printable(d.message.bytes) << " (" << d.rfc << ": " << d.reason << ")";
        EXPECT_TRUE(d.rfc.starts_with("RFC ")) << "each difference names the RFC section behind it";
    }
}

// The same corpus with every head line ending in a bare LF instead of CRLF
// (chunk framing keeps its CRLFs). With Limits::lenient both parsers accept
// bare LF in heads and must agree; strictly, as http::Server reads requests,
// every such request is refused (RFC 9112 2.2, see kDifferences). Messages
// that are errors for other reasons are left out: lenient, ours also takes a
// bare LF after a chunk size, which the oracle refuses.
TEST(HttpParserOracle, AgreesWithBareLfHeadsWhenLenientAndRefusesThemStrictly) {
    std::size_t checked = 0, refused = 0;
    for (const Case& c : kAgreed) {
        const std::size_t head_end = c.bytes.find("\r\n\r\n");
        if (head_end == std::string_view::npos || c.bytes.substr(0, head_end).find('\r') == std::string_view::npos)
            continue;
        if (run_oracle(c.type, c.bytes, c.request_method).verdict == Verdict::Error) continue;
        std::string head(c.bytes.substr(0, head_end + 4));
        for (std::size_t at; (at = head.find("\r\n")) != std::string::npos;) head.replace(at, 2, "\n");
        const std::string bytes = head + std::string(c.bytes.substr(head_end + 4));
        const Message oracle = run_oracle(c.type, bytes, c.request_method);
        const Message ours = run_ours(c.type, bytes, c.request_method, limits_for(c.type, /*lenient_requests=*/true));
        EXPECT_TRUE(ours.same_as(oracle)) << printable(bytes) << "\n  ours:   " << describe(ours)
                                          << "\n  oracle: " << describe(oracle);
        if (c.type == Type::Request) {
            const Message strict = run_ours(c.type, bytes, c.request_method, limits_for(c.type));
            EXPECT_EQ(strict.verdict, Verdict::Error) << printable(bytes) << "\n  ours: " << describe(strict);
            ++refused;
        }
        ++checked;
    }
    EXPECT_GE(checked, 50u);
    EXPECT_GE(refused, 30u);
}

}  // namespace
}  // namespace agentio::http
