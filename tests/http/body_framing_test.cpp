// Tests of body framing (include/agentio/http/body_framing.hpp): which body
// a request or response head declares, and every ambiguity a request's
// framing refuses.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "agentio/http/body_framing.hpp"
#include "http/parse_error_of.hpp"

namespace agentio::http {
namespace {

using ::testing::HasSubstr;
using testkit::parse_error_of;
using Kind = BodyFraming::Kind;

RequestHead request_with(Headers headers, int version_minor = 1) {
    return RequestHead{"POST", "/", version_minor, std::move(headers)};
}

TEST(RequestFraming, FollowsRfc9112Section6_3) {
    EXPECT_EQ(request_framing(request_with({})).kind, Kind::None);
    const auto length = request_framing(request_with({{"content-length", "42"}}));
    EXPECT_EQ(length.kind, Kind::ContentLength);
    EXPECT_EQ(length.length, 42u);
    EXPECT_EQ(request_framing(request_with({{"Content-Length", "0"}})).length, 0u);
    EXPECT_EQ(request_framing(request_with({{"Content-Length", "003"}})).length, 3u);
    EXPECT_EQ(request_framing(request_with({{"Transfer-Encoding", "Chunked"}})).kind, Kind::Chunked);
    EXPECT_EQ(request_framing(request_with({{"Transfer-Encoding", " , chunked ,"}})).kind, Kind::Chunked);
    Limits limits;
    limits.max_body = 100;
    EXPECT_EQ(request_framing(request_with({{"Content-Length", "100"}}), limits).length, 100u);
}

TEST(RequestFraming, RefusesEveryAmbiguityWithTheRightStatus) {
    const struct {
        Headers headers;
        int version_minor;
        int status;
        std::string_view message;
    } cases[] = {
        {{{"Content-Length", "3"}, {"Transfer-Encoding", "chunked"}}, 1, 400, "both Transfer-Encoding and Content-Length"},
        {{{"Transfer-Encoding", "chunked"}, {"content-length", "3"}}, 1, 400, "request smuggling"},
        {{{"Content-Length", "1"}, {"Transfer-Encoding", "identity"}}, 1, 400, "both Transfer-Encoding and Content-Length"},
        {{{"Content-Length", "10"}, {"Transfer-Encoding", ""}}, 1, 400, "both Transfer-Encoding and Content-Length"},
        {{{"Content-Length", "3"}, {"Content-Length", "4"}}, 1, 400, "conflicting Content-Length values 3 and 4"},
        {{{"Content-Length", "7"}, {"Content-Length", "7"}}, 1, 400, "Content-Length sent more than once"},
        {{{"Transfer-Encoding", "chunked"}}, 0, 400, "Transfer-Encoding in an HTTP/1.0 request"},
        {{{"Transfer-Encoding", "gzip"}}, 1, 400, "does not end in chunked"},
        {{{"Transfer-Encoding", "pigeons"}}, 1, 400, "\"pigeons\" does not end in chunked"},
        {{{"Transfer-Encoding", "chunkedchunked"}}, 1, 400, "does not end in chunked"},
        {{{"Transfer-Encoding", "identity"}}, 1, 400, "does not end in chunked"},
        {{{"Transfer-Encoding", "chunked, deflate"}}, 1, 400, "does not end in chunked"},
        {{{"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "gzip"}}, 1, 400, "does not end in chunked"},
        {{{"Transfer-Encoding", ""}}, 1, 400, "does not end in chunked"},
        {{{"Transfer-Encoding", "chunked, chunked"}}, 1, 400, "more than once"},
        {{{"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}}, 1, 400, "more than once"},
        {{{"Transfer-Encoding", "chunked;x=1"}}, 1, 400, "chunked takes no parameters"},
        {{{"Transfer-Encoding", "\"chunked\""}}, 1, 400, "malformed Transfer-Encoding element"},
        {{{"Transfer-Encoding", "gzip chunked"}}, 1, 400, "malformed Transfer-Encoding element"},
        {{{"Transfer-Encoding", "br, chunked"}}, 1, 501, "transfer coding \"br\" is not implemented"},
        {{{"Transfer-Encoding", "gzip, chunked"}}, 1, 501, "\"gzip\" is not implemented"},
        {{{"Transfer-Encoding", "deflate"}, {"Transfer-Encoding", "chunked"}}, 1, 501, "\"deflate\" is not implemented"},
        {{{"Content-Length", "-1"}}, 1, 400, "invalid Content-Length"},
        {{{"Content-Length", "+1"}}, 1, 400, "invalid Content-Length"},
        {{{"Content-Length", "1 2"}}, 1, 400, "invalid Content-Length"},
        {{{"Content-Length", "13 37"}}, 1, 400, "invalid Content-Length"},
        {{{"Content-Length", "1,1"}}, 1, 400, "invalid Content-Length"},
        {{{"Content-Length", "5, 5"}}, 1, 400, "invalid Content-Length"},
        {{{"Content-Length", "0x10"}}, 1, 400, "invalid Content-Length"},
        {{{"Content-Length", ""}}, 1, 400, "invalid Content-Length"},
        {{{"Content-Length", "18446744073709551616"}}, 1, 400, "does not fit in 64 bits"},
        {{{"Content-Length", "1000000000000000000000"}}, 1, 400, "does not fit in 64 bits"},
        {{{"Content-Length", "18446744073709551615"}}, 1, 413, "over the body limit"},
    };
    for (const auto& c : cases) {
        const auto [status, message] = parse_error_of([&] { request_framing(request_with(c.headers, c.version_minor)); });
        EXPECT_EQ(status, c.status) << c.message;
        EXPECT_THAT(message, HasSubstr(c.message));
    }
}

TEST(ResponseFraming, KnowsBodilessResponsesAndPrefersChunkedOverLength) {
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
    EXPECT_EQ(response_framing("GET", response(200, {{"Transfer-Encoding", "gzip, chunked"}})).kind, Kind::Chunked);
    EXPECT_EQ(response_framing("GET", response(200, {{"Content-Length", "5"}, {"Transfer-Encoding", "chunked"}})).kind,
              Kind::Chunked);
    EXPECT_EQ(response_framing("GET", response(200, {{"Content-Length", "5"}, {"content-length", "5"}})).length, 5u)
        << "identical repeats are one length in a response (RFC 9110 8.6)";
}

TEST(ResponseFraming, RefusesConflictingOrMalformedLengths) {
    const auto response = [](Headers headers) { return ResponseHead{200, "", 1, std::move(headers)}; };
    Limits limits;
    limits.max_body = 4;
    EXPECT_EQ(parse_error_of([&] { response_framing("GET", response({{"Content-Length", "5"}}), limits); }).first, 413);
    EXPECT_EQ(parse_error_of([&] { response_framing("GET", response({{"Content-Length", "x"}})); }).first, 400);
    EXPECT_EQ(parse_error_of([&] { response_framing("GET", response({{"Content-Length", "1"}, {"Content-Length", "2"}})); }).first,
              400);
    EXPECT_EQ(parse_error_of([&] { response_framing("GET", response({{"Transfer-Encoding", "chunked, chunked"}})); }).first,
              400);
}

}  // namespace
}  // namespace agentio::http
