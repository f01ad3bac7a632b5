// Tests of the writers (include/agentio/http/message_writer.hpp): what they
// write parses back, strictly, to the same head or body, and what could not
// (header injection, non-tokens, bad targets) is refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "agentio/http/chunked_decoder.hpp"
#include "agentio/http/head_parser.hpp"
#include "agentio/http/message_writer.hpp"

namespace agentio::http {
namespace {

using ::testing::HasSubstr;

TEST(MessageWriter, RequestHeadRoundTrips) {
    const RequestHead sent{"PATCH", "/items/7?fields=a,b", 0, {{"Host", "h"}, {"X-Empty", ""}, {"x-latin", "\xe9t\xe9"}}};
    std::string bytes = "prefix";
    write_request_head(sent, bytes);
    EXPECT_EQ(bytes, "prefixPATCH /items/7?fields=a,b HTTP/1.0\r\nHost: h\r\nX-Empty: \r\nx-latin: \xe9t\xe9\r\n\r\n");
    RequestHead received;
    ASSERT_EQ(parse_request_head(std::string_view(bytes).substr(6), received), bytes.size() - 6);
    EXPECT_EQ(received, sent);
}

TEST(MessageWriter, ResponseHeadRoundTripsAndFillsTheReason) {
    ResponseHead sent{429, "", 1, {{"Retry-After", "2"}}};
    std::string bytes;
    write_response_head(sent, bytes);
    EXPECT_EQ(bytes, "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 2\r\n\r\n");
    ResponseHead received;
    ASSERT_EQ(parse_response_head(bytes, received), bytes.size());
    sent.reason = "Too Many Requests";
    EXPECT_EQ(received, sent);
}

TEST(MessageWriter, ChunksRoundTripThroughTheDecoder) {
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
    ChunkedDecoder decoder;
    std::string decoded;
    std::string_view input = bytes;
    while (!input.empty() && !decoder.done()) {
        const auto step = decoder.feed(input);
        decoded.append(step.data);
        input.remove_prefix(step.consumed);
    }
    EXPECT_TRUE(decoder.done());
    EXPECT_TRUE(input.empty());
    EXPECT_EQ(decoded, body);
}

TEST(MessageWriter, RefuseAnythingThatWouldInjectOrNotParseBack) {
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
