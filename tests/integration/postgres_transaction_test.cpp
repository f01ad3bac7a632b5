// postgres_transaction_test.cpp: what a pg::Connection does beyond one query,
// against a real PostgreSQL 15: transactions commit, roll back on an
// exception and on a cancel, nest as savepoints and hold the connection;
// a cancelled query is stopped at the server; the statement cache prepares,
// evicts, can be turned off and survives a table changing under it; LISTEN
// delivers NOTIFY in order.
#include <agentio/agentio.hpp>
#include <agentio/db/pg/connection.hpp>
#include <agentio/db/pg/errors.hpp>
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

class PostgresTransactionTest : public itest::SharedPostgresTest {};

Task<std::int64_t> count_rows(pg::Connection& db, std::string table) {
    pg::Rows rows = co_await db.query_params("select count(*) as n from " + table, {});
    co_return rows[0].get<std::int64_t>("n");
}

struct Boom : std::runtime_error {
    Boom() : std::runtime_error("boom") {}
};

TEST_F(PostgresTransactionTest, ABodyThatReturnsCommitsAndOneThatThrowsRollsBackAndRethrows) {
    agentio::run([](std::string url) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(url);
        co_await db.execute("create temporary table tx_accounts (id int primary key, balance int)");
        co_await db.transaction([&](pg::Transaction& tx) -> Task<> {
            co_await tx.execute("insert into tx_accounts values (1, 100), (2, 0)");
            co_await db.execute("update tx_accounts set balance = 50 where id = 2");  // the connection itself, inside the scope
        });
        EXPECT_EQ(co_await count_rows(db, "tx_accounts"), 2);
        bool rethrown = false;
        try {
            co_await db.transaction([&](pg::Transaction& tx) -> Task<> {
                co_await tx.execute("update tx_accounts set balance = balance - 30 where id = 1");
                throw Boom();
            });
        } catch (const Boom&) {
            rethrown = true;
        }
        EXPECT_TRUE(rethrown);
        pg::Rows rows = co_await db.query("select balance from tx_accounts where id = 1");
        EXPECT_EQ(rows[0].get<int>("balance"), 100);
        EXPECT_FALSE(db.is_in_transaction());
        // A statement that fails aborts the transaction; the scope rolls it
        // back and the error reaches the caller with the server's words.
        std::string sqlstate;
        try {
            co_await db.transaction([&](pg::Transaction& tx) -> Task<> {
                co_await tx.execute("insert into tx_accounts values (3, 1)");
                co_await tx.execute("insert into tx_accounts values (1, 1)");
            });
        } catch (const pg::PgError& e) {
            sqlstate = e.sqlstate();
        }
        EXPECT_EQ(sqlstate, "23505");
        EXPECT_EQ(co_await count_rows(db, "tx_accounts"), 2);
    }(url()));
}

TEST_F(PostgresTransactionTest, ACancelledTransactionRollsBackAndFreesTheConnection) {
    agentio::run([](std::string url) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(url);
        co_await db.execute("create temporary table tx_cancelled (id int)");
        bool timed_out = false;
        try {
            Task<> scope = db.transaction([&](pg::Transaction& tx) -> Task<> {
                co_await tx.execute("insert into tx_cancelled values (1)");
                co_await tx.query("select pg_sleep(3600)");
            });
            co_await wait_for(std::move(scope), 200ms);
        } catch (const TimeoutError&) {
            timed_out = true;
        }
        EXPECT_TRUE(timed_out);
        // The sleep was cancelled at the server and the insert rolled back:
        // the next query answers at once, on the same connection.
        EXPECT_EQ(co_await count_rows(db, "tx_cancelled"), 0);
        EXPECT_FALSE(db.is_in_transaction());
    }(url()));
}

TEST_F(PostgresTransactionTest, OtherTasksQueriesWaitUntilTheTransactionEnds) {
    agentio::run([](std::string url) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(url);
        co_await db.execute("create temporary table tx_held (id int)");
        Event inside;
        Event finish;
        TaskHandle<> scope = create_task(db.transaction([&](pg::Transaction& tx) -> Task<> {
            co_await tx.execute("insert into tx_held values (1)");
            inside.set();
            co_await finish.wait();
        }));
        co_await inside.wait();
        // Another task's query on the same connection: it must not see, or
        // join, the open transaction.
        TaskHandle<std::int64_t> outside = create_task(count_rows(db, "tx_held"));
        co_await sleep(50ms);
        EXPECT_FALSE(outside.done());
        finish.set();
        co_await scope;
        EXPECT_EQ(co_await outside, 1);  // ran after the COMMIT
    }(url()));
}

TEST_F(PostgresTransactionTest, SavepointsUndoOnlyTheirOwnScope) {
    agentio::run([](std::string url) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(url);
        co_await db.execute("create temporary table tx_nested (id int)");
        co_await db.transaction([&](pg::Transaction& tx) -> Task<> {
            co_await tx.execute("insert into tx_nested values (1)");
            bool caught = false;
            try {
                co_await tx.savepoint([&](pg::Transaction& inner) -> Task<> {
                    EXPECT_EQ(inner.depth(), 1);
                    co_await inner.execute("insert into tx_nested values (2)");
                    co_await inner.execute("insert into no_such_table values (1)");
                });
            } catch (const pg::PgError& e) {
                caught = e.sqlstate() == "42P01";
            }
            EXPECT_TRUE(caught);
            // A transaction() inside a scope of the same connection is a savepoint too.
            co_await db.transaction([&](pg::Transaction& inner) -> Task<> {
                co_await inner.execute("insert into tx_nested values (3)");
            });
        });
        pg::Rows rows = co_await db.query("select id from tx_nested order by id");
        std::vector<int> ids;
        for (pg::Row row : rows) ids.push_back(row.get<int>("id"));
        EXPECT_EQ(ids, (std::vector<int>{1, 3}));
    }(url()));
}

TEST_F(PostgresTransactionTest, TheIsolationLevelAndReadOnlyReachTheServer) {
    agentio::run([](std::string url) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(url);
        pg::TransactionOptions options;
        options.isolation = pg::Isolation::Serializable;
        options.read_only = true;
        std::string level, read_only;
        co_await db.transaction(
            [&](pg::Transaction& tx) -> Task<> {
                pg::Rows rows = co_await tx.query("select current_setting('transaction_isolation') as level, "
                                                  "current_setting('transaction_read_only') as ro");
                level = rows[0].get<std::string>("level");
                read_only = rows[0].get<std::string>("ro");
            },
            options);
        EXPECT_EQ(level, "serializable");
        EXPECT_EQ(read_only, "on");
    }(url()));
}

TEST_F(PostgresTransactionTest, ACancelledQueryIsStoppedAtTheServer) {
    agentio::run([](std::string url) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(url);
        pg::Connection watcher = co_await pg::Connection::connect(url);
        Task<pg::Rows> sleeping = db.query("select pg_sleep(3600) as sleeping_for_the_cancel_test");
        bool timed_out = false;
        try {
            co_await wait_for(std::move(sleeping), 100ms);
        } catch (const TimeoutError&) {
            timed_out = true;
        }
        EXPECT_TRUE(timed_out);
        // Behind the cancelled statement, the next query runs: it would wait an hour otherwise.
        pg::Rows next = co_await db.query("select 7 as seven");
        EXPECT_EQ(next[0].get<int>("seven"), 7);
        pg::Rows running = co_await watcher.query(
            "select count(*) as n from pg_stat_activity where query like '%sleeping_for_the_cancel_test%' "
            "and state = 'active' and pid <> pg_backend_pid()");
        EXPECT_EQ(running[0].get<std::int64_t>("n"), 0);
    }(url()));
}

TEST_F(PostgresTransactionTest, RepeatedQueriesRunAsPreparedStatementsUpToTheCacheSize) {
    agentio::run([](std::string url) -> Task<> {
        pg::ConnectOptions options;
        options.statement_cache_size = 2;
        pg::Connection db = co_await pg::Connection::connect(url, options);
        for (int i = 0; i < 3; ++i) {
            pg::Rows rows = co_await db.query("select $1::int + 1 as next", i);
            EXPECT_EQ(rows[0].get<int>("next"), i + 1);
        }
        EXPECT_EQ(db.cached_statements(), 1u);
        co_await db.query("select 'second' as text");
        co_await db.query("select 'third' as text");  // pushes out the first
        EXPECT_EQ(db.cached_statements(), 2u);
        // Runs after the DEALLOCATE, in pipeline order; counts itself too.
        pg::Rows prepared = co_await db.query("select count(*) as n from pg_prepared_statements");
        EXPECT_EQ(prepared[0].get<std::int64_t>("n"), 2);

        pg::ConnectOptions off;
        off.statement_cache_size = 0;
        pg::Connection bouncer_safe = co_await pg::Connection::connect(url, off);
        for (int i = 0; i < 3; ++i) co_await bouncer_safe.query("select count(*) as n from pg_prepared_statements");
        pg::Rows none = co_await bouncer_safe.query("select count(*) as n from pg_prepared_statements");
        EXPECT_EQ(none[0].get<std::int64_t>("n"), 0);
        EXPECT_EQ(bouncer_safe.cached_statements(), 0u);
    }(url()));
}

TEST_F(PostgresTransactionTest, AStatementWhoseTableChangedIsPreparedAgain) {
    agentio::run([](std::string url) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(url);
        co_await db.execute("create temporary table tx_changing (a int)");
        co_await db.execute("insert into tx_changing values (1)");
        pg::Rows before = co_await db.query("select * from tx_changing");
        EXPECT_EQ(before.columns(), 1);
        co_await db.execute("alter table tx_changing add column b text default 'x'");
        pg::Rows after = co_await db.query("select * from tx_changing");
        EXPECT_EQ(after.columns(), 2);
        EXPECT_EQ(after[0].get<std::string>("b"), "x");
    }(url()));
}

TEST_F(PostgresTransactionTest, AStatementThatFailsToPrepareFailsOnlyItself) {
    agentio::run([](std::string url) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(url);
        Task<pg::Rows> bad = db.query("selec 1");
        Task<pg::Rows> good = db.query("select 2 as two");
        Task<pg::Rows> bad_again = db.query("selec 1");
        auto results = co_await gather(return_exceptions, std::move(bad), std::move(good), std::move(bad_again));
        std::string first, third;
        try {
            std::get<0>(results).value();
        } catch (const pg::PgError& e) {
            first = e.sqlstate();
        }
        try {
            std::get<2>(results).value();
        } catch (const pg::PgError& e) {
            third = e.sqlstate();
        }
        EXPECT_EQ(first, "42601");
        EXPECT_EQ(third, "42601");
        EXPECT_EQ(std::get<1>(results).value()[0].get<int>("two"), 2);
        EXPECT_EQ(db.cached_statements(), 1u);
    }(url()));
}

TEST_F(PostgresTransactionTest, APipelineRunsInOneRoundTripAndTakesEffectWholeOrNotAtAll) {
    agentio::run([](std::string url) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(url);
        co_await db.execute("create temporary table tx_pipeline (id int)");
        pg::Pipeline batch;
        batch.add("insert into tx_pipeline values ($1)", 1).add("insert into tx_pipeline values ($1)", 2);
        batch.add("select count(*) as n from tx_pipeline");
        const std::vector<pg::Rows> results = co_await db.pipeline(std::move(batch));
        EXPECT_EQ(results.size(), 3u);
        if (results.size() == 3) {
            EXPECT_EQ(results[0].affected(), 1);
            EXPECT_EQ(results[2][0].get<std::int64_t>("n"), 2);  // it sees the inserts before it
        }
        pg::Pipeline failing;
        failing.add("insert into tx_pipeline values ($1)", 3);
        failing.add("insert into tx_pipeline_missing values (1)");
        failing.add("insert into tx_pipeline values ($1)", 4);
        std::string sqlstate, detail;
        try {
            co_await db.pipeline(std::move(failing));
        } catch (const pg::PgError& e) {
            sqlstate = e.sqlstate();
            detail = e.detail();
        }
        EXPECT_EQ(sqlstate, "42P01");
        EXPECT_NE(detail.find("query 2 of 3 in a pipeline"), std::string::npos) << detail;
        EXPECT_EQ(co_await count_rows(db, "tx_pipeline"), 2);  // the insert before the failure was rolled back too
        pg::Pipeline repeated;  // the same text thrice: prepared once, then executed by name
        for (int i = 0; i < 3; ++i) repeated.add("select $1::int * 2 as twice", i);
        const std::vector<pg::Rows> twice = co_await db.pipeline(std::move(repeated));
        const std::vector<pg::Rows> again = co_await db.pipeline(pg::Pipeline().add("select $1::int * 2 as twice", 21));
        EXPECT_EQ(twice.size(), 3u);
        if (twice.size() == 3) {
            EXPECT_EQ(twice[2][0].get<int>("twice"), 4);
        }
        EXPECT_EQ(again[0][0].get<int>("twice"), 42);
        const std::vector<pg::Rows> none = co_await db.pipeline(pg::Pipeline());
        EXPECT_TRUE(none.empty());
    }(url()));
}

TEST_F(PostgresTransactionTest, ListenDeliversNotificationsInOrderUntilTheConnectionEnds) {
    agentio::run([](std::string url) -> Task<> {
        pg::Connection listening = co_await pg::Connection::connect(url);
        pg::Connection sending = co_await pg::Connection::connect(url);
        pg::Listener jobs = co_await listening.listen("jobs");
        for (int i = 0; i < 3; ++i) co_await sending.execute("select pg_notify('jobs', $1)", "job " + std::to_string(i));
        co_await sending.execute("notify other_channel, 'not for us'");
        for (int i = 0; i < 3; ++i) {
            pg::Notification note = co_await jobs.next();
            EXPECT_EQ(note.channel, "jobs");
            EXPECT_EQ(note.payload, "job " + std::to_string(i));
            EXPECT_NE(note.sender_pid, 0);
        }
        {
            pg::Listener second = co_await listening.listen("second");
        }  // its UNLISTEN goes out in the pipeline
        pg::Rows channels = co_await listening.query("select array_agg(c) as names from pg_listening_channels() c");
        EXPECT_EQ(channels[0].get<std::vector<std::string>>("names"), std::vector<std::string>{"jobs"});
        co_await sending.execute("select pg_notify('jobs', 'last')");
        // Received, then the connection closes: the stream gives what it has, then says why it ended.
        while (jobs.pending() == 0) co_await listening.query("select 1");
        listening.close();
        pg::Notification last = co_await jobs.next();
        EXPECT_EQ(last.payload, "last");
        bool ended = false;
        try {
            co_await jobs.next();
        } catch (const net::ConnectionError&) {
            ended = true;
        }
        EXPECT_TRUE(ended);
    }(url()));
}

}  // namespace
