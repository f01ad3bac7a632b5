// redis_session_test.cpp: agent::RedisSession against a real redis-server:
// the store contract every session keeps, one conversation shared by two
// clients (as by two processes), the TTL refreshed on each turn, a bad
// element named, and two agent runs on the embedded simulator that carry
// the conversation from one to the next through Redis.
#include <agentio/agent/redis_session.hpp>
#include <agentio/agent/run.hpp>
#include <agentio/sim/server.hpp>
#include <gtest/gtest.h>

#include "agent/session_checks.hpp"
#include "integration/redis_server.hpp"
#include "sim/sim_fixture.hpp"

using namespace agentio;
using namespace std::chrono_literals;
using namespace std::string_literals;

namespace {

class RedisSessionTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!itest::RedisServer::available()) GTEST_SKIP() << "needs " << itest::redis_server_binary;
    }
    static db::redis::Client client() {
        db::redis::Options options = db::redis::Options::from_url(itest::shared_redis_server().url());
        options.database = 8;
        return db::redis::Client(options);
    }
};

TEST_F(RedisSessionTest, KeepsAddsPopsAndClearsLikeEveryStore) {
    agent::RedisSession session(client(), "contract");
    agentio::run(testkit::exercise_a_session(session));
}

TEST_F(RedisSessionTest, TwoClientsShareOneConversationAndEachTurnRefreshesItsTtl) {
    agent::RedisSession writer(client(), "shared", {.ttl = 1h});
    agent::RedisSession reader(client(), "shared");
    agentio::run([](agent::RedisSession& writer, agent::RedisSession& reader) -> Task<> {
        co_await writer.clear();
        co_await writer.add(testkit::session_conversation());
        const std::vector<llm::Message> seen = co_await reader.messages();
        EXPECT_EQ(seen, testkit::session_conversation());
        db::redis::Client redis = RedisSessionTest::client();
        const std::optional<Duration> ttl = co_await redis.ttl(writer.key());
        EXPECT_TRUE(ttl && *ttl > 59min);
    }(writer, reader));
}

TEST_F(RedisSessionTest, AnElementThatIsNotAMessageIsNamed) {
    agent::RedisSession session(client(), "damaged");
    agentio::run([](agent::RedisSession& session) -> Task<> {
        co_await session.clear();
        db::redis::Client redis = RedisSessionTest::client();
        co_await redis.rpush(session.key(), "{\"role\":\"user\",\"content\":\"hi\"}", "not json");
        std::string error;
        try {
            co_await session.messages();
        } catch (const Error& e) {
            error = e.what();
        }
        EXPECT_NE(error.find("session agentio:session:damaged, element 1: not a message"), std::string::npos) << error;
    }(session));
}

TEST_F(RedisSessionTest, AnAgentsSecondRunSeesTheFirstThroughRedis) {
    agent::RedisSession memory(client(), "ada");
    const agent::Agent assistant{.name = "assistant", .instructions = "Be brief."};
    agent::RunResult second;
    testkit::with_sim(testkit::instant_config(), [&](sim::Server& server, http::Client&) -> Task<> {
        co_await memory.clear();
        llm::Client llm(testkit::llm_client_for(server));
        co_await agent::run(llm, assistant, "My name is Ada."s, {.session = &memory});
        // Another client on the same session id, as another process would be.
        agent::RedisSession elsewhere(client(), "ada");
        second = co_await agent::run(llm, assistant, "What is my name?"s, {.session = &elsewhere});
    });
    const std::vector<llm::Message> kept = agentio::run(memory.messages());
    ASSERT_EQ(kept.size(), 4u);
    EXPECT_EQ(kept[0].content, "My name is Ada.");
    EXPECT_EQ(kept[2].content, "What is my name?");
    EXPECT_EQ(kept[3].content, second.final_output);
}

}  // namespace
