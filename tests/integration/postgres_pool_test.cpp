// postgres_pool_test.cpp: pg::Pool against a real PostgreSQL 15: waiters are
// served in FIFO order and a cancelled one leaves the queue; a connection
// returned inside a transaction is rolled back; old and broken connections
// are replaced; a server restarted under load gives clear errors and the
// pool recovers by itself.
#include <agentio/agentio.hpp>
#include <agentio/db/pg/errors.hpp>
#include <agentio/db/pg/pool.hpp>
#include <agentio/net/errors.hpp>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "integration/postgres_server.hpp"

using namespace agentio;
using namespace agentio::db;
using namespace std::chrono_literals;
using agentio::itest::PostgresServer;

namespace {

class PostgresPoolTest : public itest::SharedPostgresTest {};

pg::PoolOptions sized(std::size_t min_size, std::size_t max_size) {
    pg::PoolOptions options;
    options.min_size = min_size;
    options.max_size = max_size;
    return options;
}

TEST_F(PostgresPoolTest, WaitersAreServedInTheOrderTheyCameAndACancelledOneLeaves) {
    agentio::run([](std::string url) -> Task<> {
        pg::Pool pool = co_await pg::Pool::create(url, sized(1, 1));
        std::vector<int> served;
        auto borrower = [&](int id) -> Task<> {
            pg::PooledConnection db = co_await pool.acquire();
            served.push_back(id);
            co_await db->query("select 1");
        };
        std::optional<pg::PooledConnection> held = co_await pool.acquire();
        std::vector<TaskHandle<>> waiting;
        for (int id = 0; id < 5; ++id) {
            waiting.push_back(create_task(borrower(id)));
            co_await sleep(0ms);  // each queues before the next starts
        }
        TaskHandle<> impatient = create_task(borrower(99));
        co_await sleep(10ms);
        EXPECT_EQ(pool.stats().waiting, 6u);
        impatient.cancel();
        co_await sleep(0ms);
        EXPECT_EQ(pool.stats().waiting, 5u);
        held.reset();
        for (TaskHandle<>& task : waiting) co_await task;
        EXPECT_EQ(served, (std::vector<int>{0, 1, 2, 3, 4}));
        const pg::PoolStats stats = pool.stats();
        EXPECT_EQ(stats.size, 1u);
        EXPECT_EQ(stats.connected, 1u);
        EXPECT_EQ(stats.acquired, 6u);
        EXPECT_EQ(stats.waiting, 0u);
    }(url()));
}

TEST_F(PostgresPoolTest, AConnectionReturnedInsideATransactionIsRolledBackBeforeItIsLentAgain) {
    agentio::run([](std::string url) -> Task<> {
        pg::Pool pool = co_await pg::Pool::create(url, sized(1, 1));
        co_await pool.execute("create table if not exists pool_reset (id int)");
        co_await pool.execute("truncate pool_reset");
        {
            pg::PooledConnection db = co_await pool.acquire();
            co_await db->execute("begin");
            co_await db->execute("insert into pool_reset values (1)");
            EXPECT_TRUE(db->is_in_transaction());
        }
        pg::PooledConnection db = co_await pool.acquire();
        pg::Rows rows = co_await db->query("select count(*) as n from pool_reset");
        EXPECT_EQ(rows[0].get<std::int64_t>("n"), 0);
        EXPECT_FALSE(db->is_in_transaction());
        EXPECT_EQ(pool.stats().reset, 1u);
        EXPECT_EQ(pool.stats().connected, 1u);  // reset, not replaced
    }(url()));
}

TEST_F(PostgresPoolTest, ATransactionOnThePoolCommitsOrRollsBack) {
    agentio::run([](std::string url) -> Task<> {
        pg::Pool pool = co_await pg::Pool::create(url, sized(0, 2));
        co_await pool.execute("create table if not exists pool_tx (id int)");
        co_await pool.execute("truncate pool_tx");
        co_await pool.transaction([&](pg::Transaction& tx) -> Task<> { co_await tx.execute("insert into pool_tx values (1)"); });
        try {
            co_await pool.transaction([&](pg::Transaction& tx) -> Task<> {
                co_await tx.execute("insert into pool_tx values (2)");
                throw std::runtime_error("changed my mind");
            });
        } catch (const std::runtime_error&) {
        }
        pg::Rows rows = co_await pool.query("select count(*) as n from pool_tx");
        EXPECT_EQ(rows[0].get<std::int64_t>("n"), 1);
    }(url()));
}

TEST_F(PostgresPoolTest, AConnectionPastItsLifetimeIsReplaced) {
    agentio::run([](std::string url) -> Task<> {
        pg::PoolOptions options = sized(1, 1);
        options.max_lifetime = 50ms;
        pg::Pool pool = co_await pg::Pool::create(url, options);
        pg::Rows first = co_await pool.query("select pg_backend_pid() as pid");
        co_await sleep(60ms);  // at least max_lifetime
        pg::Rows second = co_await pool.query("select pg_backend_pid() as pid");
        EXPECT_NE(first[0].get<int>("pid"), second[0].get<int>("pid"));
        EXPECT_EQ(pool.stats().connected, 2u);
        EXPECT_EQ(pool.stats().discarded, 1u);
    }(url()));
}

TEST_F(PostgresPoolTest, IdleConnectionsAreClosedDownToTheMinimum) {
    agentio::run([](std::string url) -> Task<> {
        pg::PoolOptions options = sized(1, 3);
        options.max_idle = 50ms;
        pg::Pool pool = co_await pg::Pool::create(url, options);
        {
            pg::PooledConnection a = co_await pool.acquire();
            pg::PooledConnection b = co_await pool.acquire();
            pg::PooledConnection c = co_await pool.acquire();
        }
        EXPECT_EQ(pool.stats().size, 3u);
        co_await sleep(60ms);  // at least max_idle
        co_await pool.query("select 1");
        const pg::PoolStats stats = pool.stats();
        EXPECT_EQ(stats.size, 1u);
        EXPECT_EQ(stats.discarded, 2u);
        EXPECT_EQ(stats.connected, 3u);
    }(url()));
}

TEST_F(PostgresPoolTest, AServerRestartedUnderLoadGivesClearErrorsAndThePoolRecovers) {
    PostgresServer server;
    agentio::run([](PostgresServer& server) -> Task<> {
        pg::Pool pool = co_await pg::Pool::create(server.url(), sized(4, 4));
        std::size_t succeeded = 0;
        std::vector<std::string> errors;         // broken connections, naming the server
        std::vector<std::string> server_errors;  // what the server said as it shut down
        bool stop = false;
        auto worker = [&]() -> Task<> {
            while (!stop) {
                bool failed = true;
                try {
                    co_await pool.query("select pg_sleep(0.01)");
                    ++succeeded;
                    failed = false;
                } catch (const net::ConnectionError& e) {
                    errors.push_back(e.what());
                } catch (const pg::PgError& e) {
                    server_errors.push_back(e.sqlstate());
                }
                if (failed) co_await sleep(20ms);  // as a caller would back off
            }
        };
        std::vector<TaskHandle<>> workers;
        for (int i = 0; i < 8; ++i) workers.push_back(create_task(worker()));
        co_await sleep(100ms);
        co_await to_thread([&server] { server.restart(); });
        const std::size_t before = succeeded;
        // Recovered: queries succeed again on new connections.
        for (int i = 0; i < 500 && succeeded < before + 50; ++i) co_await sleep(20ms);
        stop = true;
        for (TaskHandle<>& task : workers) co_await task;
        EXPECT_GE(succeeded, before + 50);
        EXPECT_FALSE(errors.empty() && server_errors.empty());
        for (const std::string& error : errors)
            EXPECT_NE(error.find("127.0.0.1:" + std::to_string(server.port())), std::string::npos) << error;
        for (const std::string& sqlstate : server_errors)
            EXPECT_EQ(sqlstate, "57P01") << "terminating connection due to administrator command";
        EXPECT_GE(pool.stats().discarded + pool.stats().connected, 8u);
    }(server));
}

}  // namespace
