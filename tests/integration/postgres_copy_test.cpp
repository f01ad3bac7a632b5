// postgres_copy_test.cpp: COPY on a pg::Connection against a real
// PostgreSQL 15: records with every awkward character round-trip, CSV in and
// out streams row by row, a failing source or a bad row stores nothing and
// leaves the connection usable, other tasks' queries wait for the COPY, a
// COPY in a transaction rolls back with it, and one abandoned midway closes
// the connection.
#include <agentio/agentio.hpp>
#include <agentio/db/pg/connection.hpp>
#include <agentio/db/pg/errors.hpp>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "integration/postgres_server.hpp"

using namespace agentio;
using namespace agentio::db;
using namespace std::chrono_literals;
using agentio::itest::PostgresServer;

namespace {

class PostgresCopyTest : public itest::SharedPostgresTest {};

std::vector<std::string> id_and_note() { return {"id", "note"}; }

std::vector<std::vector<pg::Param>> awkward_records(int count) {
    std::vector<std::vector<pg::Param>> records;
    for (int i = 0; i < count; ++i) {
        pg::Param note = "row " + std::to_string(i) + "\ttab\nnewline\\backslash\r";
        if (i % 7 == 0) note = std::nullopt;
        records.push_back({pg::to_param(i), note});
    }
    return records;
}

Task<std::int64_t> count_in(pg::Connection& db, std::string table) {
    pg::Rows rows = co_await db.query_params("select count(*) as n from " + table, {});
    co_return rows[0].get<std::int64_t>("n");
}

TEST_F(PostgresCopyTest, RecordsWithTabsNewlinesBackslashesAndNullsRoundTrip) {
    agentio::run([](std::string url) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(url);
        co_await db.execute("create temporary table copy_records (id int, note text)");
        const std::int64_t copied = co_await db.copy_records("copy_records", id_and_note(), awkward_records(10'000));
        EXPECT_EQ(copied, 10'000);
        pg::Rows rows = co_await db.query("select id, note from copy_records where id in (0, 1, 9999) order by id");
        EXPECT_EQ(rows.size(), 3u);
        if (rows.size() != 3) co_return;
        EXPECT_TRUE(rows[0].is_null(1));
        EXPECT_EQ(rows[1].get<std::string>("note"), "row 1\ttab\nnewline\\backslash\r");
        EXPECT_EQ(rows[2].get<int>("id"), 9999);
    }(url()));
}

TEST_F(PostgresCopyTest, CsvGoesInWholeAndComesOutRowByRow) {
    agentio::run([](std::string url) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(url);
        co_await db.execute("create temporary table copy_csv (id int, name text)");
        const std::string csv = "1,Ada\n2,\"Lovelace, Countess\"\n3,\"a \"\"quoted\"\" word\"\n";
        const std::int64_t in = co_await db.copy_in("copy copy_csv from stdin (format csv)", csv);
        EXPECT_EQ(in, 3);
        std::vector<std::string> rows;
        const std::int64_t out = co_await db.copy_out("copy (select * from copy_csv order by id) to stdout (format csv)",
                                                      [&](std::string_view row) -> Task<> {
                                                          rows.emplace_back(row);
                                                          co_return;
                                                      });
        EXPECT_EQ(out, 3);
        std::string joined;
        for (const std::string& row : rows) joined += row;
        EXPECT_EQ(rows.size(), 3u);
        EXPECT_EQ(joined, csv);
        pg::Rows after = co_await db.query("select 1 as one");  // back in pipeline mode
        EXPECT_EQ(after[0].get<int>("one"), 1);
    }(url()));
}

TEST_F(PostgresCopyTest, AFailingSourceOrABadRowStoresNothingAndTheConnectionGoesOn) {
    agentio::run([](std::string url) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(url);
        co_await db.execute("create temporary table copy_failing (id int)");
        int pulls = 0;
        std::string source_error;
        try {
            co_await db.copy_in("copy copy_failing from stdin", [&]() -> Task<std::optional<std::string>> {
                if (++pulls == 3) throw std::runtime_error("the upstream file went away");
                co_return std::string("1\n2\n");
            });
        } catch (const std::runtime_error& e) {
            source_error = e.what();
        }
        EXPECT_EQ(source_error, "the upstream file went away");
        EXPECT_EQ(co_await count_in(db, "copy_failing"), 0);
        std::string server_error;
        try {
            co_await db.copy_in("copy copy_failing from stdin", std::string("1\nnot a number\n3\n"));
        } catch (const pg::PgError& e) {
            server_error = std::string(e.sqlstate()) + " " + e.detail();
        }
        EXPECT_NE(server_error.find("22P02"), std::string::npos) << server_error;
        EXPECT_NE(server_error.find("line 2"), std::string::npos) << server_error;
        EXPECT_EQ(co_await count_in(db, "copy_failing"), 0);
        std::string misuse;
        try {
            co_await db.copy_in("copy (select 1) to stdout", std::string());
        } catch (const Error& e) {
            misuse = e.what();
        }
        EXPECT_NE(misuse.find("TO STDOUT"), std::string::npos) << misuse;
        EXPECT_TRUE(db.is_open());
        EXPECT_EQ(co_await count_in(db, "copy_failing"), 0);
    }(url()));
}

TEST_F(PostgresCopyTest, OtherTasksQueriesWaitForTheCopyAndThoseBeforeItFinishFirst) {
    agentio::run([](std::string url) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(url);
        co_await db.execute("create temporary table copy_busy (id int, note text)");
        std::vector<Task<pg::Rows>> before;
        for (int i = 0; i < 20; ++i) before.push_back(db.query("select $1::int as i", i));
        TaskHandle<std::vector<pg::Rows>> early = create_task(gather(std::move(before)));
        co_await sleep(0ms);  // the 20 are in the pipeline
        TaskHandle<std::int64_t> copying = create_task(db.copy_records("copy_busy", id_and_note(), awkward_records(50'000)));
        co_await sleep(0ms);
        TaskHandle<std::int64_t> after = create_task(count_in(db, "copy_busy"));
        const std::vector<pg::Rows> answered = co_await early;
        EXPECT_EQ(answered.size(), 20u);
        EXPECT_EQ(co_await copying, 50'000);
        EXPECT_EQ(co_await after, 50'000);  // it waited for the whole COPY
    }(url()));
}

TEST_F(PostgresCopyTest, ACopyInsideATransactionRollsBackWithIt) {
    agentio::run([](std::string url) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(url);
        co_await db.execute("create temporary table copy_tx (id int, note text)");
        try {
            co_await db.transaction([&](pg::Transaction&) -> Task<> {
                co_await db.copy_records("copy_tx", id_and_note(), awkward_records(100));
                throw std::runtime_error("undo");
            });
        } catch (const std::runtime_error&) {
        }
        EXPECT_EQ(co_await count_in(db, "copy_tx"), 0);
    }(url()));
}

TEST_F(PostgresCopyTest, ACopyAbandonedMidwayClosesTheConnection) {
    agentio::run([](std::string url) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(url);
        Event first_row;
        TaskHandle<std::int64_t> reading = create_task(
            db.copy_out("copy (select g from generate_series(1, 1000000) g) to stdout", [&](std::string_view) -> Task<> {
                first_row.set();
                co_await sleep(1h);  // a sink that never finishes
            }));
        co_await first_row.wait();
        reading.cancel();
        bool cancelled = false;
        try {
            co_await reading;
        } catch (const CancelledError&) {
            cancelled = true;
        }
        EXPECT_TRUE(cancelled);
        EXPECT_FALSE(db.is_open());
    }(url()));
}

}  // namespace
