// postgres_session_test.cpp: agent::PostgresSession against a real
// PostgreSQL 15: the store contract every session keeps, one conversation
// shared by two sessions (as by two processes), a bad row named, and two
// agent runs on the embedded simulator that carry the conversation from one
// to the next through the database.
#include <agentio/agent/postgres_session.hpp>
#include <agentio/agent/run.hpp>
#include <agentio/sim/server.hpp>
#include <gtest/gtest.h>

#include "agent/session_checks.hpp"
#include "integration/postgres_server.hpp"
#include "sim/sim_fixture.hpp"

using namespace agentio;
using namespace std::chrono_literals;
using namespace std::string_literals;

namespace {

class PostgresSessionTest : public itest::SharedPostgresTest {};

db::pg::PoolOptions small_pool() {
    db::pg::PoolOptions options;
    options.min_size = 1;
    options.max_size = 4;
    return options;
}

TEST_F(PostgresSessionTest, KeepsAddsPopsAndClearsLikeEveryStore) {
    agentio::run([](std::string url) -> Task<> {
        db::pg::Pool pool = co_await db::pg::Pool::create(url, small_pool());
        agent::PostgresSession session(pool, "contract");
        co_await testkit::exercise_a_session(session);
    }(url()));
}

TEST_F(PostgresSessionTest, TwoSessionsOfOneIdShareTheConversationAndOthersAreApart) {
    agentio::run([](std::string url) -> Task<> {
        db::pg::Pool pool = co_await db::pg::Pool::create(url, small_pool());
        agent::PostgresSession writer(pool, "shared");
        agent::PostgresSession reader(pool, "shared");
        agent::PostgresSession stranger(pool, "someone else");
        co_await writer.clear();
        co_await stranger.clear();
        co_await writer.add(testkit::session_conversation());
        const std::vector<llm::Message> seen = co_await reader.messages();
        EXPECT_EQ(seen, testkit::session_conversation());
        const std::vector<llm::Message> none = co_await stranger.messages();
        EXPECT_TRUE(none.empty());
    }(url()));
}

TEST_F(PostgresSessionTest, ARowThatIsNotAMessageIsNamed) {
    agentio::run([](std::string url) -> Task<> {
        db::pg::Pool pool = co_await db::pg::Pool::create(url, small_pool());
        agent::PostgresSession session(pool, "damaged");
        co_await session.clear();
        co_await pool.execute("insert into agentio_session_messages (session_id, message) values ('damaged', '[1, 2]')");
        std::string error;
        try {
            co_await session.messages();
        } catch (const Error& e) {
            error = e.what();
        }
        EXPECT_NE(error.find("session table agentio_session_messages, row "), std::string::npos) << error;
        EXPECT_NE(error.find("not a message"), std::string::npos) << error;
    }(url()));
}

TEST_F(PostgresSessionTest, AnAgentsSecondRunSeesTheFirstThroughTheDatabase) {
    const agent::Agent assistant{.name = "assistant", .instructions = "Be brief."};
    std::vector<llm::Message> kept;
    std::string second_output;
    const std::string database = url();
    testkit::with_sim(testkit::instant_config(), [&](sim::Server& server, http::Client&) -> Task<> {
        db::pg::Pool pool = co_await db::pg::Pool::create(database, small_pool());
        agent::PostgresSession memory(pool, "ada");
        co_await memory.clear();
        llm::Client llm(testkit::llm_client_for(server));
        co_await agent::run(llm, assistant, "My name is Ada."s, {.session = &memory});
        agent::PostgresSession elsewhere(pool, "ada");  // as another process would have it
        agent::RunResult second = co_await agent::run(llm, assistant, "What is my name?"s, {.session = &elsewhere});
        second_output = second.final_output;
        kept = co_await memory.messages();
    });
    ASSERT_EQ(kept.size(), 4u);
    EXPECT_EQ(kept[0].content, "My name is Ada.");
    EXPECT_EQ(kept[2].content, "What is my name?");
    EXPECT_EQ(kept[3].content, second_output);
}

}  // namespace
