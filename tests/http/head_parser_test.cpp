// Tests of the HTTP/1.1 codec: Headers, heads, limits, body framing, the
// chunked decoder and the writers (include/agentio/http/*.hpp).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agentio/http/parser.hpp"

namespace agentio::http {
namespace {

using ::testing::HasSubstr;
using namespace std::literals;

// The status and message of the ParseError that `action` throws.
template <class Action>
std::pair<int, std::string> parse_error_of(Action&& action) {
    try {
        action();
    } catch (const ParseError& error) {
        return {error.status(), error.what()};
    }
    ADD_FAILURE() << "no ParseError was thrown";
    return {0, ""};
}

std::optional<std::size_t> request(std::string_view bytes, RequestHead& head, const Limits& limits = {}) {
    return parse_request_head(bytes, head, limits);
}

// ---------------------------------------------------------------- Headers

TEST(Headers, KeepOrderAndSpellingAndLookUpWithoutCase) {
    Headers headers;
    headers.add("X-B", "2");
    headers.add("x-a", "1");
    headers.add("X-b", "3");
    ASSERT_EQ(headers.size(), 3u);
    EXPECT_EQ(headers[0].first, "X-B");
    EXPECT_EQ(headers[1].first, "x-a");
    EXPECT_EQ(headers.get("x-B"), "2");  // the first of repeated fields
    EXPECT_TRUE(headers.contains("X-A"));
    EXPECT_FALSE(headers.contains("X-C"));
    EXPECT_EQ(headers.get("X-C"), std::nullopt);
}

TEST(Headers, SetReplacesEveryFieldAtTheFirstOnesPlace) {
    Headers headers{{"A", "1"}, {"X", "old"}, {"B", "2"}, {"x", "older"}};
    headers.set("X", "new");
    ASSERT_EQ(headers.size(), 3u);
    EXPECT_EQ(headers[1], (Headers::Field{"X", "new"}));
    EXPECT_EQ(headers[2].first, "B");
    headers.set("C", "3");
    EXPECT_EQ(headers[3], (Headers::Field{"C", "3"}));
}

TEST(Headers, RemoveDropsEveryMatchAndCountsThem) {
    Headers headers{{"A", "1"}, {"set-cookie", "a"}, {"Set-Cookie", "b"}};
    EXPECT_EQ(headers.remove("SET-COOKIE"), 2u);
    EXPECT_EQ(headers.remove("Set-Cookie"), 0u);
    EXPECT_EQ(headers.size(), 1u);
}

TEST(Headers, EditsByANameThatPointsIntoTheHeadersThemselves) {
    Headers headers{{"A", "1"}, {"Long-Header-Name-X", "2"}, {"long-header-name-x", "3"}, {"B", "4"}};
    headers.set(headers[2].first, "5");  // the view's field is erased by the edit
    EXPECT_EQ(headers[1], (Headers::Field{"long-header-name-x", "5"}));
    EXPECT_EQ(headers.size(), 3u);
    EXPECT_EQ(headers.remove(headers[1].first), 1u);
    EXPECT_EQ(headers, (Headers{{"A", "1"}, {"B", "4"}}));
}

TEST(Headers, HasTokenSplitsCommaListsAcrossFieldsIgnoringCaseSpacesAndParameters) {
    Headers headers{{"Connection", "keep-alive , Upgrade"}, {"Transfer-Encoding", "gzip;q=1"},
                    {"transfer-encoding", " ,CHUNKED"}};
    EXPECT_TRUE(headers.has_token("connection", "upgrade"));
    EXPECT_TRUE(headers.has_token("Connection", "Keep-Alive"));
    EXPECT_FALSE(headers.has_token("Connection", "close"));
    EXPECT_FALSE(headers.has_token("Connection", "keep"));
    EXPECT_TRUE(headers.has_token("Transfer-Encoding", "gzip"));
    EXPECT_TRUE(headers.has_token("Transfer-Encoding", "chunked"));
}

TEST(Message, KeepAliveFollowsVersionAndConnectionHeader) {
    RequestHead head;
    EXPECT_TRUE(keep_alive(head));
    head.headers.add("Connection", "Upgrade, close");
    EXPECT_FALSE(keep_alive(head));
    ResponseHead old;
    old.version_minor = 0;
    EXPECT_FALSE(keep_alive(old));
    old.headers.add("connection", "Keep-Alive");
    EXPECT_TRUE(keep_alive(old));
    EXPECT_EQ(reason_phrase(404), "Not Found");
    EXPECT_EQ(reason_phrase(431), "Request Header Fields Too Large");
    EXPECT_EQ(reason_phrase(299), "");
}

// ---------------------------------------------------------------- heads

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

TEST(RequestHead, AcceptsBareLfAndSkipsLeadingEmptyLines) {
    const std::string_view bytes = "\r\n\nGET / HTTP/1.0\nHost: a\r\nAccept: */*\n\n";
    RequestHead head;
    ASSERT_EQ(request(bytes, head), bytes.size());
    EXPECT_EQ(head.version_minor, 0);
    EXPECT_EQ(head.headers, (Headers{{"Host", "a"}, {"Accept", "*/*"}}));
}

TEST(RequestHead, AcceptsEveryTargetForm) {
    for (std::string_view line : {"GET http://h.example:8080/p?q HTTP/1.1", "OPTIONS * HTTP/1.1",
                                  "CONNECT h.example:443 HTTP/1.1", "CONNECT [::1]:443 HTTP/1.1",
                                  "M-SEARCH /a%20b;c=d HTTP/1.1", "get /lower-case-method HTTP/1.1"}) {
        RequestHead head;
        EXPECT_TRUE(request(std::string(line) + "\r\n\r\n", head)) << line;
    }
}

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

struct BadHead {
    std::string_view bytes;
    int status;
    std::string_view message;
};

TEST(RequestHead, RejectsMalformedHeadsNamingTheProblem) {
    const BadHead cases[] = {
        {"GET / HTTP/1.1\r\nHo\x01st: a\r\n\r\n", 400, R"(invalid character 0x01 in header name "Ho\x01st")"},
        {"GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400, "whitespace between header name and colon"},
        {"GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", 400, "whitespace between header name and colon"},
        {"GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", 400, "obs-fold"},
        {"GET / HTTP/1.1\r\n X: a\r\n\r\n", 400, "obs-fold"},
        {"GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", 400, "invalid character 0x0d in the value of header \"X\""},
        {"GET / HTTP/1.1\r\nX: a\x7f\r\n\r\n", 400, "invalid character 0x7f"},
        {"GET / HTTP/1.1\r\nX: a\x00z\r\n\r\n"sv, 400, "invalid character 0x00"},
        {"GET / HTTP/1.1\r\nNoColon\r\n\r\n", 400, "header line without a colon"},
        {"GET / HTTP/1.1\r\n: v\r\n\r\n", 400, "empty header name"},
        {"G(T / HTTP/1.1\r\n\r\n", 400, "invalid character 0x28 in method \"G(T\""},
        {"GET  / HTTP/1.1\r\n\r\n", 400, "empty request target"},
        {" GET / HTTP/1.1\r\n\r\n", 400, "request line starts with a space"},
        {"GET /\r\n\r\n", 400, "HTTP/0.9 is not supported"},
        {"GET /a\tb HTTP/1.1\r\n\r\n", 400, "invalid character 0x09 in request target"},
        {"GET /caf\xc3\xa9 HTTP/1.1\r\n\r\n", 400, "invalid character 0xc3 in request target"},
        {"GET foo HTTP/1.1\r\n\r\n", 400, "the request target must be"},
        {"GET * HTTP/1.1\r\n\r\n", 400, "only for OPTIONS"},
        {"CONNECT /x HTTP/1.1\r\n\r\n", 400, "host:port"},
        {"GET / HTTP/1.1 \r\n\r\n", 400, "malformed HTTP version"},
        {"GET / http/1.1\r\n\r\n", 400, "malformed HTTP version"},
        {"GET / HTTP/1.10\r\n\r\n", 400, "malformed HTTP version"},
        {"GET / HTTP/2.0\r\n\r\n", 505, "unsupported HTTP version \"HTTP/2.0\""},
        {"GET / HTTP/1.2\r\n\r\n", 505, "unsupported HTTP version"},
        {"GET / HTTP/0.9\r\n\r\n", 505, "unsupported HTTP version"},
        {"\rGET / HTTP/1.1\r\n\r\n", 400, "CR not followed by LF"},
        {"GET / HTTP/1.1\r\r\n\r\n", 400, "malformed HTTP version"},
    };
    for (const auto& bad : cases) {
        RequestHead head;
        const auto [status, message] = parse_error_of([&] { request(bad.bytes, head); });
        EXPECT_EQ(status, bad.status) << bad.bytes;
        EXPECT_THAT(message, HasSubstr(bad.message)) << bad.bytes;
        EXPECT_THAT(message, ::testing::StartsWith("HTTP parse error: "));
    }
}

TEST(ResponseHead, RejectsMalformedStatusLines) {
    const BadHead cases[] = {
        {"HTTP/1.1 20 OK\r\n\r\n", 400, "3 digits"},    {"HTTP/1.1 2000 OK\r\n\r\n", 400, "3 digits"},
        {"HTTP/1.1 099 X\r\n\r\n", 400, "3 digits"},    {"HTTP/1.1 200OK\r\n\r\n", 400, "3 digits"},
        {"HTTP/1.1  200 OK\r\n\r\n", 400, "3 digits"},  {"HTTP/1.1\r\n\r\n", 400, "3 digits"},
        {"HTTP/1.1 2x0 OK\r\n\r\n", 400, "3 digits"},   {"HTTP/1.1 200 O\x01K\r\n\r\n", 400, "reason phrase"},
        {"HTTP/2 200 OK\r\n\r\n", 400, "malformed"},     {"HTTP/3.0 200 OK\r\n\r\n", 505, "unsupported"},
        {"ICY 200 OK\r\n\r\n", 400, "malformed"},
    };
    for (const auto& bad : cases) {
        ResponseHead head;
        const auto [status, message] = parse_error_of([&] { parse_response_head(bad.bytes, head); });
        EXPECT_EQ(status, bad.status) << bad.bytes;
        EXPECT_THAT(message, HasSubstr(bad.message)) << bad.bytes;
    }
}

TEST(Heads, InvalidStartLinesFailBeforeTheHeadIsComplete) {
    RequestHead request_head;
    ResponseHead response_head;
    // A TLS ClientHello sent to a plain HTTP port.
    EXPECT_EQ(parse_error_of([&] { request("\x16\x03\x01\x02", request_head); }).first, 400);
    EXPECT_EQ(parse_error_of([&] { request("GET / HTTP/9.9\r\nHost: a\r\n", request_head); }).first, 505);
    EXPECT_EQ(parse_error_of([&] { parse_response_head("HTTX", response_head); }).first, 400);
    EXPECT_EQ(parse_error_of([&] { parse_response_head("<html>", response_head); }).first, 400);
    EXPECT_EQ(request("GET / HT", request_head), std::nullopt);
    EXPECT_EQ(parse_response_head("HTTP/1.1 2", response_head), std::nullopt);
}

// ---------------------------------------------------------------- limits

TEST(Limits, LongRequestLineIs414WhetherOrNotItEnded) {
    Limits limits;
    limits.max_start_line = 64;
    const std::string at_limit = "GET /" + std::string(64 - 14, 'a') + " HTTP/1.1";
    ASSERT_EQ(at_limit.size(), 64u);
    RequestHead head;
    EXPECT_TRUE(request(at_limit + "\r\n\r\n", head, limits));
    const std::string over = "GET /" + std::string(64 - 13, 'a') + " HTTP/1.1";
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
    const std::string start = "GET / HTTP/1.1\r\n";
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
    EXPECT_EQ(parse_error_of([&] { request(std::string(200, '\n'), head, limits); }).first, 431);
}

TEST(Limits, TooManyFieldsIs431) {
    Limits limits;
    limits.max_headers = 3;
    std::string bytes = "GET / HTTP/1.1\r\n";
    for (int i = 0; i < 3; ++i) bytes += "X: 1\r\n";
    RequestHead head;
    EXPECT_TRUE(request(bytes + "\r\n", head, limits));
    const auto [status, message] = parse_error_of([&] { request(bytes + "Y: 2\r\n\r\n", head, limits); });
    EXPECT_EQ(status, 431);
    EXPECT_THAT(message, HasSubstr("more than 3 header fields"));
}

// ---------------------------------------------------------------- framing

RequestHead request_with(Headers headers, int version_minor = 1) {
    return RequestHead{"POST", "/", version_minor, std::move(headers)};
}

TEST(RequestFraming, FollowsRfc9112Section6_3) {
    using Kind = BodyFraming::Kind;
    EXPECT_EQ(request_framing(request_with({})).kind, Kind::None);
    const auto length = request_framing(request_with({{"content-length", "42"}}));
    EXPECT_EQ(length.kind, Kind::ContentLength);
    EXPECT_EQ(length.length, 42u);
    EXPECT_EQ(request_framing(request_with({{"Content-Length", "0"}})).length, 0u);
    EXPECT_EQ(request_framing(request_with({{"Content-Length", "7"}, {"Content-Length", "7"}})).length, 7u);
    EXPECT_EQ(request_framing(request_with({{"Transfer-Encoding", "Chunked"}})).kind, Kind::Chunked);
    EXPECT_EQ(request_framing(request_with({{"Transfer-Encoding", "gzip"}, {"Transfer-Encoding", "chunked"}})).kind,
              Kind::Chunked);
    Limits limits;
    limits.max_body = 100;
    EXPECT_EQ(request_framing(request_with({{"Content-Length", "100"}}), limits).length, 100u);
}

TEST(RequestFraming, RefusesSmugglingAndBadLengthsWithTheRightStatus) {
    const struct {
        Headers headers;
        int version_minor;
        int status;
        std::string_view message;
    } cases[] = {
        {{{"Content-Length", "3"}, {"Transfer-Encoding", "chunked"}}, 1, 400, "both Transfer-Encoding and Content-Length"},
        {{{"Transfer-Encoding", "chunked"}, {"content-length", "3"}}, 1, 400, "request smuggling"},
        {{{"Content-Length", "3"}, {"Content-Length", "4"}}, 1, 400, "conflicting Content-Length values 3 and 4"},
        {{{"Transfer-Encoding", "chunked"}}, 0, 400, "HTTP/1.0"},
        {{{"Transfer-Encoding", "gzip"}}, 1, 400, "does not end in chunked"},
        {{{"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "gzip"}}, 1, 400, "does not end in chunked"},
        {{{"Transfer-Encoding", ""}}, 1, 400, "does not end in chunked"},
        {{{"Transfer-Encoding", "chunked, chunked"}}, 1, 400, "more than once"},
        {{{"Transfer-Encoding", "br, chunked"}}, 1, 501, "unsupported transfer coding \"br\""},
        {{{"Content-Length", "-1"}}, 1, 400, "invalid Content-Length"},
        {{{"Content-Length", "+1"}}, 1, 400, "invalid Content-Length"},
        {{{"Content-Length", "1 2"}}, 1, 400, "invalid Content-Length"},
        {{{"Content-Length", "1,1"}}, 1, 400, "invalid Content-Length"},
        {{{"Content-Length", ""}}, 1, 400, "invalid Content-Length"},
        {{{"Content-Length", "18446744073709551616"}}, 1, 400, "does not fit in 64 bits"},
        {{{"Content-Length", "18446744073709551615"}}, 1, 413, "over the body limit"},
    };
    for (const auto& c : cases) {
        const auto [status, message] = parse_error_of([&] { request_framing(request_with(c.headers, c.version_minor)); });
        EXPECT_EQ(status, c.status) << c.message;
        EXPECT_THAT(message, HasSubstr(c.message));
    }
}

TEST(ResponseFraming, KnowsBodilessResponsesAndPrefersChunkedOverLength) {
    using Kind = BodyFraming::Kind;
    const auto response = [](int status, Headers headers) { return ResponseHead{status, "", 1, std::move(headers)}; };
    const Headers length{{"Content-Length", "5"}};
    EXPECT_EQ(response_framing("GET", response(200, length)).kind, Kind::ContentLength);
    EXPECT_EQ(response_framing("HEAD", response(200, length)).kind, Kind::None);
    EXPECT_EQ(response_framing("HEAD", response(200, {{"Transfer-Encoding", "chunked"}})).kind, Kind::None);
    for (int status : {100, 101, 103, 204, 304}) EXPECT_EQ(response_framing("GET", response(status, length)).kind, Kind::None);
    EXPECT_EQ(response_framing("CONNECT", response(200, {})).kind, Kind::None);
    EXPECT_EQ(response_framing("CONNECT", response(407, length)).kind, Kind::ContentLength);
    EXPECT_EQ(response_framing("GET", response(200, {})).kind, Kind::UntilClose);
    EXPECT_EQ(response_framing("GET", response(200, {{"Transfer-Encoding", "gzip"}})).kind, Kind::UntilClose);
    EXPECT_EQ(response_framing("GET", response(200, {{"Content-Length", "5"}, {"Transfer-Encoding", "chunked"}})).kind,
              Kind::Chunked);
    Limits limits;
    limits.max_body = 4;
    EXPECT_EQ(parse_error_of([&] { response_framing("GET", response(200, length), limits); }).first, 413);
    EXPECT_EQ(parse_error_of([&] { response_framing("GET", response(200, {{"Content-Length", "x"}})); }).first, 400);
}

// ---------------------------------------------------------------- chunked

struct Decoded {
    std::string body;
    std::size_t consumed = 0;  // up to the end of the message
    bool done = false;
};

// Feeds `pieces` in order the way a connection would, checking the
// decoder's contract at every step.
Decoded decode(const std::vector<std::string_view>& pieces, const Limits& limits = {}) {
    ChunkedDecoder decoder(limits);
    Decoded out;
    for (std::string_view piece : pieces) {
        while (!piece.empty() && !decoder.done()) {
            const auto step = decoder.feed(piece);
            EXPECT_LE(step.consumed, piece.size());
            if (!step.data.empty()) {
                EXPECT_GE(step.data.data(), piece.data());
                EXPECT_LE(step.data.data() + step.data.size(), piece.data() + step.consumed);
            } else if (!step.done) {
                EXPECT_EQ(step.consumed, piece.size()) << "a step with no data must take all its input";
            }
            out.body.append(step.data);
            out.consumed += step.consumed;
            piece.remove_prefix(step.consumed);
        }
    }
    out.done = decoder.done();
    EXPECT_EQ(decoder.body_bytes(), out.body.size());
    return out;
}

constexpr std::string_view kChunked =
    "5;name=value;quoted=\"a b\"\r\nhello\r\n"
    "1 \r\n,\r\n"
    "00B\r\n 0123456789\r\n"
    "0\r\n"
    "Expires: never\r\nX-Check:  1 \n"
    "\r\n";
constexpr std::string_view kChunkedBody = "hello, 0123456789";

TEST(ChunkedDecoder, DecodesTheSameBodyWhereverTheInputIsSplit) {
    const std::string bytes = std::string(kChunked) + "NEXT";
    for (std::size_t split = 0; split <= bytes.size(); ++split) {
        const auto decoded = decode({std::string_view(bytes).substr(0, split), std::string_view(bytes).substr(split)});
        EXPECT_EQ(decoded.body, kChunkedBody) << split;
        EXPECT_TRUE(decoded.done) << split;
        EXPECT_EQ(decoded.consumed, kChunked.size()) << "stops before the next message, split " << split;
    }
    for (std::size_t a = 1; a < kChunked.size(); a += 3)
        for (std::size_t b = a; b < kChunked.size(); b += 5) {
            const std::string_view all = kChunked;
            EXPECT_EQ(decode({all.substr(0, a), all.substr(a, b - a), all.substr(b)}).body, kChunkedBody);
        }
    std::vector<std::string_view> bytewise;
    for (std::size_t i = 0; i < kChunked.size(); ++i) bytewise.push_back(kChunked.substr(i, 1));
    EXPECT_EQ(decode(bytewise).body, kChunkedBody);
}

TEST(ChunkedDecoder, ReturnsOneDataPieceAtATimeAsViewsOfItsInput) {
    ChunkedDecoder decoder;
    const std::string_view input = "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
    auto step = decoder.feed(input);
    EXPECT_EQ(step.data, "abc");
    EXPECT_EQ(step.data.data(), input.data() + 3);
    EXPECT_EQ(step.consumed, 6u);
    step = decoder.feed(input.substr(6));
    EXPECT_EQ(step.data, "de");
    step = decoder.feed(input.substr(6 + step.consumed));
    EXPECT_TRUE(step.done);
    EXPECT_TRUE(step.data.empty());
    EXPECT_EQ(decoder.feed("more").consumed, 0u);
    decoder.reset();
    EXPECT_FALSE(decoder.done());
    EXPECT_EQ(decoder.feed("1\r\nz").data, "z");
}

TEST(ChunkedDecoder, RejectsBrokenFramingAndStaysFailed) {
    const BadHead cases[] = {
        {"\r\n", 400, "hex chunk size"},
        {"x\r\n", 400, "hex chunk size"},
        {"0x5\r\nhello\r\n", 400, "invalid character 0x78 in chunk size"},
        {"-1\r\n", 400, "hex chunk size"},
        {"5\nhello\r\n", 400, "invalid character 0x0a in chunk size"},
        {"5\rhello\r\n", 400, "CR not followed by LF"},
        {"5 x\r\n", 400, "after chunk size"},
        {"5;a\x01\r\n", 400, "chunk extension"},
        {"5\r\nhelloX\r\n", 400, "missing CRLF after chunk data"},
        {"5\r\nhello\n0\r\n\r\n", 400, "missing CRLF after chunk data"},
        {"5\r\nhello\rX", 400, "missing CRLF after chunk data"},
        {"10000000000000000\r\n", 400, "overflows 64 bits"},
        {"0\r\n : folded\r\n\r\n", 400, "start of a trailer field"},
        {"0\r\nBad Name: x\r\n\r\n", 400, "trailer field name"},
        {"0\r\nX: \x7f\r\n\r\n", 400, "trailer field value"},
        {"0\r\nX: y\rz\r\n\r\n", 400, "CR not followed by LF"},
        {"0\r\n\rX", 400, "CR not followed by LF at the end"},
    };
    for (const auto& bad : cases) {
        ChunkedDecoder decoder;
        std::string_view input = bad.bytes;
        const auto [status, message] = parse_error_of([&] {
            while (!input.empty()) input.remove_prefix(decoder.feed(input).consumed);
        });
        EXPECT_EQ(status, bad.status) << bad.bytes;
        EXPECT_THAT(message, HasSubstr(bad.message)) << bad.bytes;
        EXPECT_THROW(decoder.feed("0\r\n\r\n"), ParseError);
    }
}

TEST(ChunkedDecoder, EnforcesBodyLineAndTrailerLimits) {
    Limits limits;
    limits.max_body = 10;
    limits.max_chunk_line = 16;
    limits.max_headers = 2;
    limits.max_head_bytes = 40;
    EXPECT_EQ(decode({"5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n"}, limits).body, "helloworld");
    ChunkedDecoder decoder(limits);
    // The size line alone is refused: the data never has to arrive.
    std::string_view over = "5\r\nhello\r\n6\r\n";
    EXPECT_EQ(parse_error_of([&] {
                  while (!over.empty()) over.remove_prefix(decoder.feed(over).consumed);
              }).first,
              413);
    ChunkedDecoder long_line(limits);
    EXPECT_EQ(parse_error_of([&] { long_line.feed("1;" + std::string(20, 'e')); }).first, 400);
    ChunkedDecoder fields(limits);
    EXPECT_EQ(parse_error_of([&] { fields.feed("0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"); }).first, 431);
    ChunkedDecoder bytes(limits);
    EXPECT_EQ(parse_error_of([&] { bytes.feed("0\r\nA: " + std::string(50, 'v')); }).first, 431);
}

// ---------------------------------------------------------------- writers

TEST(Writers, RequestHeadRoundTrips) {
    const RequestHead sent{"PATCH", "/items/7?fields=a,b", 0, {{"Host", "h"}, {"X-Empty", ""}, {"x-latin", "\xe9t\xe9"}}};
    std::string bytes = "prefix";
    write_request_head(sent, bytes);
    EXPECT_EQ(bytes, "prefixPATCH /items/7?fields=a,b HTTP/1.0\r\nHost: h\r\nX-Empty: \r\nx-latin: \xe9t\xe9\r\n\r\n");
    RequestHead received;
    ASSERT_EQ(parse_request_head(std::string_view(bytes).substr(6), received), bytes.size() - 6);
    EXPECT_EQ(received, sent);
}

TEST(Writers, ResponseHeadRoundTripsAndFillsTheReason) {
    ResponseHead sent{429, "", 1, {{"Retry-After", "2"}}};
    std::string bytes;
    write_response_head(sent, bytes);
    EXPECT_EQ(bytes, "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 2\r\n\r\n");
    ResponseHead received;
    ASSERT_EQ(parse_response_head(bytes, received), bytes.size());
    sent.reason = "Too Many Requests";
    EXPECT_EQ(received, sent);
}

TEST(Writers, ChunksRoundTripThroughTheDecoder) {
    std::string bytes;
    std::string body;
    for (std::size_t size : {1u, 9u, 15u, 16u, 255u, 4096u, 70000u}) {
        const std::string data(size, static_cast<char>('a' + size % 26));
        write_chunk(data, bytes);
        body += data;
    }
    write_chunk("", bytes);  // writes nothing: it would end the body
    write_last_chunk(bytes);
    EXPECT_NE(bytes.find("\r\n11170\r\n"), std::string::npos);  // 70000 in hex, lower case
    const auto decoded = decode({bytes});
    EXPECT_TRUE(decoded.done);
    EXPECT_EQ(decoded.consumed, bytes.size());
    EXPECT_EQ(decoded.body, body);
}

TEST(Writers, RefuseAnythingThatWouldInjectOrNotParseBack) {
    const auto refused = [](const RequestHead& head) {
        std::string out;
        try {
            write_request_head(head, out);
        } catch (const ParseError&) {
            return std::string("a ParseError, not a write error");
        } catch (const Error& error) {
            return std::string(error.what());
        }
        return std::string("accepted");
    };
    EXPECT_THAT(refused({"GET", "/", 1, {{"X", "a\r\nInjected: yes"}}}), HasSubstr("header injection"));
    EXPECT_THAT(refused({"GET", "/", 1, {{"X", "a\nb"}}}), HasSubstr("header injection"));
    EXPECT_THAT(refused({"GET", "/", 1, {{"X", "a\x01"}}}), HasSubstr("control character 0x01"));
    EXPECT_THAT(refused({"GET", "/", 1, {{"X\r\nY", "1"}}}), HasSubstr("not a token"));
    EXPECT_THAT(refused({"GET", "/", 1, {{"X:", "1"}}}), HasSubstr("not a token"));
    EXPECT_THAT(refused({"GET", "/", 1, {{"", "1"}}}), HasSubstr("not a token"));
    EXPECT_THAT(refused({"GET /x", "/", 1, {}}), HasSubstr("method"));
    EXPECT_THAT(refused({"GET", "/a b", 1, {}}), HasSubstr("invalid character in request target"));
    EXPECT_THAT(refused({"GET", "/\r\nX: y", 1, {}}), HasSubstr("invalid character in request target"));
    EXPECT_THAT(refused({"GET", "", 1, {}}), HasSubstr("empty request target"));
    EXPECT_THAT(refused({"GET", "/", 2, {}}), HasSubstr("HTTP/1.2"));
    std::string out;
    EXPECT_THROW(write_response_head({200, "OK\r\nSet-Cookie: x", 1, {}}, out), Error);
    EXPECT_THROW(write_response_head({42, "", 1, {}}, out), Error);
    EXPECT_THROW(write_response_head({1000, "", 1, {}}, out), Error);
    EXPECT_EQ(out, "");
}

}  // namespace
}  // namespace agentio::http
