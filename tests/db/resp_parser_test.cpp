// resp_parser_test.cpp: RESP2 and RESP3 replies read whole, split at every
// byte, and refused with a reason when they are not RESP or too big.
#include <agentio/db/redis/errors.hpp>
#include <agentio/db/redis/resp_parser.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

using agentio::db::redis::ProtocolError;
using agentio::db::redis::Reply;
using agentio::db::redis::RespLimits;
using agentio::db::redis::RespParser;

namespace {

std::vector<Reply> read_all(std::string_view bytes, RespLimits limits = {}) {
    RespParser parser(limits);
    parser.feed(bytes);
    std::vector<Reply> replies;
    while (std::optional<Reply> reply = parser.next()) replies.push_back(std::move(*reply));
    return replies;
}

std::string protocol_error_of(std::string_view bytes, RespLimits limits = {}) {
    try {
        read_all(bytes, limits);
    } catch (const ProtocolError& e) {
        return e.what();
    }
    return "(no error)";
}

// Every RESP type once, nested, as one stream of replies.
constexpr std::string_view kEveryKind =
    "+OK\r\n-ERR unknown command 'FOO'\r\n:-42\r\n$5\r\nhe\r\no\r\n$-1\r\n*-1\r\n_\r\n"
    "*3\r\n:1\r\n*2\r\n+a\r\n$0\r\n\r\n%1\r\n+k\r\n~2\r\n:1\r\n:2\r\n"
    ",3.25\r\n,-inf\r\n#t\r\n(3492890328409238509324850943850943825024385\r\n"
    "=15\r\ntxt:Some string\r\n!21\r\nSYNTAX invalid syntax\r\n>2\r\n+message\r\n+x\r\n"
    "|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*2\r\n:2039123\r\n:9543892\r\n:7\r\n*0\r\n";

void expect_every_kind(const std::vector<Reply>& r) {
    ASSERT_EQ(r.size(), 18u);
    EXPECT_EQ(r[0].kind, Reply::Kind::Status);
    EXPECT_EQ(r[0].text, "OK");
    EXPECT_EQ(r[1].kind, Reply::Kind::Error);
    EXPECT_EQ(r[1].text, "ERR unknown command 'FOO'");
    EXPECT_EQ(r[2].integer, -42);
    EXPECT_EQ(r[3].kind, Reply::Kind::Bulk);
    EXPECT_EQ(r[3].text, "he\r\no");  // binary-safe: CRLF inside a bulk string
    EXPECT_TRUE(r[4].is_null());      // RESP2 null bulk
    EXPECT_TRUE(r[5].is_null());      // RESP2 null array
    EXPECT_TRUE(r[6].is_null());      // RESP3 null
    ASSERT_EQ(r[7].kind, Reply::Kind::Array);
    ASSERT_EQ(r[7].elements.size(), 3u);
    EXPECT_EQ(r[7].elements[1].elements[1].text, "");
    ASSERT_EQ(r[7].elements[2].kind, Reply::Kind::Map);
    EXPECT_EQ(r[7].elements[2].elements[0].text, "k");
    EXPECT_EQ(r[7].elements[2].elements[1].kind, Reply::Kind::Set);
    EXPECT_EQ(r[8].number, 3.25);
    EXPECT_TRUE(std::isinf(r[9].number) && r[9].number < 0);
    EXPECT_TRUE(r[10].as_bool());
    EXPECT_EQ(r[11].text, "3492890328409238509324850943850943825024385");
    EXPECT_EQ(r[12].kind, Reply::Kind::Verbatim);
    EXPECT_EQ(r[12].text, "Some string");
    EXPECT_EQ(r[13].kind, Reply::Kind::Error);
    EXPECT_EQ(r[13].text, "SYNTAX invalid syntax");
    EXPECT_EQ(r[14].kind, Reply::Kind::Push);
    // The attribute (a map of its own) is dropped; the reply it annotated stands alone.
    ASSERT_EQ(r[15].kind, Reply::Kind::Array);
    ASSERT_EQ(r[15].elements.size(), 2u);
    EXPECT_EQ(r[15].elements[1].integer, 9543892);
    EXPECT_EQ(r[16].integer, 7);
    EXPECT_EQ(r[17].kind, Reply::Kind::Array);
    EXPECT_TRUE(r[17].elements.empty());
}

TEST(RespParser, ReadsEveryKindOfReplyOfBothProtocols) { expect_every_kind(read_all(kEveryKind)); }

TEST(RespParser, GivesTheSameRepliesWhenTheBytesAreSplitAtAnyPoint) {
    for (std::size_t cut = 1; cut < kEveryKind.size(); ++cut) {
        RespParser parser;
        std::vector<Reply> replies;
        parser.feed(kEveryKind.substr(0, cut));
        while (std::optional<Reply> reply = parser.next()) replies.push_back(std::move(*reply));
        parser.feed(kEveryKind.substr(cut));
        while (std::optional<Reply> reply = parser.next()) replies.push_back(std::move(*reply));
        SCOPED_TRACE("cut at byte " + std::to_string(cut));
        expect_every_kind(replies);
    }
}

TEST(RespParser, GivesTheSameRepliesWhenFedOneByteAtATime) {
    RespParser parser;
    std::vector<Reply> replies;
    for (char byte : kEveryKind) {
        parser.feed(std::string_view(&byte, 1));
        while (std::optional<Reply> reply = parser.next()) replies.push_back(std::move(*reply));
    }
    expect_every_kind(replies);
    EXPECT_EQ(parser.buffered(), 0u);
}

TEST(RespParser, WaitsForABulkStringsWholePayload) {
    RespParser parser;
    parser.feed("$10\r\n01234");
    EXPECT_FALSE(parser.next());
    parser.feed("56789\r");
    EXPECT_FALSE(parser.next());
    parser.feed("\n");
    std::optional<Reply> reply = parser.next();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->text, "0123456789");
}

TEST(RespParser, ReadsAValueOfManyMegabytesReadInSmallPieces) {
    const std::string value(8 * 1024 * 1024, 'v');
    const std::string wire = "$" + std::to_string(value.size()) + "\r\n" + value + "\r\n+after\r\n";
    RespParser parser;
    std::vector<Reply> replies;
    for (std::size_t at = 0; at < wire.size(); at += 4096) {
        parser.feed(std::string_view(wire).substr(at, 4096));
        while (std::optional<Reply> reply = parser.next()) replies.push_back(std::move(*reply));
    }
    ASSERT_EQ(replies.size(), 2u);
    EXPECT_EQ(replies[0].text.size(), value.size());
    EXPECT_EQ(replies[0].text, value);
    EXPECT_EQ(replies[1].text, "after");
}

TEST(RespParser, NamesWhatIsWrongWithBytesThatAreNotResp) {
    EXPECT_NE(protocol_error_of("?what\r\n").find("unknown type byte 0x3f"), std::string::npos);
    EXPECT_NE(protocol_error_of(":12x\r\n").find("`12x` is not an integer"), std::string::npos);
    EXPECT_NE(protocol_error_of("+OK\n").find("not ended by CRLF"), std::string::npos);
    EXPECT_NE(protocol_error_of("$3\r\nabcd\r\n").find("not followed by CRLF"), std::string::npos);
    EXPECT_NE(protocol_error_of("$-5\r\n").find("negative length"), std::string::npos);
    EXPECT_NE(protocol_error_of("#x\r\n").find("neither t nor f"), std::string::npos);
    EXPECT_NE(protocol_error_of(",fast\r\n").find("not a double"), std::string::npos);
    EXPECT_NE(protocol_error_of("=3\r\nabc\r\n").find("without its format"), std::string::npos);
}

TEST(RespParser, RefusesWhatExceedsItsLimitsBeforeTakingTheMemory) {
    RespLimits limits;
    limits.max_bulk = 1000;
    limits.max_elements = 100;
    limits.max_depth = 4;
    EXPECT_NE(protocol_error_of("$1001\r\n", limits).find("1001 bytes, over the limit of 1000"), std::string::npos);
    // A hostile count is refused from its header alone.
    EXPECT_NE(protocol_error_of("*2000000000\r\n").find("over the limit"), std::string::npos);
    EXPECT_NE(protocol_error_of("%51\r\n", limits).find("102 elements"), std::string::npos);
    EXPECT_NE(protocol_error_of("*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n", limits).find("deeper than 4"), std::string::npos);
    EXPECT_NE(protocol_error_of(std::string(70 * 1024, 'a')).find("line longer than"), std::string::npos);
}

TEST(RespParser, StaysSpentAfterAnError) {
    RespParser parser;
    parser.feed("?\r\n+OK\r\n");
    EXPECT_THROW(parser.next(), ProtocolError);
    EXPECT_THROW(parser.next(), ProtocolError);
}

TEST(RespParser, ReadsRepliesStraightIntoItsBuffer) {
    RespParser parser;
    const std::string_view wire = "*2\r\n$3\r\nfoo\r\n:9\r\n";
    std::span<char> room = parser.prepare(4);
    ASSERT_GE(room.size(), wire.size());
    std::copy(wire.begin(), wire.end(), room.begin());
    parser.commit(wire.size());
    std::optional<Reply> reply = parser.next();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->describe(), "(array of 2) 1) \"foo\" 2) (integer) 9");
}

}  // namespace
