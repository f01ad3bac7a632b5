// postgres_binary_test.cpp: binary results against a real PostgreSQL 15. A
// prepared statement's first run reads text, later runs read binary; every
// value of every supported type reads the same either way, as each typed
// read and as the text the server writes (floats at every exponent, arrays
// of every dimension and bound, BC and infinite timestamps). Statements
// with a column of another type stay in text, and binary can be turned off.
#include <agentio/agentio.hpp>
#include <agentio/db/pg/connection.hpp>
#include <agentio/db/pg/errors.hpp>
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "integration/postgres_server.hpp"

using namespace agentio;
using namespace agentio::db;
using agentio::itest::PostgresServer;

namespace {

class PostgresBinaryTest : public itest::SharedPostgresTest {};

// One value of each supported type, and the awkward ones: quoting in
// arrays, multi-dimensional arrays and bounds other than 1, NULLs, BC and
// infinite timestamps, extreme integers.
constexpr const char* kEveryType =
    "select true as yes, false as no, (-32768)::int2 as small, (-2147483648)::int4 as medium, "
    "(-9223372036854775808)::int8 as big, 4294967295::oid as oid, 0.1::float8 as tenth, (-0.0)::float8 as minus_zero, "
    "'NaN'::float8 as nan, '-Infinity'::float4 as minus_inf, 1e15::float8 as big_float, 1e-5::float4 as small_float, "
    "'it''s \"quoted\"'::text as word, 'ab'::char(5) as padded, 'v'::varchar as short, 'pg_class'::name as named, "
    "'\\x00ff10'::bytea as raw, ''::bytea as no_bytes, '{\"b\": [1, 2], \"a\": null}'::json as doc, "
    "'{\"b\": [1, 2], \"a\": null}'::jsonb as docb, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid as id, "
    "'2026-12-06 07:28:19.5+00'::timestamptz as at, '2026-12-06 07:28:19+00'::timestamptz as at_second, "
    "'0044-03-15 12:00:00.000001 BC'::timestamp as ides, 'infinity'::timestamptz as forever, "
    "'-infinity'::timestamp as never, '{1,NULL,3}'::int4[] as ints, '{}'::int8[] as none, "
    "array['', 'NULL', 'null', 'a b', 'x\"y', 'back\\slash', '{}', 'c,d', e'tab\\there', 'plain']::text[] as words, "
    "'{{1,2},{3,4}}'::int4[] as grid, '[0:1]={5,6}'::int4[] as zero_based, '{0.25,-1.5,1e-7}'::float4[] as embedding, "
    "array['\\x01'::bytea, NULL] as blobs, array['{\"k\": 1}'::jsonb] as docs, "
    "array['2026-01-01 00:00:00+00'::timestamptz] as times, array['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid] as ids, "
    "array[true, false] as flags, null::int4 as nothing, null::text[] as no_words";

// Every column of every row, as the text the server writes (or "NULL").
std::vector<std::string> texts_of(const pg::Rows& rows) {
    std::vector<std::string> out;
    for (std::size_t row = 0; row < rows.size(); ++row)
        for (int column = 0; column < rows.columns(); ++column)
            out.push_back(std::string(rows.column_name(column)) + "=" + rows.text(row, column).value_or("NULL"));
    return out;
}

bool all_binary(const pg::Rows& rows) {
    for (int column = 0; column < rows.columns(); ++column)
        if (!rows.value(0, column).binary) return false;
    return rows.columns() > 0;
}

// Doubles at every decimal exponent, for the float formats' layout rules.
std::vector<double> floats_at_every_exponent() {
    std::vector<double> out{0.0, -0.0, DBL_MAX, DBL_MIN, DBL_TRUE_MIN, FLT_MAX, FLT_MIN, 1.0 / 3, M_PI, 123456.0,
                            1234567.0, 123456789012345.0, 1234567890123456.0, 0.0001, 0.00001, 0.000123456};
    for (int exponent = -320; exponent <= 308; exponent += 7)
        for (const double mantissa : {1.0, 1.5, 9.87654321, 2.0 / 3})
            out.push_back(mantissa * std::pow(10.0, exponent) * (exponent % 2 ? -1 : 1));
    return out;
}

void expect_every_type_read(const pg::Rows& rows) {
    ASSERT_EQ(rows.size(), 1u);
    const pg::Row row = rows[0];
    EXPECT_TRUE(row.get<bool>("yes"));
    EXPECT_EQ(row.get<std::int16_t>("small"), -32768);
    EXPECT_EQ(row.get<std::int64_t>("big"), INT64_MIN);
    EXPECT_EQ(row.get<std::int64_t>("oid"), 4294967295);
    EXPECT_EQ(row.get<double>("tenth"), 0.1);
    EXPECT_TRUE(std::isnan(row.get<double>("nan")));
    EXPECT_EQ(row.get<float>("minus_inf"), -HUGE_VALF);
    EXPECT_EQ(row.get<std::string>("padded"), "ab   ");
    EXPECT_EQ(row.get<pg::Bytea>("raw").bytes, std::string("\x00\xff\x10", 3));
    EXPECT_EQ(row.get<nlohmann::json>("docb"), nlohmann::json::parse(R"({"a": null, "b": [1, 2]})"));
    EXPECT_EQ(row.get<nlohmann::json>("doc")["b"][1], 2);
    EXPECT_EQ(row.get<std::string>("id"), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    const auto at = row.get<std::chrono::system_clock::time_point>("at");
    EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count(), 1'796'542'099'500);
    EXPECT_EQ(row.get<std::vector<std::optional<int>>>("ints"), (std::vector<std::optional<int>>{1, std::nullopt, 3}));
    EXPECT_TRUE(row.get<std::vector<std::int64_t>>("none").empty());
    EXPECT_EQ(row.get<std::vector<std::string>>("words").at(1), "NULL");
    EXPECT_EQ(row.get<std::vector<float>>("embedding"), (std::vector<float>{0.25f, -1.5f, 1e-7f}));
    EXPECT_EQ(row.get<std::vector<int>>("zero_based"), (std::vector<int>{5, 6}));
    EXPECT_EQ(row.get<std::vector<std::optional<pg::Bytea>>>("blobs").at(1), std::nullopt);
    EXPECT_EQ(row.get<std::vector<nlohmann::json>>("docs").at(0)["k"], 1);
    EXPECT_EQ(row.get<std::vector<bool>>("flags"), (std::vector<bool>{true, false}));
    EXPECT_EQ(row.get<std::optional<std::vector<std::string>>>("no_words"), std::nullopt);
}

TEST_F(PostgresBinaryTest, EveryTypeReadsTheSameInTextAndInBinary) {
    agentio::run([](std::string url) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(url);
        co_await db.execute("set timezone = 'UTC'");  // the text format's timestamptz, as binary reads it
        const pg::Rows first = co_await db.query(kEveryType);
        const pg::Rows second = co_await db.query(kEveryType);
        EXPECT_FALSE(first.value(0, 0).binary);
        EXPECT_TRUE(all_binary(second)) << "the second run should read binary";
        EXPECT_EQ(texts_of(first), texts_of(second));
        expect_every_type_read(first);
        expect_every_type_read(second);
    }(url()));
}

TEST_F(PostgresBinaryTest, FloatsAtEveryExponentReadAsTheServerWritesThem) {
    agentio::run([](std::string url) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(url);
        const std::vector<double> values = floats_at_every_exponent();
        const std::string sql =
            "select x, case when x = 0 or abs(x) between 1.2e-38 and 3.4e38 then x::float4 end as y "
            "from unnest($1::float8[]) as x";
        const pg::Rows first = co_await db.query(sql, values);
        const pg::Rows second = co_await db.query(sql, values);
        EXPECT_EQ(second.size(), values.size());
        EXPECT_TRUE(all_binary(second));
        EXPECT_EQ(texts_of(first), texts_of(second));
        for (std::size_t i = 0; i < second.size(); ++i) {
            EXPECT_EQ(second[i].get<double>("x"), values[i]);
            EXPECT_EQ(second[i].get<std::optional<double>>("y"), first[i].get<std::optional<double>>("y"));
        }
    }(url()));
}

// Each read of the same value, as a string: its value or its error.
std::string outcome(const std::function<std::string()>& read) {
    try {
        return read();
    } catch (const pg::ValueError& e) {
        return std::string("error: ") + e.what();
    }
}

// Reads of each column as other types than its own: their values or errors.
std::vector<std::string> reads_across_types(const pg::Row& row) {
    std::vector<std::string> out;
    out.push_back(outcome([&] { return std::to_string(row.get<std::int64_t>("digits")); }));
    out.push_back(outcome([&] { return std::to_string(row.get<double>("seven")); }));
    out.push_back(outcome([&] { return std::to_string(row.get<int>("two")); }));
    out.push_back(outcome([&] { return std::to_string(row.get<int>("two_and_a_half")); }));
    out.push_back(outcome([&] { return std::to_string(row.get<std::int64_t>("letters")); }));
    out.push_back(outcome([&] { return std::to_string(row.get<bool>("t")); }));
    out.push_back(outcome([&] { return std::to_string(row.get<bool>("seven")); }));
    out.push_back(outcome([&] { return std::to_string(row.get<std::vector<int>>("braces").size()); }));
    out.push_back(outcome([&] { return row.get<nlohmann::json>("json_text").dump(); }));
    out.push_back(outcome([&] { return row.get<nlohmann::json>("seven").dump(); }));
    out.push_back(outcome([&] { return std::to_string(row.get<std::vector<int>>("grid").size()); }));
    out.push_back(outcome([&] { return std::to_string(row.get<pg::Bytea>("letters").bytes.size()); }));
    out.push_back(outcome([&] {
        return std::to_string(row.get<std::chrono::system_clock::time_point>("forever").time_since_epoch().count());
    }));
    return out;
}

TEST_F(PostgresBinaryTest, AReadAcrossTypesGivesTheTextFormatsValueOrError) {
    agentio::run([](std::string url) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(url);
        const std::string sql =
            "select '42'::text as digits, 7::int4 as seven, 2.0::float8 as two, 2.5::float8 as two_and_a_half, "
            "'abc'::text as letters, 't'::text as t, '{1,2}'::text as braces, '{\"a\": 1}'::text as json_text, "
            "'{{1,2},{3,4}}'::int4[] as grid, 'infinity'::timestamptz as forever";
        const pg::Rows first = co_await db.query(sql);
        const pg::Rows second = co_await db.query(sql);
        EXPECT_TRUE(all_binary(second));
        const std::vector<std::string> text = reads_across_types(first[0]);
        const std::vector<std::string> binary = reads_across_types(second[0]);
        EXPECT_EQ(binary.at(0), "42");
        EXPECT_EQ(binary.at(2), "2");  // float8 2.0 is written "2"
        EXPECT_TRUE(binary.at(3).starts_with("error: ")) << binary.at(3);
        EXPECT_EQ(text.size(), binary.size());
        for (std::size_t i = 0; i < std::min(text.size(), binary.size()); ++i) {
            // The same outcome; an error may show the value differently.
            const bool both_errors = text[i].starts_with("error: ") && binary[i].starts_with("error: ");
            if (!both_errors) {
                EXPECT_EQ(text[i], binary[i]) << "read " << i;
            } else {
                EXPECT_NE(binary[i].find("column \""), std::string::npos) << binary[i];
            }
        }
    }(url()));
}

TEST_F(PostgresBinaryTest, AStatementWithAColumnOfAnotherTypeStaysInText) {
    agentio::run([](std::string url) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(url);
        const std::string sql = "select 1.50::numeric as price, 7::int4 as count, '2026-12-06'::date as day";
        (void)co_await db.query(sql);
        const pg::Rows second = co_await db.query(sql);
        EXPECT_FALSE(second.value(0, 1).binary);
        EXPECT_EQ(second[0].get<std::string>("price"), "1.50");
        EXPECT_EQ(second[0].get<double>("price"), 1.5);
        EXPECT_EQ(second[0].get<std::string>("day"), "2026-12-06");
        EXPECT_EQ(second[0].get<int>("count"), 7);
    }(url()));
}

TEST_F(PostgresBinaryTest, BinaryResultsCanBeTurnedOff) {
    agentio::run([](std::string url) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(url, {.binary_results = false});
        (void)co_await db.query("select 1::int4 as one");
        const pg::Rows second = co_await db.query("select 1::int4 as one");
        EXPECT_FALSE(second.value(0, 0).binary);
        EXPECT_EQ(second[0].get<int>("one"), 1);
        EXPECT_EQ(db.cached_statements(), 1u);
    }(url()));
}

TEST_F(PostgresBinaryTest, APipelinesSecondRunReadsBinaryToo) {
    agentio::run([](std::string url) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(url);
        for (int run = 0; run < 2; ++run) {
            pg::Pipeline batch;
            batch.add("select $1::float4[] as embedding", std::vector<float>{0.5f, 2.0f});
            batch.add("select 'x'::text as word, 3::int8 as n");
            const std::vector<pg::Rows> results = co_await db.pipeline(std::move(batch));
            EXPECT_EQ(results.size(), 2u);
            if (results.size() != 2) co_return;
            EXPECT_EQ(results[0].value(0, 0).binary, run == 1);
            EXPECT_EQ(results[1].value(0, 1).binary, run == 1);
            EXPECT_EQ(results[0][0].get<std::vector<float>>("embedding"), (std::vector<float>{0.5f, 2.0f}));
            EXPECT_EQ(results[1][0].get<std::int64_t>("n"), 3);
        }
    }(url()));
}

TEST_F(PostgresBinaryTest, AColumnWhoseTypeChangedIsReadInItsNewType) {
    agentio::run([](std::string url) -> Task<> {
        pg::Connection db = co_await pg::Connection::connect(url);
        co_await db.execute("drop table if exists binary_changing");
        co_await db.execute("create table binary_changing (v int4)");
        co_await db.execute("insert into binary_changing values (5)");
        for (int run = 0; run < 2; ++run) (void)co_await db.query("select v from binary_changing");
        co_await db.execute("alter table binary_changing alter column v type text");
        // The cached plan is stale: prepared again, read once in text, then binary.
        for (int run = 0; run < 2; ++run) {
            const pg::Rows rows = co_await db.query("select v from binary_changing");
            EXPECT_EQ(rows[0].get<std::string>("v"), "5");
            EXPECT_EQ(rows[0].get<int>("v"), 5);
        }
        co_await db.execute("drop table binary_changing");
    }(url()));
}

}  // namespace
