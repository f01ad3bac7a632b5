// postgres_client_test.cpp: db::pg::Connection against a real PostgreSQL 15
// on loopback: every parameter and column type round-trips, 500 tasks share
// one pipelined connection, an error fails only its own query, commands
// count their rows, a query abandoned by its task leaves the others'
// results in order, connect errors say why, and a killed server fails what
// waits on it.
#include <agentio/agent/describe.hpp>
#include <agentio/agentio.hpp>
#include <agentio/db/pg/connection.hpp>
#include <agentio/db/pg/errors.hpp>
#include <agentio/net/errors.hpp>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "integration/postgres_server.hpp"
#include "net/tls_support.hpp"

using namespace agentio;
using namespace agentio::db;
using namespace std::chrono_literals;
using agentio::itest::PostgresServer;

namespace {

class PostgresClientTest : public itest::SharedPostgresTest {};

// Built outside the coroutines: g++ 12 cannot compile braced lists of
// strings inside one.
std::vector<float> embedding() { return {0.25f, -1.5f, 3.0f}; }
pg::Bytea some_bytes() { return pg::Bytea{std::string("\0\x01\xff bytes", 9)}; }
std::vector<std::string> tricky_words() { return {"a,b", "NULL", "{x}"}; }

TEST_F(PostgresClientTest, EveryTypeRoundTripsThroughParametersAndColumns) {
    agentio::run([](std::string url) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(url);
        const auto when = std::chrono::system_clock::time_point(std::chrono::microseconds(1'765'000'000'123'456));
        const nlohmann::json document = nlohmann::json::parse(R"({"name": "Ada", "tags": ["x", "y"]})");
        const pg::Bytea bytes = some_bytes();
        const std::vector<std::string> tricky = tricky_words();
        const std::optional<std::int64_t> nothing;
        const std::vector<float> vector = embedding();
        pg::Rows rows = co_await db.query(
            "select $1::int8 as big, $2::float8 as real, $3::text as word, $4::bool as yes, $5::bytea as raw, "
            "$6::jsonb as doc, $7::timestamptz as at, $8::float4[] as embedding, $9::int4 as missing, "
            "$10::float8 as infinite, $11::text[] as words",
            std::int64_t{-9'000'000'000}, 2.5, "it's \"quoted\"", true, bytes, document, when, vector, nothing, HUGE_VAL,
            tricky);
        EXPECT_EQ(rows.size(), 1u);
        if (rows.empty()) co_return;
        const pg::Row row = rows[0];
        EXPECT_EQ(row.get<std::int64_t>("big"), -9'000'000'000);
        EXPECT_EQ(row.get<double>("real"), 2.5);
        EXPECT_EQ(row.get<std::string>("word"), "it's \"quoted\"");
        EXPECT_TRUE(row.get<bool>("yes"));
        EXPECT_TRUE(row.get<pg::Bytea>("raw") == bytes);
        EXPECT_EQ(row.get<nlohmann::json>("doc"), document);
        EXPECT_TRUE(row.get<std::chrono::system_clock::time_point>("at") == when);
        EXPECT_EQ(row.get<std::vector<float>>("embedding"), vector);
        EXPECT_EQ(row.get<std::optional<std::int32_t>>("missing"), std::nullopt);
        EXPECT_TRUE(row.is_null(8));
        EXPECT_TRUE(std::isinf(row.get<double>("infinite")));
        const std::vector<std::string> words = row.get<std::vector<std::string>>("words");
        EXPECT_EQ(words.size(), 3u);
        if (words.size() == 3) {
            EXPECT_EQ(words[0], "a,b");
            EXPECT_EQ(words[1], "NULL");  // the text, not a NULL
            EXPECT_EQ(words[2], "{x}");
        }
        std::string error;
        try {
            (void)row.get<std::int64_t>("missing");
        } catch (const pg::ValueError& e) {
            error = e.what();
        }
        EXPECT_EQ(error, "column \"missing\" is NULL; read it as a std::optional");
    }(url()));
}

Task<std::int64_t> echo(pg::Connection& db, int value) {
    pg::Rows rows = co_await db.query("select $1::int8 as value", value);
    co_return rows[0].get<std::int64_t>("value");
}

struct Product {
    std::int64_t id = 0;
    std::string name;
    std::optional<double> price;
    std::vector<std::string> tags;
    static auto describe() {
        return agent::fields(agent::field("id", &Product::id), agent::field("name", &Product::name),
                             agent::field("price", &Product::price), agent::field("tags", &Product::tags));
    }
};

struct Misnamed {
    std::int64_t id = 0;
    std::string title;
    static auto describe() { return agent::fields(agent::field("id", &Misnamed::id), agent::field("title", &Misnamed::title)); }
};

TEST_F(PostgresClientTest, RowsReadIntoADescribedStructByColumnName) {
    agentio::run([](std::string url) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(url);
        pg::Rows rows = co_await db.query(
            "select * from (values (2, 'lamp', null::float8, '{}'::text[], 'ignored'), "
            "(1, 'desk', 120.5, '{wood,office}'::text[], 'ignored')) as p(id, name, price, tags, extra) order by id");
        const std::vector<Product> products = rows.as<Product>();
        EXPECT_EQ(products.size(), 2u);
        if (products.size() != 2) co_return;
        EXPECT_EQ(products[0].id, 1);
        EXPECT_EQ(products[0].name, "desk");
        EXPECT_EQ(products[0].price, 120.5);
        EXPECT_EQ(products[0].tags, (std::vector<std::string>{"wood", "office"}));
        EXPECT_EQ(products[1].price, std::nullopt);
        EXPECT_TRUE(products[1].tags.empty());
        std::string error;
        try {
            (void)rows.as<Misnamed>();
        } catch (const pg::ValueError& e) {
            error = e.what();
        }
        EXPECT_NE(error.find("title"), std::string::npos) << error;
    }(url()));
}

TEST_F(PostgresClientTest, FiveHundredTasksShareOnePipelinedConnection) {
    agentio::run([](std::string url) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(url);
        std::vector<Task<std::int64_t>> all;
        for (int i = 0; i < 500; ++i) all.push_back(echo(db, i));
        const std::vector<std::int64_t> values = co_await gather(std::move(all));
        for (int i = 0; i < 500; ++i) EXPECT_EQ(values[static_cast<std::size_t>(i)], i);
    }(url()));
}

TEST_F(PostgresClientTest, AnErrorFailsOnlyItsOwnQueryAndSaysWhy) {
    agentio::run([](std::string url) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(url);
        std::vector<Task<pg::Rows>> three;
        three.push_back(db.query("select 1 as one"));
        three.push_back(db.query("select * from no_such_table where id = $1", 7));
        three.push_back(db.query("select 2 as two"));
        std::vector<Outcome<pg::Rows>> outcomes = co_await gather(return_exceptions, std::move(three));
        EXPECT_TRUE(outcomes[0] && outcomes[0].value()[0].get<int>("one") == 1);
        EXPECT_TRUE(outcomes[2] && outcomes[2].value()[0].get<int>("two") == 2);
        std::string sqlstate, message, what;
        try {
            if (!outcomes[1]) std::rethrow_exception(outcomes[1].error());
        } catch (const pg::PgError& e) {
            sqlstate = e.sqlstate();
            message = e.message();
            what = e.what();
        }
        EXPECT_EQ(sqlstate, "42P01");
        EXPECT_EQ(message, "relation \"no_such_table\" does not exist");
        EXPECT_NE(what.find("query: select * from no_such_table where id = $1"), std::string::npos) << what;
        pg::Rows after = co_await db.query("select 3 as three");
        EXPECT_EQ(after[0].get<int>("three"), 3);
    }(url()));
}

TEST_F(PostgresClientTest, CommandsCountTheRowsTheyTouched) {
    agentio::run([](std::string url) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(url);
        co_await db.execute("create temporary table items (id int8 primary key, name text)");
        EXPECT_EQ(co_await db.execute("insert into items values (1, 'a'), (2, 'b'), (3, 'c')"), 3);
        EXPECT_EQ(co_await db.execute("update items set name = upper(name) where id >= $1", 2), 2);
        pg::Rows rows = co_await db.query("select id, name from items order by id");
        EXPECT_EQ(rows.size(), 3u);
        std::string names;
        for (pg::Row row : rows) names += row.get<std::string>("name");
        EXPECT_EQ(names, "aBC");
        std::string duplicate;
        try {
            co_await db.execute("insert into items values ($1, $2)", 1, "again");
        } catch (const pg::PgError& e) {
            duplicate = e.sqlstate() + " " + e.detail();
        }
        EXPECT_EQ(duplicate, "23505 Key (id)=(1) already exists.");
    }(url()));
}

TEST_F(PostgresClientTest, AQueryItsTaskAbandonedLeavesTheOthersResultsInOrder) {
    agentio::run([](std::string url) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(url);
        Task<pg::Rows> slow = db.query("select pg_sleep(0.3), 'slow' as who");
        bool timed_out = false;
        try {
            co_await wait_for(std::move(slow), 50ms);
        } catch (const TimeoutError&) {
            timed_out = true;
        }
        EXPECT_TRUE(timed_out);
        pg::Rows next = co_await db.query("select 'next' as who");
        EXPECT_EQ(next[0].get<std::string>("who"), "next");
    }(url()));
}

TEST_F(PostgresClientTest, AHostNameIsResolvedOnTheLoop) {
    const std::string by_name = "postgresql://agentio@localhost:" + std::to_string(itest::shared_postgres_server().port()) + "/postgres";
    agentio::run([](std::string url) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(url);
        pg::Rows rows = co_await db.query("select 42 as answer");
        EXPECT_EQ(rows[0].get<int>("answer"), 42);
    }(by_name));
}

TEST_F(PostgresClientTest, AUnixSocketServesAsTcpDoes) {
    const itest::PostgresServer& server = itest::shared_postgres_server();
    const std::string local = "host=" + server.socket_dir() + " port=" + std::to_string(server.port()) +
                              " user=agentio dbname=postgres";
    agentio::run([](std::string local) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(local);
        std::vector<Task<pg::Rows>> queries;
        for (int i = 0; i < 100; ++i) queries.push_back(db.query("select $1::int as i", i));
        const std::vector<pg::Rows> answers = co_await gather(std::move(queries));
        EXPECT_EQ(answers[99][0].get<int>("i"), 99);
        pg::Rows where = co_await db.query("select inet_client_addr() is null as local");
        EXPECT_TRUE(where[0].get<bool>("local"));  // no TCP peer address: the Unix socket
    }(local));
}

TEST_F(PostgresClientTest, ConnectErrorsSayWhy) {
    const std::uint16_t closed = itest::free_port();
    const std::string refused = "postgresql://agentio@127.0.0.1:" + std::to_string(closed) + "/postgres";
    const std::string no_database = itest::shared_postgres_server().url("no_such_database");
    agentio::run([](std::string refused, std::string no_database) -> Task<> {
        std::string first, second, third;
        try {
            co_await pg::Connection::connect(refused);
        } catch (const net::ConnectionError& e) {
            first = e.what();
        }
        EXPECT_NE(first.find("Connection refused"), std::string::npos) << first;
        try {
            co_await pg::Connection::connect(no_database);
        } catch (const net::ConnectionError& e) {
            second = e.what();
        }
        EXPECT_NE(second.find("database \"no_such_database\" does not exist"), std::string::npos) << second;
        try {
            co_await pg::Connection::connect("postgresql://[oops");
        } catch (const Error& e) {
            third = e.what();
        }
        EXPECT_NE(third.find("postgres connection string: "), std::string::npos) << third;
    }(refused, no_database));
}

TEST_F(PostgresClientTest, SslModeVerifyFullSpeaksTlsAndChecksTheServersName) {
    if (!testkit::have_openssl_cli()) GTEST_SKIP() << "needs the openssl command line";
    const testkit::TestCertificates& certs = testkit::test_certificates();
    PostgresServer server(itest::PostgresServerConfig{.ssl_cert = certs.server_cert, .ssl_key = certs.server_key});
    const std::string base = "postgresql://agentio@localhost:" + std::to_string(server.port()) + "/postgres";
    const std::string verified = base + "?sslmode=verify-full&sslrootcert=" + certs.ca_cert;
    const std::string unknown_ca = base + "?sslmode=verify-full&sslrootcert=" + certs.self_signed_cert;
    agentio::run([](std::string verified, std::string unknown_ca) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(verified);
        // Many results at once: libpq reads them through TLS records, so
        // bytes can wait in the TLS layer with the socket itself drained.
        std::vector<Task<pg::Rows>> queries;
        for (int i = 0; i < 200; ++i) queries.push_back(db.query("select $1::int as i, repeat('x', 3000) as pad", i));
        const std::vector<pg::Rows> answers = co_await gather(std::move(queries));
        EXPECT_EQ(answers.size(), 200u);
        EXPECT_EQ(answers.back()[0].get<int>("i"), 199);
        pg::Rows ssl = co_await db.query("select ssl from pg_stat_ssl where pid = pg_backend_pid()");
        EXPECT_TRUE(ssl[0].get<bool>("ssl"));
        std::string refused;
        try {
            co_await pg::Connection::connect(unknown_ca);
        } catch (const net::ConnectionError& e) {
            refused = e.what();
        }
        EXPECT_NE(refused.find("certificate verify failed"), std::string::npos) << refused;
    }(verified, unknown_ca));
}

TEST_F(PostgresClientTest, AKilledServerFailsTheQueriesWaitingOnIt) {
    PostgresServer server;
    agentio::run([](PostgresServer& server) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(server.url());
        TaskHandle<pg::Rows> sleeping = create_task(db.query("select pg_sleep(10)"));
        co_await sleep(100ms);
        co_await to_thread([&server] { server.kill(); });
        std::string error;
        try {
            co_await sleeping;
        } catch (const net::ConnectionError& e) {
            error = e.what();
        }
        EXPECT_NE(error.find("postgres 127.0.0.1:" + std::to_string(server.port())), std::string::npos) << error;
        EXPECT_FALSE(db.is_open());
    }(server));
}

}  // namespace
