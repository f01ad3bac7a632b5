// Tests of ChunkedDecoder (include/agentio/http/chunked_decoder.hpp): the
// chunked grammar of RFC 9112 7.1 in any split, what it refuses and where,
// what Limits::lenient relaxes, and the limits.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agentio/http/chunked_decoder.hpp"
#include "http/parse_error_of.hpp"

namespace agentio::http {
namespace {

using ::testing::HasSubstr;
using testkit::lenient;
using testkit::parse_error_of;

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

// The ParseError that decoding `bytes` in one piece throws.
std::pair<int, std::string> decode_error(std::string_view bytes, const Limits& limits = {}) {
    ChunkedDecoder decoder(limits);
    return parse_error_of([&] {
        while (!bytes.empty() && !decoder.done()) bytes.remove_prefix(decoder.feed(bytes).consumed);
    });
}

constexpr std::string_view kChunked =
    "5;name=value;quoted=\"a b\"\r\nhello\r\n"
    "1 ; x = \"y\\\"z\" \t; w\r\n,\r\n"
    "00B\r\n 0123456789\r\n"
    "0\r\n"
    "Expires: never\r\nX-Check:  1 \r\n"
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

TEST(ChunkedDecoder, AcceptsEveryChunkExtensionTheGrammarAllows) {
    for (std::string_view line : {"5;ilovew3;somuchlove=aretheseparametersfor;another=withvalue",
                                  R"(5;ilovew3="I \"love\"; \\extensions\\";somuchlove="aretheseparametersfor";blah;foo=bar)",
                                  "5 ;a", "5\t;\ta\t=\tb", "5;a=\"\"", "5;a=\"caf\xc3\xa9\"", "5;!#$%&'*+-.^_`|~=~",
                                  "00005;a=b;c"}) {
        const std::string bytes = std::string(line) + "\r\nhello\r\n0;last=\"1\"\r\n\r\n";
        const auto decoded = decode({bytes});
        EXPECT_TRUE(decoded.done) << line;
        EXPECT_EQ(decoded.body, "hello") << line;
    }
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

struct BadChunked {
    std::string_view bytes;
    std::string_view message;
};

TEST(ChunkedDecoder, RejectsBrokenFramingNamingTheByteAndStaysFailed) {
    const BadChunked cases[] = {
        {"\r\n", "invalid character 0x0d where a hex chunk size was expected at byte 0"},
        {"x\r\n", "where a hex chunk size was expected"},
        {"-1\r\n", "where a hex chunk size was expected"},
        {"0x5\r\nhello\r\n", "invalid character 0x78 in chunk size"},
        {"5\nhello\r\n", "invalid character 0x0a in chunk size (only hex digits, then \";\" extensions or CRLF) at byte 1"},
        {"5\rhello\r\n", "bare CR (not followed by LF) in a chunk-size line at byte 1"},
        {"5\r\r;ABCD\r\n", "bare CR (not followed by LF) in a chunk-size line at byte 1"},
        {"2 erfrferferf\r\naa\r\n0 rrrr\r\n\r\n", "invalid character 0x65 after whitespace in a chunk-size line"},
        {"a \r\n0123456789\r\n0\r\n\r\n", "whitespace at the end of a chunk-size line at byte 2"},
        {"3 \n  \r\nfoo\r\n", "invalid character 0x0a after whitespace"},
        {"5x\r\n", "invalid character 0x78 in chunk size"},
        {"2;\r\naa\r\n0\r\n\r\n", "chunk extension without a name at byte 2"},
        {"2;;a\r\n", "chunk extension without a name"},
        {"2;=b\r\n", "chunk extension without a name"},
        {"5;a@b\r\n", "invalid character 0x40 in a chunk extension name at byte 3"},
        {"5;a \r\n", "whitespace at the end of a chunk-size line"},
        {"5;a b\r\n", "after a chunk extension name"},
        {"5;a=\r\n", "chunk extension \"=\" without a value"},
        {"5;a=b c\r\n", "after whitespace in a chunk-size line"},
        {"5;a=b/c\r\n", "invalid character 0x2f in a chunk extension value"},
        {"5;a=\"x\"y\r\n", "invalid character 0x79 after a quoted chunk extension value"},
        {"5;ilovew3=\"abc\";somuchlove=\"def; ghi\r\nhello\r\n", "unbalanced quote in a chunk extension"},
        {"5;a=\"b\\\r\n", "unbalanced quote"},
        {"5;a=\"\x01\"\r\n", "invalid character 0x01 in a quoted chunk extension value"},
        {"5;a=\"\x7f\"\r\n", "invalid character 0x7f"},
        {"5;a\x01\r\n", "chunk extension name"},
        {"5\r\nhelloX\r\n", "missing CRLF after chunk data (found 0x58) at byte 8"},
        {"5\r\nABCDE0\r\n", "missing CRLF after chunk data (found 0x30)"},
        {"5\r\nhello\n0\r\n\r\n", "missing CRLF after chunk data (found 0x0a)"},
        {"5\r\nhello\rX", "missing CRLF after chunk data (CR followed by 0x58) at byte 9"},
        {"3\r\nfoo\r\n\r\n", "where a hex chunk size was expected at byte 8"},
        {"10000000000000000\r\n", "chunk size overflows 64 bits at byte 16"},
        {"0\r\n : folded\r\n\r\n", "trailer line starting with whitespace"},
        {"0\r\nBad Name: x\r\n\r\n", "whitespace between a trailer field name and its colon"},
        {"0\r\nBad@Name: x\r\n\r\n", "invalid character 0x40 in a trailer field name"},
        {"0\r\n:x\r\n\r\n", "at the start of a trailer field"},
        {"0\r\nX: \x7f\r\n\r\n", "invalid character 0x7f in a trailer field value"},
        {"0\r\nX: y\rz\r\n\r\n", "bare CR (not followed by LF) in the trailer section at byte 7"},
        {"0\r\nX: y\n\r\n", "bare LF (not preceded by CR) in the trailer section at byte 7"},
        {"0\r\n\n", "bare LF (not preceded by CR) ending the trailer section at byte 3"},
        {"0\r\n\rX", "bare CR (not followed by LF) at the end of the trailer section at byte 3"},
    };
    for (const auto& bad : cases) {
        ChunkedDecoder decoder;
        std::string_view input = bad.bytes;
        const auto [status, message] = parse_error_of([&] {
            while (!input.empty()) input.remove_prefix(decoder.feed(input).consumed);
        });
        EXPECT_EQ(status, 400) << bad.bytes;
        EXPECT_THAT(message, HasSubstr(bad.message)) << bad.bytes;
        EXPECT_THAT(message, ::testing::StartsWith("HTTP parse error: chunked body: ")) << bad.bytes;
        EXPECT_THROW(decoder.feed("0\r\n\r\n"), ParseError);
    }
}

TEST(ChunkedDecoder, CountsErrorBytesAcrossFeeds) {
    ChunkedDecoder decoder;
    EXPECT_EQ(decoder.feed("5\r\nhel").data, "hel");
    const auto [status, message] = parse_error_of([&] {
        std::string_view rest = "lo\r\nX";
        while (!rest.empty()) rest.remove_prefix(decoder.feed(rest).consumed);
    });
    EXPECT_EQ(status, 400);
    EXPECT_THAT(message, HasSubstr("at byte 10 of the body"));
}

TEST(ChunkedDecoder, LenientAcceptsBareLfLineEndsAndSpaceAfterTheSize) {
    const std::string_view bytes = "5  \nhello\r\n3;x=y \n, w\r\n0\nTrailer: 1\n\n";
    const auto decoded = decode({bytes}, lenient());
    EXPECT_TRUE(decoded.done);
    EXPECT_EQ(decoded.body, "hello, w");
    EXPECT_EQ(decoded.consumed, bytes.size());
    EXPECT_EQ(decode({"a \r\n0123456789\r\n0\r\n\r\n"}, lenient()).body, "0123456789");
}

TEST(ChunkedDecoder, LenientStillRefusesWhatMakesFramingAmbiguous) {
    for (std::string_view bytes : {"5\nhello\n0\n\n", "5\r\nhelloX", "5\rhello", "5;a=\"b\nhello", "0\r\nX: y\rz\n\n",
                                   "2 x\n"}) {
        EXPECT_EQ(decode_error(bytes, lenient()).first, 400) << bytes;
    }
}

TEST(ChunkedDecoder, EnforcesBodyLineAndTrailerLimits) {
    Limits limits;
    limits.max_body = 10;
    limits.max_chunk_line = 16;
    limits.max_headers = 2;
    limits.max_head_bytes = 40;
    EXPECT_EQ(decode({"5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n"}, limits).body, "helloworld");
    // The size line alone is refused: the data never has to arrive.
    const auto [status, message] = decode_error("5\r\nhello\r\n6\r\n", limits);
    EXPECT_EQ(status, 413);
    EXPECT_THAT(message, HasSubstr("more than the body limit of 10 bytes"));
    EXPECT_EQ(decode_error("1;" + std::string(20, 'e'), limits).first, 400);
    EXPECT_EQ(decode_error("0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits).first, 431);
    EXPECT_EQ(decode_error("0\r\nA: " + std::string(50, 'v'), limits).first, 431);
}

}  // namespace
}  // namespace agentio::http
