// pg_values_test.cpp: C++ values to PostgreSQL's text format and back,
// without a server: parameters, arrays, timestamps, bytea, and the errors
// that name a column.
#include <agentio/db/pg/errors.hpp>
#include <agentio/db/pg/params.hpp>
#include <agentio/db/pg/rows.hpp>
#include <gtest/gtest.h>

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

TEST(PgErrors, SayTheStateTheMessageTheDetailAndTheQuery) {
    const PgError error({.sqlstate = "23505", .message = "duplicate key value violates unique constraint \"items_pkey\"",
                         .detail = "Key (id)=(1) already exists.", .hint = "", .query = "insert into items values ($1)"});
    EXPECT_STREQ(error.what(),
                 "postgres: duplicate key value violates unique constraint \"items_pkey\" (SQLSTATE 23505); detail: Key "
                 "(id)=(1) already exists.; query: insert into items values ($1)");
}

}  // namespace
