// Tests of the head parser (include/agentio/http/head_parser.hpp): request
// and status lines, field lines, line endings, Host, the limits, and what
// Limits::lenient relaxes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agentio/http/head_parser.hpp"
#include "http/parse_error_of.hpp"

namespace agentio::http {
namespace {

using ::testing::HasSubstr;
using testkit::lenient;
using testkit::parse_error_of;
using namespace std::literals;

std::optional<std::size_t> request(std::string_view bytes, RequestHead& head, const Limits& limits = {}) {
    return parse_request_head(bytes, head, limits);
}

struct BadHead {
    std::string_view bytes;
    int status;
    std::string_view message;
};

void expect_request_errors(const std::vector<BadHead>& cases, const Limits& limits = {}) {
    for (const auto& bad : cases) {
        RequestHead head;
        const auto [status, message] = parse_error_of([&] { request(bad.bytes, head, limits); });
        EXPECT_EQ(status, bad.status) << bad.bytes;
        EXPECT_THAT(message, HasSubstr(bad.message)) << bad.bytes;
        EXPECT_THAT(message, ::testing::StartsWith("HTTP parse error: "));
    }
}

// ---------------------------------------------------------------- requests

constexpr std::string_view kRequest =
    "POST /v1/chat/completions?x=1 HTTP/1.1\r\n"
    "Host: api.example.com\r\n"
    "Content-Type:application/json\r\n"
    "X-Empty:\r\n"
    "X-Spaced: \t a  b \t\r\n"
    "X-Latin: caf\xc3\xa9\r\n"
    "Content-Length: 2\r\n"
    "\r\n";

TEST(RequestHead, ParsesEveryPartAndTrimsValues) {
    RequestHead head;
    ASSERT_EQ(request(kRequest, head), kRequest.size());
    EXPECT_EQ(head.method, "POST");
    EXPECT_EQ(head.target, "/v1/chat/completions?x=1");
    EXPECT_EQ(head.version_minor, 1);
    const Headers expected{{"Host", "api.example.com"}, {"Content-Type", "application/json"}, {"X-Empty", ""},
                           {"X-Spaced", "a  b"},         {"X-Latin", "caf\xc3\xa9"},          {"Content-Length", "2"}};
    EXPECT_EQ(head.headers, expected);
}

TEST(RequestHead, EveryProperPrefixNeedsMoreAndLeavesTheHeadUntouched) {
    for (std::size_t split = 0; split < kRequest.size(); ++split) {
        RequestHead head;
        head.method = "untouched";
        ASSERT_EQ(request(kRequest.substr(0, split), head), std::nullopt) << "split at " << split;
        EXPECT_EQ(head.method, "untouched");
    }
}

TEST(RequestHead, StopsAtTheEmptyLineSoPipelinedBytesStay) {
    const std::string two = std::string(kRequest) + "hiGET / HTTP/1.1\r\n\r\n";
    RequestHead head;
    EXPECT_EQ(request(two, head), kRequest.size());
}

TEST(RequestHead, SkipsEmptyCrlfLinesBeforeTheRequestLine) {
    const std::string_view bytes = "\r\n\r\nGET / HTTP/1.0\r\nAccept: */*\r\n\r\n";
    RequestHead head;
    ASSERT_EQ(request(bytes, head), bytes.size());
    EXPECT_EQ(head.version_minor, 0);
    EXPECT_EQ(head.headers, (Headers{{"Accept", "*/*"}}));
}

TEST(RequestHead, AcceptsEveryTargetFormAndAnyTokenAsMethod) {
    for (std::string_view line : {"GET http://h.example:8080/p?q HTTP/1.1", "OPTIONS * HTTP/1.1",
                                  "CONNECT h.example:443 HTTP/1.1", "CONNECT [::1]:443 HTTP/1.1",
                                  "M-SEARCH /a%20b;c=d HTTP/1.1", "get /lower-case-method HTTP/1.1",
                                  "QUERY /contacts HTTP/1.1"}) {
        RequestHead head;
        EXPECT_TRUE(request(std::string(line) + "\r\nHost: h.example\r\n\r\n", head)) << line;
    }
}

TEST(RequestHead, RejectsBareLfAnywhereNamingTheByte) {
    expect_request_errors({
        {"GET / HTTP/1.1\r\nHost: a\nX: y\r\n\r\n", 400, "bare LF (not preceded by CR) at byte 23 in the header section"},
        {"GET / HTTP/1.1\nHost: a\r\n\r\n", 400, "bare LF (not preceded by CR) at byte 14, ending the start line"},
        {"\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "bare LF (not preceded by CR) at byte 0 before the start line"},
        {"\r\n\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "at byte 2 before the start line"},
        {"GET / HTTP/1.1\r\nHost: a\r\n\n", 400, "bare LF (not preceded by CR) at byte 25 in the header section"},
        {"GET / HTTP/1.1\r\nHost: a\n\n", 400, "at byte 23"},
        // A hidden second request: with the bare LF read as a line end, the
        // body of the first would be 23 bytes and the second "GET /admin".
        {"GET / HTTP/1.1\r\nHost: localhost\r\nDummy: x\nContent-Length: 23\r\n\r\n"
         "GET / HTTP/1.1\r\nDummy: GET /admin HTTP/1.1\r\nHost: localhost\r\n\r\n",
         400, "bare LF"},
        {"POST / HTTP/1.1\r\nHost: localhost:5000\r\nx:\nTransfer-Encoding: chunked\r\n\r\n1\r\nA\r\n0\r\n\r\n", 400,
         "bare LF"},
    });
}

TEST(RequestHead, RejectsBareCrAnywhereNamingTheByte) {
    expect_request_errors({
        {"GET / HTTP/1.1\r\nFoo: 1\rBar: 2\r\n\r\n", 400,
         "bare CR (not followed by LF) at byte 22 in the value of header \"Foo\""},
        {"PUT /url HTTP/1.1\r\nConnection: keep\ralive\r\n\r\n", 400, "bare CR (not followed by LF) at byte 35"},
        {"GET / HTTP/1.1\r\nHost: www.example.com\r\nConnection\r\x1b\x35\xd5""eep-Alive\r\n\r\n", 400,
         "bare CR (not followed by LF) at byte 49 in header name"},
        {"PUT /url HTTP/1.1\r\nContent\rLength: 003\r\n\r\nabc", 400, "bare CR (not followed by LF) at byte 26"},
        {"GET / HTTP/1.1\r\nConnection: close\r\nHost: a\r\n\rZGET /evil: HTTP/1.1\r\nHost: a\r\n\r\n", 400,
         "bare CR (not followed by LF) at byte 44 in the header section"},
        {"PUT /url HTTP/1.1\r\nContent-Length: 3\r\n\rabc", 400, "bare CR (not followed by LF) at byte 38"},
        {"\rGET / HTTP/1.1\r\n\r\n", 400, "bare CR (not followed by LF) at byte 0 before the start line"},
        {"GET / HTTP/1.1\rLine: 1\r\nHost: a\r\n\r\n", 400, "malformed HTTP version"},
        {"GET / HTTP/1.1\r\r\n\r\n", 400, "malformed HTTP version"},
    });
}

TEST(RequestHead, RejectsMalformedHeadsNamingTheProblem) {
    expect_request_errors({
        {"GET / HTTP/1.1\r\nHo\x01st: a\r\n\r\n", 400, R"(invalid character 0x01 at byte 18 in header name "Ho\x01st")"},
        {"GET / HTTP/1.1\r\nFo@: Failure\r\n\r\n", 400, "invalid character 0x40 at byte 18 in header name"},
        {"GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400, "whitespace between header name and colon at byte 20"},
        {"GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", 400, "whitespace between header name and colon"},
        {"GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", 400, "obs-fold line folding (a header line starting with whitespace) at byte 22"},
        {"GET / HTTP/1.1\r\nname\r\n : value\r\n\r\n", 400, "obs-fold"},
        {"GET / HTTP/1.1\r\n X: a\r\n\r\n", 400, "whitespace at the start of the first header line at byte 16"},
        {"GET / HTTP/1.1\r\nX: a\x7f\r\n\r\n", 400, "invalid character 0x7f at byte 20 in the value of header \"X\""},
        {"GET / HTTP/1.1\r\nX: a\x00z\r\n\r\n"sv, 400, "invalid character 0x00"},
        {"GET /url HTTP/1.1\r\nHeader1: hello\x0cworld\r\n\r\n", 400, "invalid character 0x0c at byte 33"},
        {"GET / HTTP/1.1\r\nNoColon\r\n\r\n", 400, "header line without a colon at byte 16"},
        {"GET / HTTP/1.1\r\n: v\r\n\r\n", 400, "empty header name at byte 16"},
        {"G(T / HTTP/1.1\r\n\r\n", 400, "invalid character 0x28 in method \"G(T\""},
        {"GET  / HTTP/1.1\r\n\r\n", 400, "empty request target"},
        {" GET / HTTP/1.1\r\n\r\n", 400, "request line starts with a space"},
        {"GET /\r\n\r\n", 400, "HTTP/0.9 is not supported"},
        {"GET /a\tb HTTP/1.1\r\n\r\n", 400, "invalid character 0x09 in request target"},
        {"GET /caf\xc3\xa9 HTTP/1.1\r\n\r\n", 400, "invalid character 0xc3 in request target"},
        {"GET /foo bar/ HTTP/1.1\r\n\r\n", 400, "malformed HTTP version \"bar/ HTTP/1.1\""},
        {"GET foo HTTP/1.1\r\n\r\n", 400, "the request target must be"},
        {"GET * HTTP/1.1\r\n\r\n", 400, "only for OPTIONS"},
        {"CONNECT /x HTTP/1.1\r\n\r\n", 400, "host:port"},
        {"GET / HTTP/1.1 \r\n\r\n", 400, "malformed HTTP version"},
        {"GET / http/1.1\r\n\r\n", 400, "malformed HTTP version"},
        {"GET / HTTP/1.10\r\n\r\n", 400, "malformed HTTP version"},
        {"GET /music/sweet/music ICE/1.0\r\nHost: example.com\r\n\r\n", 400, "malformed HTTP version \"ICE/1.0\""},
        {"GET /music/sweet/music RTSP/1.0\r\nHost: example.com\r\n\r\n", 400, "malformed HTTP version"},
        {"GET / HTTP/2.0\r\n\r\n", 505, "unsupported HTTP version \"HTTP/2.0\""},
        {"GET / HTTP/1.2\r\n\r\n", 505, "unsupported HTTP version"},
        {"GET / HTTP/0.9\r\n\r\n", 505, "unsupported HTTP version"},
    });
}

TEST(RequestHead, Http11NeedsExactlyOneValidHost) {
    expect_request_errors({
        {"GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400, "HTTP/1.1 request without a Host field"},
        {"GET http://a.example/ HTTP/1.1\r\n\r\n", 400, "without a Host field"},
        {"GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", 400, "more than one Host field (\"a\" and \"b\")"},
        {"GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n", 400, "more than one Host field"},
        {"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400, "invalid Host \"a b\": a character a host name cannot hold"},
        {"GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400, "invalid Host"},
        {"GET / HTTP/1.1\r\nHost: user@a\r\n\r\n", 400, "invalid Host"},
        {"GET / HTTP/1.1\r\nHost: a:80x\r\n\r\n", 400, "a port that is not a number"},
        {"GET / HTTP/1.1\r\nHost: a:80:90\r\n\r\n", 400, "a port that is not a number"},
        {"GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", 400, "without its closing"},
        {"GET / HTTP/1.1\r\nHost: []\r\n\r\n", 400, "an empty IP literal"},
        {"GET / HTTP/1.1\r\nHost: [::1]x\r\n\r\n", 400, "invalid Host"},
        {"GET / HTTP/1.1\r\nHost: [::1/]\r\n\r\n", 400, "invalid character in its IP literal"},
    });
    for (std::string_view host : {"", "a", "api.example.com:8443", "0.0.0.0=5000", "[::1]:8080", "[v1.fe80::a+en1]",
                                  "239.255.255.250:1900", "example.com:", "xn--caf-dma.example", "%41.example"}) {
        RequestHead head;
        const std::string bytes = "GET / HTTP/1.1\r\nHost: " + std::string(host) + "\r\n\r\n";
        EXPECT_EQ(request(bytes, head), bytes.size()) << host;
    }
    RequestHead old;
    EXPECT_TRUE(request("GET / HTTP/1.0\r\n\r\n", old)) << "HTTP/1.0 needs no Host";
}

TEST(RequestHead, BrokenBytesFailBeforeTheHeadIsComplete) {
    // What a server sees of a malformed pipelined request, or of a client
    // that never ends its head: the error comes as soon as the bytes are in.
    expect_request_errors({
        {"\x16\x03\x01\x02", 400, "invalid character 0x16 in method"},  // a TLS ClientHello on a plain port
        {"GET / HTTP/1.1\r\nHost: a\nX", 400, "bare LF"},
        {"GET / HTTP/1.1\r\n Host: foo", 400, "whitespace at the start of the first header line"},
        {"GET / HTTP/1.1\r\nHost: a\r\n\rZ", 400, "bare CR"},
        {"GET / HTTP/1.1\r\nX: 1\r\n  folded", 400, "obs-fold"},
        {"GET / HTTP/5.6", 505, "unsupported HTTP version \"HTTP/5.6\""},
        {"GET / HTTP/9.9\r\nHost: a\r\n", 505, "unsupported HTTP version"},
        {"GET / HTTPS/1.1", 400, "malformed HTTP version"},
        {"GET /music IHTTP/1.0", 400, "malformed HTTP version"},
        {"GET  /", 400, "empty request target"},
        {"GET /foo bar/ HTTP", 400, "malformed HTTP version"},
        {"GET /caf\xc3", 400, "invalid character 0xc3 in request target"},
        {"MKCOLA\t/", 400, "invalid character 0x09 in method"},
    });
    RequestHead head;
    for (std::string_view partial : {"GET / HT", "GET / HTTP/1.1", "GET / HTTP/1.1\r", "GET /x", "\r", "\r\n\r",
                                     "GET / HTTP/1.1\r\nHost: a\r", "GET / HTTP/1.1\r\nHost: a\r\n\r"})
        EXPECT_EQ(request(partial, head), std::nullopt) << partial;
}

// ---------------------------------------------------------------- responses

TEST(ResponseHead, ParsesStatusReasonAndHeadersInEverySplit) {
    const std::string_view bytes = "HTTP/1.0 404 Not  Found \r\nServer: x\r\n\r\nbody";
    const std::size_t head_size = bytes.size() - 4;
    for (std::size_t split = 0; split < head_size; ++split) {
        ResponseHead head;
        ASSERT_EQ(parse_response_head(bytes.substr(0, split), head), std::nullopt) << split;
    }
    ResponseHead head;
    ASSERT_EQ(parse_response_head(bytes, head), head_size);
    EXPECT_EQ(head.status, 404);
    EXPECT_EQ(head.reason, "Not  Found ");
    EXPECT_EQ(head.version_minor, 0);
    EXPECT_EQ(head.headers, (Headers{{"Server", "x"}}));
}

TEST(ResponseHead, ReasonMayBeEmptyOrAbsent) {
    for (std::string_view bytes : {"HTTP/1.1 204\r\n\r\n", "HTTP/1.1 204 \r\n\r\n"}) {
        ResponseHead head;
        ASSERT_EQ(parse_response_head(bytes, head), bytes.size());
        EXPECT_EQ(head.status, 204);
        EXPECT_EQ(head.reason, "");
    }
}

TEST(ResponseHead, RejectsMalformedStatusLines) {
    const BadHead cases[] = {
        {"HTTP/1.1 20 OK\r\n\r\n", 400, "3 digits"},    {"HTTP/1.1 2000 OK\r\n\r\n", 400, "3 digits"},
        {"HTTP/1.1 099 X\r\n\r\n", 400, "3 digits"},    {"HTTP/1.1 200OK\r\n\r\n", 400, "3 digits"},
        {"HTTP/1.1  200 OK\r\n\r\n", 400, "3 digits"},  {"HTTP/1.1\r\n\r\n", 400, "3 digits"},
        {"HTTP/1.1 2x0 OK\r\n\r\n", 400, "3 digits"},   {"HTTP/1.1 200 O\x01K\r\n\r\n", 400, "reason phrase"},
        {"HTTP/2 200 OK\r\n\r\n", 400, "malformed"},     {"HTTP/3.0 200 OK\r\n\r\n", 505, "unsupported"},
        {"ICY 200 OK\r\n\r\n", 400, "malformed"},        {"HTTP/1.1 200 OK\nServer: x\n\n", 400, "bare LF"},
        {"HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", 400, "obs-fold"},
    };
    for (const auto& bad : cases) {
        ResponseHead head;
        const auto [status, message] = parse_error_of([&] { parse_response_head(bad.bytes, head); });
        EXPECT_EQ(status, bad.status) << bad.bytes;
        EXPECT_THAT(message, HasSubstr(bad.message)) << bad.bytes;
    }
}

TEST(ResponseHead, InvalidStatusLinesFailBeforeTheHeadIsComplete) {
    ResponseHead head;
    EXPECT_EQ(parse_error_of([&] { parse_response_head("HTTX", head); }).first, 400);
    EXPECT_EQ(parse_error_of([&] { parse_response_head("<html>", head); }).first, 400);
    EXPECT_EQ(parse_error_of([&] { parse_response_head("HTTP/1.x 200", head); }).first, 400);
    EXPECT_EQ(parse_error_of([&] { parse_response_head("HTTP/4.0 200", head); }).first, 505);
    EXPECT_EQ(parse_response_head("HTTP/1.1 2", head), std::nullopt);
    EXPECT_EQ(parse_response_head("HTTP/1.1\r", head), std::nullopt);
}

// ---------------------------------------------------------------- lenient

TEST(LenientHead, AcceptsBareLfLineEndsAndLeadingLfLines) {
    const std::string_view bytes = "\n\r\nHTTP/1.1 200 OK\nContent-Length: 3\r\nServer: x\n\nabc";
    ResponseHead head;
    ASSERT_EQ(parse_response_head(bytes, head, lenient()), bytes.size() - 3);
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.headers, (Headers{{"Content-Length", "3"}, {"Server", "x"}}));
    RequestHead request_head;
    EXPECT_TRUE(request("GET /lf HTTP/1.1\nHost: a\nAccept: */*\n\n", request_head, lenient()));
}

TEST(LenientHead, FoldsObsFoldIntoOneSpace) {
    const std::string_view bytes =
        "HTTP/1.1 200 OK\r\nX-Folded: a\r\n   b \r\n\tc\r\nX-Empty:\r\n \r\n\tfirst\r\nLast: z\n  \n\r\n";
    ResponseHead head;
    ASSERT_EQ(parse_response_head(bytes, head, lenient()), bytes.size());
    EXPECT_EQ(head.headers, (Headers{{"X-Folded", "a b c"}, {"X-Empty", "first"}, {"Last", "z"}}));
}

TEST(LenientHead, StillRefusesBareCrAndWhitespaceAfterTheStartLine) {
    const BadHead cases[] = {
        {"HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n", 400, "bare CR"},
        {"HTTP/1.1 200 OK\n\rX: 1\n\n", 400, "bare CR"},
        {"HTTP/1.1 200 OK\n X: 1\n\n", 400, "whitespace at the start of the first header line"},
        {"HTTP/1.1 200 OK\r\nX: a\r\n b\x01\r\n\r\n", 400, "invalid character 0x01 at byte 25 in the value of header \"X\""},
        {"HTTP/1.1 200 OK\r\nX : a\r\n\r\n", 400, "whitespace between header name and colon"},
    };
    for (const auto& bad : cases) {
        ResponseHead head;
        const auto [status, message] = parse_error_of([&] { parse_response_head(bad.bytes, head, lenient()); });
        EXPECT_EQ(status, bad.status) << bad.bytes;
        EXPECT_THAT(message, HasSubstr(bad.message)) << bad.bytes;
    }
}

// ---------------------------------------------------------------- limits

TEST(Limits, LongRequestLineIs414WhetherOrNotItEnded) {
    Limits limits;
    limits.max_start_line = 64;
    const std::string at_limit = "GET /" + std::string(64 - 14, 'a') + " HTTP/1.0";
    ASSERT_EQ(at_limit.size(), 64u);
    RequestHead head;
    EXPECT_TRUE(request(at_limit + "\r\n\r\n", head, limits));
    const std::string over = "GET /" + std::string(64 - 13, 'a') + " HTTP/1.0";
    EXPECT_EQ(parse_error_of([&] { request(over + "\r\n\r\n", head, limits); }).first, 414);
    EXPECT_EQ(parse_error_of([&] { request(over + "\r\n", head, limits); }).first, 414);
    EXPECT_EQ(parse_error_of([&] { request("GET /" + std::string(100, 'a'), head, limits); }).first, 414);
    EXPECT_EQ(request("GET /" + std::string(60, 'a'), head, limits), std::nullopt);
    ResponseHead response;
    EXPECT_EQ(parse_error_of([&] { parse_response_head("HTTP/1.1 200 " + std::string(100, 'k'), response, limits); }).first,
              431);
}

TEST(Limits, OversizedHeadIs431EvenBeforeItEnds) {
    Limits limits;
    limits.max_head_bytes = 100;
    const std::string start = "GET / HTTP/1.0\r\n";
    const std::string exact = start + "X: " + std::string(100 - start.size() - 7, 'v') + "\r\n\r\n";
    ASSERT_EQ(exact.size(), 100u);
    RequestHead head;
    EXPECT_EQ(request(exact, head, limits), 100u);
    const std::string over = start + "X: " + std::string(100 - start.size() - 6, 'v') + "\r\n\r\n";
    EXPECT_EQ(parse_error_of([&] { request(over, head, limits); }).first, 431);
    // Slowloris: header lines that never end the head.
    std::string trickle = start;
    while (trickle.size() <= 100) {
        ASSERT_EQ(request(trickle, head, limits), std::nullopt);
        trickle += "X: 1\r\n";
    }
    const auto [status, message] = parse_error_of([&] { request(trickle, head, limits); });
    EXPECT_EQ(status, 431);
    EXPECT_THAT(message, HasSubstr("head larger than 100 bytes"));
    std::string empty_lines;
    for (int i = 0; i < 100; ++i) empty_lines += "\r\n";
    EXPECT_EQ(parse_error_of([&] { request(empty_lines, head, limits); }).first, 431);
}

TEST(Limits, TooManyFieldsIs431) {
    Limits limits;
    limits.max_headers = 3;
    std::string bytes = "GET / HTTP/1.1\r\nHost: h\r\n";
    for (int i = 0; i < 2; ++i) bytes += "X: 1\r\n";
    RequestHead head;
    EXPECT_TRUE(request(bytes + "\r\n", head, limits));
    const auto [status, message] = parse_error_of([&] { request(bytes + "Y: 2\r\n\r\n", head, limits); });
    EXPECT_EQ(status, 431);
    EXPECT_THAT(message, HasSubstr("more than 3 header fields"));
}

}  // namespace
}  // namespace agentio::http
