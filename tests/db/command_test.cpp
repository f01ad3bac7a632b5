// command_test.cpp: commands on the wire, replies' typed views, and URLs.
#include <agentio/db/redis/command.hpp>
#include <agentio/db/redis/errors.hpp>
#include <agentio/db/redis/options.hpp>
#include <agentio/db/redis/reply.hpp>
#include <gtest/gtest.h>

#include <cmath>

using agentio::db::redis::Command;
using agentio::db::redis::Options;
using agentio::db::redis::Reply;
using agentio::db::redis::ReplyTypeError;

namespace {

TEST(RedisCommand, IsAnArrayOfBulkStrings) {
    Command set{"set", "key", "va\r\nlue"};
    set.arg("PX").arg(1500).arg(2.5);
    EXPECT_EQ(set.wire(), "*6\r\n$3\r\nset\r\n$3\r\nkey\r\n$7\r\nva\r\nlue\r\n$2\r\nPX\r\n$4\r\n1500\r\n$3\r\n2.5\r\n");
    EXPECT_EQ(set.name(), "SET");
    EXPECT_EQ(set.size(), 6u);
}

TEST(RedisCommand, WritesNumbersAsRedisReadsThem) {
    Command zadd("ZADD");
    zadd.arg(-7).arg(0.1).arg(1e300).arg(HUGE_VAL).arg(-HUGE_VAL);
    EXPECT_EQ(zadd.wire(), "*6\r\n$4\r\nZADD\r\n$2\r\n-7\r\n$3\r\n0.1\r\n$6\r\n1e+300\r\n$3\r\ninf\r\n$4\r\n-inf\r\n");
}

TEST(RedisCommand, KeepsItsBytesWhenAskedTwiceAndAfterMoreArguments) {
    Command get("GET");
    EXPECT_EQ(get.wire(), "*1\r\n$3\r\nGET\r\n");
    get.arg("k");
    EXPECT_EQ(get.wire(), "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
    EXPECT_EQ(get.wire(), "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
}

TEST(RedisReply, ConvertsAsRedisPySeesTheValue) {
    Reply digits;
    digits.kind = Reply::Kind::Bulk;
    digits.text = "42";
    EXPECT_EQ(digits.as_integer(), 42);
    Reply score;
    score.kind = Reply::Kind::Bulk;
    score.text = "-inf";
    EXPECT_TRUE(std::isinf(score.as_double()));
    Reply word;
    word.kind = Reply::Kind::Bulk;
    word.text = "abc";
    try {
        (void)word.as_integer();
        FAIL() << "a word is not an integer";
    } catch (const ReplyTypeError& e) {
        EXPECT_STREQ(e.what(), "redis reply: expected an integer, got \"abc\"");
    }
    EXPECT_THROW((void)Reply{}.as_string(), ReplyTypeError);
}

TEST(RedisOptions, ReadRedisPyStyleUrls) {
    const Options plain = Options::from_url("redis://localhost");
    EXPECT_EQ(plain.host, "localhost");
    EXPECT_EQ(plain.port, 6379);
    EXPECT_EQ(plain.database, 0);
    EXPECT_FALSE(plain.tls);

    const Options full = Options::from_url("rediss://alice:p%40ss@10.0.0.5:6380/3?protocol=2&client_name=worker");
    EXPECT_TRUE(full.tls);
    EXPECT_EQ(full.username, "alice");
    EXPECT_EQ(full.password, "p@ss");
    EXPECT_EQ(full.host, "10.0.0.5");
    EXPECT_EQ(full.port, 6380);
    EXPECT_EQ(full.database, 3);
    EXPECT_EQ(full.protocol, 2);
    EXPECT_EQ(full.client_name, "worker");

    const Options password_only = Options::from_url("redis://:secret@[::1]:7000");
    EXPECT_EQ(password_only.username, "");
    EXPECT_EQ(password_only.password, "secret");
    EXPECT_EQ(password_only.host, "::1");
    EXPECT_EQ(password_only.address(), "[::1]:7000");
}

std::string url_error_of(std::string_view url) {
    try {
        Options::from_url(url);
    } catch (const agentio::Error& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(RedisOptions, NameWhatIsWrongWithAUrlWithoutShowingThePassword) {
    EXPECT_EQ(url_error_of("http://localhost"), "redis URL `http://localhost`: the scheme must be redis:// or rediss://");
    EXPECT_EQ(url_error_of("redis://:hunter2@host:99999"),
              "redis URL `redis://***@host:99999`: the port `99999` is not a number from 1 to 65535");
    EXPECT_EQ(url_error_of("redis://host/x"), "redis URL `redis://host/x`: the database `x` is not a number from 0 to 1048576");
    EXPECT_EQ(url_error_of("redis:///0"), "redis URL `redis:///0`: no host");
    EXPECT_EQ(url_error_of("redis://h?tls=1"), "redis URL `redis://h?tls=1`: unknown parameter `tls` (known: protocol, db, client_name)");
}

}  // namespace
