// redis_pubsub_streams_test.cpp: db::redis's pub/sub, blocking commands and
// Streams against a real redis-server: messages in order with their
// patterns, a blocking command that does not hold up the shared
// connection, a cancelled BLPOP whose connection is not reused, and a
// consumer group's read, ack, pending and claim.
#include <agentio/agentio.hpp>
#include <agentio/db.hpp>
#include <agentio/net/errors.hpp>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "integration/redis_server.hpp"

using namespace agentio;
using namespace agentio::db;
using namespace std::chrono_literals;
using agentio::itest::RedisServer;

namespace {

class RedisPubSubStreamsTest : public ::testing::TestWithParam<int> {
protected:
    void SetUp() override {
        if (!RedisServer::available()) GTEST_SKIP() << "needs " << itest::redis_server_binary;
    }
    redis::Options options_for(int database) const {
        redis::Options o = redis::Options::from_url(itest::shared_redis_server().url());
        o.protocol = GetParam();
        o.database = database;
        return o;
    }
};

INSTANTIATE_TEST_SUITE_P(Protocols, RedisPubSubStreamsTest, ::testing::Values(3, 2),
                         [](const auto& info) { return "Resp" + std::to_string(info.param); });

std::vector<std::pair<std::string, std::string>> one_field(std::string field, std::string value) {
    std::vector<std::pair<std::string, std::string>> fields;
    fields.emplace_back(std::move(field), std::move(value));
    return fields;
}

TEST_P(RedisPubSubStreamsTest, ASubscriberReceivesEveryMessageInOrderWithThePatternThatMatched) {
    redis::Client redis(options_for(4));
    agentio::run([](redis::Client redis, int protocol) -> Task<> {
        const std::string news = "news-" + std::to_string(protocol);
        redis::Subscriber subscriber = co_await redis.subscriber();
        co_await subscriber.subscribe(news);
        const std::string user_pattern = "user-" + std::to_string(protocol) + ":*";
        co_await subscriber.psubscribe(user_pattern);
        // Confirmed: a message published now is received.
        for (int i = 0; i < 100; ++i) {
            const std::string payload = "m" + std::to_string(i);
            EXPECT_EQ(co_await redis.publish(news, payload), 1);
        }
        const std::string user_channel = "user-" + std::to_string(protocol) + ":7";
        EXPECT_EQ(co_await redis.publish(user_channel, "hello"), 1);
        for (int i = 0; i < 100; ++i) {
            std::optional<redis::Message> message = co_await subscriber.next();
            EXPECT_TRUE(message && message->channel == news && message->payload == "m" + std::to_string(i));
        }
        std::optional<redis::Message> matched = co_await subscriber.next();
        EXPECT_TRUE(matched.has_value());
        if (matched) {
            EXPECT_EQ(matched->channel, "user-" + std::to_string(protocol) + ":7");
            EXPECT_EQ(matched->pattern, "user-" + std::to_string(protocol) + ":*");
            EXPECT_EQ(matched->payload, "hello");
        }
        co_await subscriber.unsubscribe(news);
        EXPECT_EQ(co_await redis.publish(news, "nobody"), 0);
        subscriber.close();
        EXPECT_EQ(co_await subscriber.next(), std::nullopt);
    }(redis, GetParam()));
}

TEST_P(RedisPubSubStreamsTest, ABlockingCommandWaitsOnAConnectionOfItsOwn) {
    redis::Client redis(options_for(5));
    agentio::run([](redis::Client redis) -> Task<> {
        co_await redis.del("queue");
        TaskHandle<redis::Reply> popping = create_task(redis.command("BLPOP", "queue", "5"));
        co_await sleep(20ms);  // BLPOP is on the server, waiting
        // The shared connection is not behind it.
        EXPECT_TRUE(co_await redis.set("k", "v"));
        EXPECT_EQ(co_await redis.get("k"), "v");
        EXPECT_FALSE(popping.done());
        EXPECT_EQ(co_await redis.rpush("queue", "job-1"), 1);
        const redis::Reply popped = co_await popping;
        EXPECT_EQ(popped.describe(), "(array of 2) 1) \"queue\" 2) \"job-1\"");
    }(redis));
}

TEST_P(RedisPubSubStreamsTest, ACancelledBlpopsConnectionIsClosedNotReused) {
    redis::Client redis(options_for(6));
    agentio::run([](redis::Client redis) -> Task<> {
        co_await redis.del("jobs");
        Task<redis::Reply> waiting = redis.command("BLPOP", "jobs", "10");
        bool timed_out = false;
        try {
            co_await wait_for(std::move(waiting), 50ms);
        } catch (const TimeoutError&) {
            timed_out = true;
        }
        EXPECT_TRUE(timed_out);
        // Had the abandoned connection been kept, its BLPOP (still on the
        // server) could take this job.
        co_await sleep(20ms);
        EXPECT_EQ(co_await redis.rpush("jobs", "job-2"), 1);
        const redis::Reply popped = co_await redis.command("BLPOP", "jobs", "1");
        EXPECT_EQ(popped.describe(), "(array of 2) 1) \"jobs\" 2) \"job-2\"");
        // A BLPOP that ends with a reply leaves its connection for the next one.
        const redis::Reply nothing = co_await redis.command("BLPOP", "jobs", "0.05");
        EXPECT_TRUE(nothing.is_null());
    }(redis));
}

TEST_P(RedisPubSubStreamsTest, AConsumerGroupReadsAcksAndClaimsEntries) {
    redis::Client redis(options_for(7));
    agentio::run([](redis::Client redis) -> Task<> {
        co_await redis.del("orders");
        EXPECT_TRUE(co_await redis.xgroup_create("orders", "billing", "0"));
        EXPECT_FALSE(co_await redis.xgroup_create("orders", "billing", "0"));  // BUSYGROUP: already there
        std::vector<std::string> ids;
        for (int i = 0; i < 3; ++i) {
            const std::vector<std::pair<std::string, std::string>> fields = one_field("order", std::to_string(i));
            const std::string id = co_await redis.xadd("orders", fields);
            ids.push_back(id);
        }
        EXPECT_EQ(co_await redis.xlen("orders"), 3);

        std::vector<redis::StreamBatch> first = co_await redis.xreadgroup("billing", "alice", "orders", {.count = 2});
        EXPECT_EQ(first.size(), 1u);
        if (first.size() != 1) co_return;
        EXPECT_EQ(first[0].stream, "orders");
        EXPECT_EQ(first[0].entries.size(), 2u);
        EXPECT_EQ(first[0].entries[0].id, ids[0]);
        EXPECT_EQ(first[0].entries[1].field("order"), "1");
        std::vector<redis::StreamBatch> rest = co_await redis.xreadgroup("billing", "alice", "orders");
        EXPECT_TRUE(rest.size() == 1 && rest[0].entries.size() == 1 && rest[0].entries[0].id == ids[2]);

        const std::vector<std::string> first_two(ids.begin(), ids.begin() + 2);
        EXPECT_EQ(co_await redis.xack("orders", "billing", first_two), 2);
        const redis::PendingSummary pending = co_await redis.xpending("orders", "billing");
        EXPECT_EQ(pending.count, 1);
        EXPECT_EQ(pending.smallest_id, ids[2]);
        EXPECT_TRUE(pending.consumers.size() == 1 && pending.consumers[0].first == "alice");

        // alice went away: bob claims what she left pending.
        const redis::AutoClaimed claimed = co_await redis.xautoclaim("orders", "billing", "bob", 0ms);
        EXPECT_EQ(claimed.next_id, "0-0");
        EXPECT_TRUE(claimed.entries.size() == 1 && claimed.entries[0].id == ids[2]);
        EXPECT_TRUE(claimed.entries.size() == 1 && claimed.entries[0].field("order") == "2");

        // Nothing new: a blocking read times out empty, on its own connection.
        std::vector<redis::StreamBatch> none =
            co_await redis.xreadgroup("billing", "bob", "orders", {.count = 1, .block = 50ms});
        EXPECT_TRUE(none.empty());
    }(redis));
}

TEST_P(RedisPubSubStreamsTest, ASubscriberWhoseServerDiesIsToldAfterTheMessagesItHad) {
    RedisServer server;
    redis::Options options = redis::Options::from_url(server.url());
    options.protocol = GetParam();
    agentio::run([](redis::Options options, RedisServer& server) -> Task<> {
        redis::Client redis(options);
        redis::Subscriber subscriber = co_await redis.subscriber();
        co_await subscriber.subscribe("last-words");
        co_await redis.publish("last-words", "goodbye");
        co_await sleep(20ms);  // the message is read before the server goes
        co_await to_thread([&server] { server.kill(); });
        std::optional<redis::Message> message = co_await subscriber.next();
        EXPECT_TRUE(message && message->payload == "goodbye");
        std::string error;
        try {
            co_await subscriber.next();
        } catch (const net::ConnectionError& e) {
            error = e.what();
        }
        EXPECT_NE(error.find("redis 127.0.0.1:"), std::string::npos) << error;
    }(options, server));
}

}  // namespace
