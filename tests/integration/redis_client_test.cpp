// redis_client_test.cpp: db::redis against a real redis-server (7.0) on
// loopback: every helper over RESP3 and RESP2, auto-pipelining, a cancelled
// or timed-out command that leaves the others' replies in order, error
// replies, pipelines and transactions, scripts, SCAN, a 100 MB value, AUTH,
// database selection, and a server killed and restarted under the client.
#include <agentio/agentio.hpp>
#include <agentio/db.hpp>
#include <agentio/net/errors.hpp>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <set>
#include <string>
#include <vector>

#include "integration/redis_server.hpp"
#include "net/tls_support.hpp"

using namespace agentio;
using namespace agentio::db;
using namespace std::chrono_literals;
using agentio::itest::RedisServer;

namespace {

class RedisClientTest : public ::testing::TestWithParam<int> {
protected:
    void SetUp() override {
        if (!RedisServer::available()) GTEST_SKIP() << "needs " << itest::redis_server_binary;
    }
    // A client of the shared server speaking the protocol under test, in a
    // database of this test's own (flushed first).
    redis::Options options(int database = 1) const {
        redis::Options o = redis::Options::from_url(itest::shared_redis_server().url());
        o.protocol = GetParam();
        o.database = database;
        return o;
    }
};

INSTANTIATE_TEST_SUITE_P(Protocols, RedisClientTest, ::testing::Values(3, 2),
                         [](const auto& info) { return "Resp" + std::to_string(info.param); });

std::vector<std::pair<std::string, std::string>> pairs_of(std::string a, std::string b, std::string c, std::string d) {
    return {{a, b}, {c, d}};
}

std::vector<std::pair<double, std::string>> scored_of(double a, std::string b, double c, std::string d) {
    return {{a, b}, {c, d}};
}

// Values as one line, so that tests compare them with a literal (g++ 12
// cannot build braced lists of strings inside a coroutine).
std::string joined(const std::vector<std::string>& values) {
    std::string out;
    for (const std::string& value : values) out += (out.empty() ? "" : ",") + value;
    return out;
}
std::string joined(const std::vector<std::optional<std::string>>& values) {
    std::string out;
    for (std::size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + values[i].value_or("(nil)");
    return out;
}
template <class Pairs>
std::string joined(const Pairs& pairs) {
    std::string out;
    for (const auto& [key, value] : pairs) out += (out.empty() ? "" : ",") + key + "=" + fmt::format("{}", value);
    return out;
}

template <class T>
T run_with(Task<T> task) {
    return agentio::run(std::move(task));
}

TEST_P(RedisClientTest, EveryHelperRoundTripsItsValues) {
    redis::Client redis(options());
    run_with([](redis::Client redis, int protocol) -> Task<> {
        co_await redis.command(redis::Command("FLUSHDB"));
        EXPECT_TRUE(co_await redis.set("s", std::string("bin\0ary\r\n", 10)));
        EXPECT_EQ(co_await redis.get("s"), std::string("bin\0ary\r\n", 10));
        EXPECT_EQ(co_await redis.get("missing"), std::nullopt);
        EXPECT_FALSE(co_await redis.set("s", "other", {.only_if_absent = true}));
        EXPECT_TRUE(co_await redis.set("t", "v", {.expire = 60s}));
        const std::optional<Duration> ttl = co_await redis.ttl("t");
        EXPECT_TRUE(ttl && *ttl > 50s);
        EXPECT_EQ(co_await redis.ttl("s"), std::nullopt);
        EXPECT_TRUE(co_await redis.expire("s", 30s));
        co_await redis.command("MSET", "a", "1", "b", "2");
        const std::vector<std::optional<std::string>> got = co_await redis.mget("a", "nope", "b");
        EXPECT_EQ(joined(got), "1,(nil),2");
        EXPECT_EQ(co_await redis.incr("n"), 1);
        EXPECT_EQ(co_await redis.incr("n", 41), 42);
        EXPECT_EQ(co_await redis.exists("a", "b", "nope"), 2);
        EXPECT_EQ(co_await redis.del("a", "b"), 2);

        EXPECT_EQ(co_await redis.hset("h", "name", "Ada"), 1);
        EXPECT_EQ(co_await redis.hset("h", pairs_of("lang", "C++", "name", "Ada")), 1);
        EXPECT_EQ(co_await redis.hget("h", "name"), "Ada");
        EXPECT_EQ(co_await redis.hget("h", "nope"), std::nullopt);
        EXPECT_EQ(co_await redis.hincrby("h", "visits", 3), 3);
        const std::map<std::string, std::string> all = co_await redis.hgetall("h");
        EXPECT_EQ(joined(all), "lang=C++,name=Ada,visits=3");
        EXPECT_EQ(co_await redis.hdel("h", "lang"), 1);

        EXPECT_EQ(co_await redis.rpush("l", "b", "c"), 2);
        EXPECT_EQ(co_await redis.lpush("l", "a"), 3);
        EXPECT_EQ(joined(co_await redis.lrange("l", 0, -1)), "a,b,c");
        EXPECT_EQ(co_await redis.lpop("l"), "a");
        EXPECT_EQ(co_await redis.rpop("l"), "c");
        EXPECT_EQ(co_await redis.llen("l"), 1);
        EXPECT_EQ(co_await redis.lpop("empty"), std::nullopt);

        EXPECT_EQ(co_await redis.sadd("set", "x", "y", "x"), 2);
        EXPECT_TRUE(co_await redis.sismember("set", "x"));
        EXPECT_FALSE(co_await redis.sismember("set", "z"));
        std::vector<std::string> members = co_await redis.smembers("set");
        std::sort(members.begin(), members.end());
        EXPECT_EQ(joined(members), "x,y");
        EXPECT_EQ(co_await redis.srem("set", "x"), 1);

        EXPECT_EQ(co_await redis.zadd("z", 2.5, "b"), 1);
        EXPECT_EQ(co_await redis.zadd("z", scored_of(1, "a", HUGE_VAL, "top")), 2);
        EXPECT_EQ(co_await redis.zscore("z", "b"), 2.5);
        EXPECT_EQ(co_await redis.zscore("z", "nope"), std::nullopt);
        EXPECT_EQ(co_await redis.zincrby("z", 0.25, "a"), 1.25);
        EXPECT_EQ(joined(co_await redis.zrange("z", 0, -1)), "a,b,top");
        const std::vector<std::pair<std::string, double>> scored = co_await redis.zrange_with_scores("z", 0, 1);
        EXPECT_EQ(joined(scored), "a=1.25,b=2.5");
        EXPECT_EQ(co_await redis.zrem("z", "top"), 1);
        EXPECT_EQ(co_await redis.publish("nobody-listens", "hi"), 0);

        // HGETALL is a map in RESP3 and a flat array in RESP2: the raw reply says which.
        const redis::Reply raw = co_await redis.command("HGETALL", "h");
        EXPECT_EQ(raw.kind, protocol == 3 ? redis::Reply::Kind::Map : redis::Reply::Kind::Array);
    }(redis, GetParam()));
}

TEST_P(RedisClientTest, ConcurrentCommandsGoOutInAFewWritesAndGetTheirOwnReplies) {
    redis::Client redis(options());
    run_with([](redis::Client redis) -> Task<> {
        co_await redis.command("FLUSHDB");
        std::vector<Task<bool>> sets;
        for (int i = 0; i < 1000; ++i) sets.push_back(redis.set("k" + std::to_string(i), "v" + std::to_string(i)));
        co_await gather(std::move(sets));
        const redis::Connection::Stats before = redis.stats();
        std::vector<Task<std::optional<std::string>>> gets;
        for (int i = 0; i < 1000; ++i) gets.push_back(redis.get("k" + std::to_string(i)));
        const std::vector<std::optional<std::string>> values = co_await gather(std::move(gets));
        for (int i = 0; i < 1000; ++i) EXPECT_EQ(values[static_cast<std::size_t>(i)], "v" + std::to_string(i));
        const redis::Connection::Stats after = redis.stats();
        EXPECT_EQ(after.commands - before.commands, 1000u);
        EXPECT_EQ(after.replies - before.replies, 1000u);
        // Issued in one loop iteration: one write carries them all.
        EXPECT_LE(after.writes - before.writes, 2u);
    }(redis));
}

TEST_P(RedisClientTest, ACommandThatTimesOutLeavesTheOthersRepliesInOrder) {
    redis::Options o = options();
    redis::Client redis(o);
    run_with([](redis::Client redis) -> Task<> {
        co_await redis.command("FLUSHDB");
        co_await redis.set("after", "mine");
        // The slow command is sent, then abandoned; its reply comes later and
        // must not be taken for the GET's.
        Task<redis::Reply> slow = redis.command("DEBUG", "SLEEP", "0.3");
        Task<redis::Reply> bounded = wait_for(std::move(slow), 50ms);
        bool timed_out = false;
        try {
            co_await std::move(bounded);
        } catch (const TimeoutError&) {
            timed_out = true;
        }
        EXPECT_TRUE(timed_out);
        std::optional<std::string> value = co_await redis.get("after");
        EXPECT_EQ(value, "mine");
        EXPECT_EQ(co_await redis.incr("counter"), 1);
    }(redis));
    // The client's own command_timeout names the command.
    o.command_timeout = 50ms;
    redis::Client impatient(o);
    run_with([](redis::Client redis) -> Task<> {
        std::string message;
        try {
            co_await redis.command("DEBUG", "SLEEP", "0.2");
        } catch (const TimeoutError& e) {
            message = e.what();
        }
        EXPECT_NE(message.find("redis DEBUG on 127.0.0.1:"), std::string::npos) << message;
        EXPECT_NE(message.find("no reply within the command timeout of 0.050 s"), std::string::npos) << message;
        co_await sleep(300ms);  // DEBUG SLEEP holds the whole server; let it finish
        EXPECT_EQ(co_await redis.get("after"), "mine");
    }(impatient));
}

TEST_P(RedisClientTest, CancelledCommandsAmongManyNeverShiftTheReplies) {
    redis::Client redis(options());
    run_with([](redis::Client redis) -> Task<> {
        co_await redis.command("FLUSHDB");
        std::vector<TaskHandle<std::optional<std::string>>> handles;
        for (int i = 0; i < 200; ++i) {
            co_await redis.set("c" + std::to_string(i), std::to_string(i));
        }
        for (int i = 0; i < 200; ++i) handles.push_back(create_task(redis.get("c" + std::to_string(i))));
        co_await sleep(0ms);  // every GET is queued (and written)
        for (int i = 0; i < 200; i += 3) handles[static_cast<std::size_t>(i)].cancel();
        for (int i = 0; i < 200; ++i) {
            if (i % 3 == 0) continue;
            const std::optional<std::string> value = co_await handles[static_cast<std::size_t>(i)];
            EXPECT_EQ(value, std::to_string(i));
        }
        EXPECT_EQ(co_await redis.get("c7"), "7");
    }(redis));
}

TEST_P(RedisClientTest, AnErrorReplyFailsOnlyItsOwnCommand) {
    redis::Client redis(options());
    run_with([](redis::Client redis) -> Task<> {
        co_await redis.command("FLUSHDB");
        co_await redis.set("str", "x");
        // Sent together: the error goes to its own command only.
        std::vector<Task<redis::Reply>> both;
        both.push_back(redis.command("LPUSH", "str", "a"));
        both.push_back(redis.command("GET", "str"));
        std::vector<Outcome<redis::Reply>> outcomes = co_await gather(return_exceptions, std::move(both));
        std::string code, command, message;
        try {
            if (!outcomes[0]) std::rethrow_exception(outcomes[0].error());
        } catch (const redis::ServerError& e) {
            code = e.code();
            command = e.command();
            message = e.what();
        }
        EXPECT_EQ(code, "WRONGTYPE");
        EXPECT_EQ(command, "LPUSH");
        EXPECT_NE(message.find("redis LPUSH: WRONGTYPE Operation against a key"), std::string::npos) << message;
        EXPECT_TRUE(outcomes[1] && outcomes[1].value().text == "x");
        const std::vector<redis::Reply> replies =
            co_await redis.pipeline(redis::Command("SET", "p", "1"), redis::Command("INCR", "str"), redis::Command("GET", "p"));
        EXPECT_EQ(replies.size(), 3u);
        if (replies.size() != 3) co_return;
        EXPECT_EQ(replies[0].text, "OK");
        EXPECT_TRUE(replies[1].is_error());
        EXPECT_EQ(replies[2].text, "1");
    }(redis));
}

TEST_P(RedisClientTest, ATransactionRunsAtomicallyAndNamesTheCommandTheServerRefused) {
    redis::Client redis(options());
    run_with([](redis::Client redis) -> Task<> {
        co_await redis.command("FLUSHDB");
        const std::vector<redis::Reply> replies = co_await redis.transaction(redis::Command("INCR", "tx"), redis::Command("INCR", "tx"), redis::Command("GET", "tx"));
        EXPECT_EQ(replies.size(), 3u);
        if (replies.size() != 3) co_return;
        EXPECT_EQ(replies[1].integer, 2);
        EXPECT_EQ(replies[2].text, "2");
        std::string message;
        try {
            co_await redis.transaction(redis::Command("INCR", "tx"), redis::Command("NOSUCHCOMMAND"));
        } catch (const redis::ServerError& e) {
            message = e.what();
        }
        EXPECT_NE(message.find("redis EXEC: EXECABORT"), std::string::npos) << message;
        EXPECT_NE(message.find("NOSUCHCOMMAND: ERR unknown command"), std::string::npos) << message;
        EXPECT_EQ(co_await redis.get("tx"), "2");  // nothing of the refused transaction ran
    }(redis));
}

TEST_P(RedisClientTest, AScriptRunsByItsShaOnceTheServerKnowsIt) {
    redis::Client redis(options());
    run_with([](redis::Client redis) -> Task<> {
        co_await redis.command("FLUSHDB");
        co_await redis.command("SCRIPT", "FLUSH");
        constexpr std::string_view script = "return redis.call('INCRBY', KEYS[1], ARGV[1])";
        const std::vector<std::string> keys(1, "scripted");
        const std::vector<std::string> args(1, "5");
        const redis::Reply first = co_await redis.eval(script, keys, args);
        EXPECT_EQ(first.integer, 5);
        const redis::Reply stats_before = co_await redis.command("INFO", "commandstats");
        const redis::Reply second = co_await redis.eval(script, keys, args);
        EXPECT_EQ(second.integer, 10);
        const redis::Reply stats_after = co_await redis.command("INFO", "commandstats");
        // The second call was an EVALSHA that the server answered (no EVAL).
        auto calls = [](const std::string& info, const std::string& command) {
            const std::size_t at = info.find("cmdstat_" + command + ":calls=");
            return at == std::string::npos ? 0 : std::stoi(info.substr(at + command.size() + 15));
        };
        EXPECT_EQ(calls(stats_after.text, "eval"), calls(stats_before.text, "eval"));
        EXPECT_EQ(calls(stats_after.text, "evalsha"), calls(stats_before.text, "evalsha") + 1);
    }(redis));
}

TEST_P(RedisClientTest, ScanVisitsEveryKey) {
    redis::Client redis(options());
    run_with([](redis::Client redis) -> Task<> {
        co_await redis.command("FLUSHDB");
        std::vector<std::pair<std::string, std::string>> pairs;
        for (int i = 0; i < 500; ++i) pairs.emplace_back("scan:" + std::to_string(i), "v");
        pairs.emplace_back(std::string("other"), std::string("v"));
        co_await redis.mset(pairs);
        std::set<std::string> seen;
        redis::Scan keys = redis.scan("scan:*", 50);
        while (std::optional<std::string> key = co_await keys.next()) seen.insert(*key);
        EXPECT_EQ(seen.size(), 500u);
        EXPECT_FALSE(seen.contains("other"));
    }(redis));
}

TEST_P(RedisClientTest, AHundredMegabyteValueRoundTrips) {
    // One protocol is enough: a bulk string is the same in both, and this is
    // the suite's slowest test under the sanitizers.
    if (GetParam() != 3) GTEST_SKIP() << "run over RESP3 only";
    redis::Client redis(options());
    run_with([](redis::Client redis) -> Task<> {
        std::string value(100 * 1024 * 1024, '\0');
        for (std::size_t i = 0; i < value.size(); i += 4096) value[i] = static_cast<char>(i / 4096);
        co_await redis.set("big", value);
        const std::optional<std::string> back = co_await redis.get("big");
        EXPECT_TRUE(back && back->size() == value.size());
        EXPECT_TRUE(back && *back == value);
        co_await redis.del("big");
    }(redis));
}

TEST_P(RedisClientTest, SubscribingOnTheSharedConnectionIsRefusedWithAReason) {
    redis::Client redis(options());
    run_with([](redis::Client redis) -> Task<> {
        std::string message;
        try {
            co_await redis.command("SUBSCRIBE", "news");
        } catch (const InvalidStateError& e) {
            message = e.what();
        }
        EXPECT_NE(message.find("SUBSCRIBE would turn this shared connection into a subscriber"), std::string::npos) << message;
        const redis::Reply pong = co_await redis.command("PING");
        EXPECT_EQ(pong.describe(), "PONG");
    }(redis));
}

TEST_P(RedisClientTest, DatabasesAreKeptApart) {
    redis::Client first(options(2));
    redis::Client second(options(3));
    run_with([](redis::Client first, redis::Client second) -> Task<> {
        co_await first.set("where", "two");
        co_await second.set("where", "three");
        EXPECT_EQ(co_await first.get("where"), "two");
        EXPECT_EQ(co_await second.get("where"), "three");
    }(first, second));
}

class RedisServerLifeTest : public ::testing::TestWithParam<int> {
protected:
    void SetUp() override {
        if (!RedisServer::available()) GTEST_SKIP() << "needs " << itest::redis_server_binary;
    }
};

INSTANTIATE_TEST_SUITE_P(Protocols, RedisServerLifeTest, ::testing::Values(3, 2),
                         [](const auto& info) { return "Resp" + std::to_string(info.param); });

TEST_P(RedisServerLifeTest, APasswordIsSentAndAWrongOneIsNamed) {
    RedisServer server(itest::RedisServerConfig{.password = "s3cret"});
    redis::Options good = redis::Options::from_url("redis://:s3cret@127.0.0.1:" + std::to_string(server.port()));
    good.protocol = GetParam();
    redis::Options bad = good;
    bad.password = "wrong";
    redis::Options none = good;
    none.password.clear();
    run_with([](redis::Options good, redis::Options bad, redis::Options none) -> Task<> {
        redis::Client client(good);
        EXPECT_TRUE(co_await client.set("k", "v"));
        std::string wrong;
        try {
            co_await redis::Client(bad).get("k");
        } catch (const redis::ServerError& e) {
            wrong = e.what();
        }
        EXPECT_NE(wrong.find("WRONGPASS"), std::string::npos) << wrong;
        std::string missing;
        try {
            co_await redis::Client(none).get("k");
        } catch (const redis::ServerError& e) {
            missing = e.what();
        }
        EXPECT_NE(missing.find("NOAUTH"), std::string::npos) << missing;
    }(good, bad, none));
}

TEST_P(RedisServerLifeTest, RedissSpeaksTlsAndChecksTheServersCertificate) {
    if (!testkit::have_openssl_cli()) GTEST_SKIP() << "needs the openssl command line";
    const testkit::TestCertificates& certs = testkit::test_certificates();
    RedisServer server(itest::RedisServerConfig{.tls_cert = certs.server_cert, .tls_key = certs.server_key, .tls_ca = certs.ca_cert});
    redis::Options trusted = redis::Options::from_url("rediss://localhost:" + std::to_string(server.port()));
    trusted.protocol = GetParam();
    trusted.tls_options.ca_file = certs.ca_cert;
    redis::Options untrusted = trusted;
    untrusted.tls_options.ca_file.clear();  // the system's CAs do not know ours
    run_with([](redis::Options trusted, redis::Options untrusted) -> Task<> {
        redis::Client client(trusted);
        EXPECT_TRUE(co_await client.set("over", "tls"));
        EXPECT_EQ(co_await client.get("over"), "tls");
        std::string refused;
        try {
            co_await redis::Client(untrusted).get("over");
        } catch (const net::ConnectionError& e) {  // net::TlsError is one
            refused = e.what();
        }
        EXPECT_NE(refused.find("certificate"), std::string::npos) << refused;
    }(trusted, untrusted));
}

TEST_P(RedisServerLifeTest, AKilledServerFailsTheWaitingCommandsAndTheClientReconnectsWhenItIsBack) {
    RedisServer server;
    redis::Options options = redis::Options::from_url(server.url());
    options.protocol = GetParam();
    options.reconnect_backoff = 10ms;
    redis::Client redis(options);
    run_with([](redis::Client redis, RedisServer& server) -> Task<> {
        co_await redis.set("k", "before");
        // A command in flight when the server dies.
        TaskHandle<redis::Reply> slow = create_task(redis.command("DEBUG", "SLEEP", "5"));
        co_await sleep(50ms);
        co_await to_thread([&server] { server.kill(); });
        std::string in_flight;
        try {
            co_await slow;
        } catch (const net::ConnectionError& e) {
            in_flight = e.what();
        }
        EXPECT_NE(in_flight.find("redis 127.0.0.1:" + std::to_string(server.port())), std::string::npos) << in_flight;
        // While it is down, commands fail with the connect error.
        std::string down;
        try {
            co_await redis.get("k");
        } catch (const net::ConnectionError& e) {
            down = e.what();
        }
        EXPECT_NE(down.find("Connection refused"), std::string::npos) << down;
        const bool started = co_await to_thread([&server] { return server.start(); });
        EXPECT_TRUE(started);
        if (!started) co_return;
        // Back (empty: no persistence), on the same port: the next command reconnects.
        EXPECT_EQ(co_await redis.get("k"), std::nullopt);
        EXPECT_TRUE(co_await redis.set("k", "after"));
        EXPECT_EQ(co_await redis.get("k"), "after");
    }(redis, server));
}

}  // namespace
