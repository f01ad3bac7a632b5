// pg_values_test.cpp: C++ values to PostgreSQL's text format and back,
// without a server: parameters, arrays, timestamps, bytea, and the errors
// that name a column.
#include <agentio/db/pg/errors.hpp>
#include <agentio/db/pg/params.hpp>
#include <agentio/db/pg/rows.hpp>
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <functional>

using namespace agentio::db::pg;

namespace {

std::string value_error_of(const std::function<void()>& read) {
    try {
        read();
    } catch (const ValueError& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(PgParams, WriteEachTypeAsTheServerReadsIt) {
    EXPECT_EQ(to_param(true), "t");
    EXPECT_EQ(to_param(-42), "-42");
    EXPECT_EQ(to_param(std::uint16_t{7}), "7");
    EXPECT_EQ(to_param(0.1), "0.1");
    EXPECT_EQ(to_param(HUGE_VAL), "Infinity");
    EXPECT_EQ(to_param(std::nan("")), "NaN");
    EXPECT_EQ(to_param("text"), "text");
    EXPECT_EQ(to_param(Bytea{std::string("\x00\xab", 2)}), "\\x00ab");
    EXPECT_EQ(to_param(nlohmann::json{{"a", 1}}), R"({"a":1})");
    EXPECT_EQ(to_param(std::optional<int>()), std::nullopt);
    EXPECT_EQ(to_param(std::optional<int>(3)), "3");
    EXPECT_EQ(to_param(std::vector<float>{1.5f, -2.0f}), R"({"1.5","-2"})");
    EXPECT_EQ(to_param(std::vector<std::string>{"a\"b", "c,d"}), R"({"a\"b","c,d"})");
    EXPECT_EQ(to_param(std::vector<std::optional<int>>{1, std::nullopt}), R"({"1",NULL})");
    const auto when = std::chrono::system_clock::time_point(std::chrono::microseconds(1'765'000'000'123'456));
    EXPECT_EQ(to_param(when), "2025-12-06 05:46:40.123456+00");
}

TEST(PgValues, ReadWhatTheServerWrites) {
    using detail::from_text;
    EXPECT_EQ(from_text<std::int32_t>("-12", "n"), -12);
    EXPECT_EQ(from_text<double>("-Infinity", "x"), -HUGE_VAL);
    EXPECT_EQ(from_text<std::optional<bool>>(std::nullopt, "b"), std::nullopt);
    EXPECT_EQ(from_text<Bytea>("\\x00ff", "raw").bytes, std::string("\x00\xff", 2));
    EXPECT_EQ(from_text<std::vector<int>>("{1,2,3}", "ids"), (std::vector<int>{1, 2, 3}));
    EXPECT_EQ(from_text<std::vector<std::optional<std::string>>>(R"({"a,b",NULL,"x\"y",plain})", "t"),
              (std::vector<std::optional<std::string>>{"a,b", std::nullopt, "x\"y", "plain"}));
    EXPECT_TRUE(from_text<std::vector<int>>("{}", "none").empty());
    const auto utc = from_text<std::chrono::system_clock::time_point>("2025-12-06 05:46:40.123456+00", "at");
    EXPECT_EQ(std::chrono::duration_cast<std::chrono::microseconds>(utc.time_since_epoch()).count(), 1'765'000'000'123'456);
    const auto offset = from_text<std::chrono::system_clock::time_point>("2025-12-06 07:46:40+02", "at");
    EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(offset.time_since_epoch()).count(), 1'765'000'000);
}

TEST(PgValues, NameTheColumnOfAValueThatDoesNotConvert) {
    using detail::from_text;
    EXPECT_EQ(value_error_of([] { from_text<int>("12x", "age"); }), "column \"age\": `12x` is not an integer");
    EXPECT_EQ(value_error_of([] { from_text<int>(std::nullopt, "age"); }), "column \"age\" is NULL; read it as a std::optional");
    EXPECT_EQ(value_error_of([] { from_text<bool>("yes", "ok"); }), "column \"ok\": `yes` is not a boolean (t or f)");
    EXPECT_EQ(value_error_of([] { from_text<std::vector<int>>("{{1},{2}}", "grid"); }),
              "column \"grid\": `{{1},{2}}` is not a one-dimensional array");
    EXPECT_EQ(value_error_of([] { from_text<std::chrono::system_clock::time_point>("yesterday", "at"); }),
              "column \"at\": `yesterday` is not a timestamp with time zone");
}

TEST(PgValues, ATimestampBeyondWhatSystemClockHoldsIsAnErrorNotAWrappedTime) {
    using Time = std::chrono::system_clock::time_point;
    using detail::from_text;
    EXPECT_EQ(value_error_of([] { from_text<Time>("6026-12-06 07:28:19.123456+05:30", "at"); }),
              "column \"at\": `6026-12-06 07:28:19.123456+05:30` is not a timestamp within std::chrono::system_clock's "
              "range (the years 1678 to 2261)");
    EXPECT_EQ(value_error_of([] { from_text<Time>("2026-13-06 07:28:19+00", "at"); }),
              "column \"at\": `2026-13-06 07:28:19+00` is not a timestamp with time zone");
    const Time edge = from_text<Time>("2261-12-31 23:59:59.999999+00", "at");
    EXPECT_EQ(std::chrono::duration_cast<std::chrono::microseconds>(edge.time_since_epoch()).count(), 9'214'646'399'999'999);
}

// Big-endian bytes, as the binary format has them.
std::string be32(std::uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}
std::string be64(std::uint64_t v) { return be32(static_cast<std::uint32_t>(v >> 32)) + be32(static_cast<std::uint32_t>(v)); }
std::string float8_bytes(double v) { return be64(std::bit_cast<std::uint64_t>(v)); }
std::string float4_bytes(float v) { return be32(std::bit_cast<std::uint32_t>(v)); }

constexpr unsigned kInt4 = 23, kFloat4 = 700, kFloat8 = 701, kTimestamptz = 1184, kTimestamp = 1114, kFloat4Array = 1021;

detail::Value binary(const std::string& bytes, unsigned type) { return detail::Value{bytes, type, true}; }

TEST(PgBinaryValues, AFloat4ArrayReadsAsAnEmbedding) {
    const std::string array = be32(1) + be32(0) + be32(kFloat4) + be32(3) + be32(1) + be32(4) + float4_bytes(0.25f) +
                              be32(4) + float4_bytes(-1.5f) + be32(4) + float4_bytes(3.0f);
    EXPECT_EQ(detail::from_value<std::vector<float>>(binary(array, kFloat4Array), "v"), (std::vector<float>{0.25f, -1.5f, 3.0f}));
    EXPECT_EQ(detail::binary_text(array, kFloat4Array, "v"), "{0.25,-1.5,3}");
}

TEST(PgBinaryValues, FloatsAreWrittenAsFloat8outAndFloat4outWriteThem) {
    const auto text8 = [](double v) { return detail::binary_text(float8_bytes(v), kFloat8, "x"); };
    const auto text4 = [](float v) { return detail::binary_text(float4_bytes(v), kFloat4, "x"); };
    EXPECT_EQ(text8(1e15), "1e+15");
    EXPECT_EQ(text8(123456789012345.0), "123456789012345");
    EXPECT_EQ(text8(1234567890123456.0), "1.234567890123456e+15");
    EXPECT_EQ(text8(0.0001), "0.0001");
    EXPECT_EQ(text8(0.00001), "1e-05");
    EXPECT_EQ(text8(-0.0), "-0");
    EXPECT_EQ(text8(0.1), "0.1");
    EXPECT_EQ(text8(1e300), "1e+300");
    EXPECT_EQ(text8(-HUGE_VAL), "-Infinity");
    EXPECT_EQ(text4(1e6f), "1e+06");
    EXPECT_EQ(text4(123456.0f), "123456");
    EXPECT_EQ(text4(1234567.0f), "1.234567e+06");
    EXPECT_EQ(text4(std::nanf("")), "NaN");
}

TEST(PgBinaryValues, TimestampsAreWrittenInIsoAndUtc) {
    constexpr std::int64_t kDay = 86'400'000'000;
    EXPECT_EQ(detail::binary_text(be64(500'000), kTimestamptz, "at"), "2000-01-01 00:00:00.5+00");
    EXPECT_EQ(detail::binary_text(be64(static_cast<std::uint64_t>(-kDay)), kTimestamp, "at"), "1999-12-31 00:00:00");
    EXPECT_EQ(detail::binary_text(be64(static_cast<std::uint64_t>(INT64_MAX)), kTimestamptz, "at"), "infinity");
    // 1 BC is the year 0 of the proleptic calendar: 730,485 days before 2000.
    EXPECT_EQ(detail::binary_text(be64(static_cast<std::uint64_t>(-730'485 * kDay)), kTimestamp, "at"),
              "0001-01-01 00:00:00 BC");
    EXPECT_EQ(value_error_of([] {
                  detail::from_value<std::chrono::system_clock::time_point>(
                      binary(be64(static_cast<std::uint64_t>(INT64_MAX)), kTimestamptz), "at");
              }),
              "column \"at\": `infinity` is not a timestamp within std::chrono::system_clock's range (the years 1678 to 2261)");
}

TEST(PgBinaryValues, MalformedBytesAreAnErrorNamingTheColumn) {
    EXPECT_EQ(value_error_of([] { detail::from_value<int>(binary("\x01\x02", kInt4), "n"); }),
              "column \"n\": 2 bytes are not PostgreSQL's binary int4");
    // An array claiming a billion elements in 28 bytes: refused before any allocation.
    const std::string lying = be32(1) + be32(0) + be32(kInt4) + be32(1'000'000'000) + be32(1) + be32(4) + be32(7);
    EXPECT_EQ(value_error_of([&] { detail::from_value<std::vector<int>>(binary(lying, 1007), "ids"); }),
              "column \"ids\": 28 bytes are not PostgreSQL's binary array: more elements than bytes");
    const std::string short_element = be32(1) + be32(0) + be32(kInt4) + be32(1) + be32(1) + be32(9) + be32(7);
    EXPECT_EQ(value_error_of([&] { detail::from_value<std::vector<int>>(binary(short_element, 1007), "ids"); }),
              "column \"ids\": 28 bytes are not PostgreSQL's binary array: an element runs past its end");
    const std::string grid = be32(2) + be32(0) + be32(kInt4) + be32(1) + be32(1) + be32(1) + be32(1) + be32(4) + be32(7);
    EXPECT_EQ(value_error_of([&] { detail::from_value<std::vector<int>>(binary(grid, 1007), "grid"); }),
              "column \"grid\": an array of 2 dimensions is not a one-dimensional array");
    EXPECT_EQ(detail::binary_text(grid, 1007, "grid"), "{{7}}");
}

TEST(PgErrors, SayTheStateTheMessageTheDetailAndTheQuery) {
    const PgError error({.sqlstate = "23505", .message = "duplicate key value violates unique constraint \"items_pkey\"",
                         .detail = "Key (id)=(1) already exists.", .hint = "", .query = "insert into items values ($1)"});
    EXPECT_STREQ(error.what(),
                 "postgres: duplicate key value violates unique constraint \"items_pkey\" (SQLSTATE 23505); detail: Key "
                 "(id)=(1) already exists.; query: insert into items values ($1)");
}

}  // namespace
