// rows.hpp: Rows, a query's result, and Row, one of its rows, with typed
// access to the values.
//
// compile-context: extern Connection db; extern std::string team;
//     pg::Rows rows = co_await db.query("select id, name, score from users where team = $1", team);
//     for (pg::Row row : rows)
//         std::cout << row.get<std::int64_t>("id") << " " << row.get<std::optional<std::string>>("name").value_or("-") << "\n";
//
// get<T>() reads the column by name or index into T: the integer types,
// double and float (Infinity, NaN), bool, std::string, Bytea,
// nlohmann::json, system clock time points (timestamptz), std::vector<T> of
// those (one-dimensional arrays), and std::optional<T> for a column that
// may be NULL. A NULL read as a plain T, text that does not convert, or a
// column that does not exist is a ValueError naming the column.
// rows.as<T>() reads every row into a struct that describes its fields as
// agent tools' parameter structs do (a static describe() returning
// agent::fields(agent::field("id", &User::id), ...)): each described field
// from the column of its name, by get<FieldType>; columns the struct does not
// describe are ignored, and a described field with no column is a ValueError
// naming it.
//
// compile-context: extern Connection db;
//     struct User {
//         std::int64_t id;
//         std::string name;
//         std::optional<std::string> email;
//         static auto describe() {
//             return agent::fields(agent::field("id", &User::id), agent::field("name", &User::name),
//                                  agent::field("email", &User::email));
//         }
//     };
//     std::vector<User> users = (co_await db.query("select * from users")).as<User>();
//
// Values come in PostgreSQL's text format or, for a prepared statement's
// later runs, its binary format (connection.hpp); every get<T>() gives the
// same value and the same errors either way. get<std::string>() on a
// binary value gives the text the server writes with its default settings
// (floats shortest and exact, bytea in hex, timestamptz in UTC).
//
// A Rows owns its result and is cheap to copy (shared); a Row refers to its
// Rows and must not outlive it.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <tuple>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "agentio/db/pg/params.hpp"

struct pg_result;  // libpq's PGresult

namespace agentio::db::pg {

class Row;

namespace detail {

// A value as the result holds it: the server's text, or its binary format
// of `type` (an OID). Binary only for the types binary_readable() names.
struct Value {
    std::optional<std::string_view> bytes;  // nullopt: NULL
    unsigned type = 0;
    bool binary = false;
};

// Text (as the server wrote it) to T; `column` names it in errors.
std::int64_t parse_integer(std::string_view text, std::string_view column);
// A float4 column's text (`type` 700) reads as the float it names, widened,
// as its binary format does.
double parse_double(std::string_view text, std::string_view column, unsigned type = 0);
bool parse_bool(std::string_view text, std::string_view column);
Bytea parse_bytea(std::string_view text, std::string_view column);
nlohmann::json parse_json(std::string_view text, std::string_view column);
std::chrono::system_clock::time_point parse_timestamp(std::string_view text, std::string_view column);
// The elements of a one-dimensional array literal ("{a,b}", or with its
// bounds, "[0:1]={a,b}"), nullopt for NULL.
std::vector<std::optional<std::string>> parse_array(std::string_view text, std::string_view column);
[[noreturn]] void null_value(std::string_view column);

// Columns of `type` can be read from PostgreSQL's binary format: integers,
// float4/8, bool, the text types, bytea, json/jsonb, uuid, timestamp(tz),
// and arrays of those. binary.cpp.
bool binary_readable(unsigned type);
// The binary format of `type` to T. A direct reader where the type is T's
// natural column (int8 to an integer, float4 to a float); otherwise through
// binary_text, so that every read gives what the text format would.
std::int64_t binary_integer(std::string_view bytes, unsigned type, std::string_view column);
double binary_double(std::string_view bytes, unsigned type, std::string_view column);
bool binary_bool(std::string_view bytes, unsigned type, std::string_view column);
Bytea binary_bytea(std::string_view bytes, unsigned type, std::string_view column);
nlohmann::json binary_json(std::string_view bytes, unsigned type, std::string_view column);
std::chrono::system_clock::time_point binary_timestamp(std::string_view bytes, unsigned type, std::string_view column);
// The text the server writes for the value with its default settings
// (DateStyle ISO, and UTC for timestamptz: "2026-12-06 07:28:19.5+00").
std::string binary_text(std::string_view bytes, unsigned type, std::string_view column);
bool is_array_type(unsigned type);
// The type of an array type's elements; 0 for a type that is not a known array.
unsigned array_element_type(unsigned type);
// The elements of a one-dimensional array (ValueError for more dimensions)
// in the binary format of `element_type`, nullopt for NULL.
struct BinaryArray {
    unsigned element_type = 0;
    std::vector<std::optional<std::string_view>> elements;
};
BinaryArray binary_array(std::string_view bytes, std::string_view column);

// How a column's value becomes a T, from either format: one specialisation
// per type with both readers side by side, so that no type reads in one
// format and not the other.
template <class T>
struct Decode;

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

template <class T>
T from_value(const Value& value, std::string_view column) {
    if constexpr (IsOptional<T>::value) {
        if (!value.bytes) return std::nullopt;
        return from_value<typename T::value_type>(value, column);
    } else {
        if (!value.bytes) null_value(column);
        if (value.binary) return Decode<T>::binary(*value.bytes, value.type, column);
        return Decode<T>::text(*value.bytes, value.type, column);
    }
}

// A value in text format (nullopt: NULL) to T.
template <class T>
T from_text(std::optional<std::string_view> text, std::string_view column) {
    return from_value<T>(Value{text}, column);
}

template <class T>
    requires std::is_integral_v<T> && (!std::is_same_v<T, bool>)
struct Decode<T> {
    static T text(std::string_view text, unsigned, std::string_view column) {
        return static_cast<T>(parse_integer(text, column));
    }
    static T binary(std::string_view bytes, unsigned type, std::string_view column) {
        return static_cast<T>(binary_integer(bytes, type, column));
    }
};
template <>
struct Decode<bool> {
    static bool text(std::string_view text, unsigned, std::string_view column) { return parse_bool(text, column); }
    static bool binary(std::string_view bytes, unsigned type, std::string_view column) {
        return binary_bool(bytes, type, column);
    }
};
template <class T>
    requires std::is_same_v<T, double> || std::is_same_v<T, float>
struct Decode<T> {
    static T text(std::string_view text, unsigned type, std::string_view column) {
        return static_cast<T>(parse_double(text, column, type));
    }
    static T binary(std::string_view bytes, unsigned type, std::string_view column) {
        return static_cast<T>(binary_double(bytes, type, column));
    }
};
template <>
struct Decode<std::string> {
    static std::string text(std::string_view text, unsigned, std::string_view) { return std::string(text); }
    static std::string binary(std::string_view bytes, unsigned type, std::string_view column) {
        return binary_text(bytes, type, column);
    }
};
template <>
struct Decode<Bytea> {
    static Bytea text(std::string_view text, unsigned, std::string_view column) { return parse_bytea(text, column); }
    static Bytea binary(std::string_view bytes, unsigned type, std::string_view column) {
        return binary_bytea(bytes, type, column);
    }
};
template <>
struct Decode<nlohmann::json> {
    static nlohmann::json text(std::string_view text, unsigned, std::string_view column) { return parse_json(text, column); }
    static nlohmann::json binary(std::string_view bytes, unsigned type, std::string_view column) {
        return binary_json(bytes, type, column);
    }
};
template <>
struct Decode<std::chrono::system_clock::time_point> {
    static std::chrono::system_clock::time_point text(std::string_view text, unsigned, std::string_view column) {
        return parse_timestamp(text, column);
    }
    static std::chrono::system_clock::time_point binary(std::string_view bytes, unsigned type, std::string_view column) {
        return binary_timestamp(bytes, type, column);
    }
};
template <class T>
struct Decode<std::vector<T>> {
    static std::vector<T> text(std::string_view text, unsigned type, std::string_view column) {
        const unsigned element_type = array_element_type(type);
        std::vector<T> out;
        for (const std::optional<std::string>& element : parse_array(text, column)) {
            if (element) out.push_back(from_value<T>(Value{std::string_view(*element), element_type}, column));
            else out.push_back(from_value<T>(Value{std::nullopt, element_type}, column));
        }
        return out;
    }
    static std::vector<T> binary(std::string_view bytes, unsigned type, std::string_view column) {
        if (!is_array_type(type)) return text(binary_text(bytes, type, column), type, column);
        const BinaryArray array = binary_array(bytes, column);
        std::vector<T> out;
        out.reserve(array.elements.size());
        for (const std::optional<std::string_view>& element : array.elements)
            out.push_back(from_value<T>(Value{element, array.element_type, true}, column));
        return out;
    }
};

// A struct whose static describe() lists its fields, each with a `name` and
// a pointer to its `member` (agent::fields(agent::field(...)) is one).
template <class T>
concept DescribedRow = std::is_class_v<T> && requires { std::tuple_size<decltype(T::describe())>::value; };

}  // namespace detail

class Rows {
public:
    Rows() = default;
    explicit Rows(std::shared_ptr<pg_result> result);

    std::size_t size() const noexcept;
    bool empty() const noexcept { return size() == 0; }
    int columns() const noexcept;
    std::string_view column_name(int index) const;
    // The column's index; ValueError naming it if there is none.
    int column(std::string_view name) const;
    // Rows a command touched (INSERT, UPDATE, DELETE, ...); 0 for others.
    std::int64_t affected() const;

    Row operator[](std::size_t index) const;
    class Iterator;
    Iterator begin() const;
    Iterator end() const;

    // The value's text as the server writes it, nullopt for NULL.
    std::optional<std::string> text(std::size_t row, int column) const;
    // The value as the result holds it (text or binary), for Row::get.
    detail::Value value(std::size_t row, int column) const;

    // Every row as a T (see the top of this file).
    template <detail::DescribedRow T>
    std::vector<T> as() const;

private:
    std::shared_ptr<pg_result> result_;
};

class Row {
public:
    Row(const Rows& rows, std::size_t index) noexcept : rows_(&rows), index_(index) {}

    template <class T>
    T get(int column) const {
        return detail::from_value<T>(rows_->value(index_, column), rows_->column_name(column));
    }
    template <class T>
    T get(std::string_view name) const {
        const int column = rows_->column(name);
        return detail::from_value<T>(rows_->value(index_, column), name);
    }
    bool is_null(int column) const { return !rows_->value(index_, column).bytes; }
    std::size_t index() const noexcept { return index_; }

private:
    const Rows* rows_;
    std::size_t index_;
};

class Rows::Iterator {
public:
    using value_type = Row;
    using difference_type = std::ptrdiff_t;
    Iterator(const Rows* rows, std::size_t index) noexcept : rows_(rows), index_(index) {}
    Row operator*() const noexcept { return Row(*rows_, index_); }
    Iterator& operator++() noexcept {
        ++index_;
        return *this;
    }
    bool operator==(const Iterator& other) const noexcept { return index_ == other.index_; }

private:
    const Rows* rows_;
    std::size_t index_;
};

inline Row Rows::operator[](std::size_t index) const { return Row(*this, index); }

template <detail::DescribedRow T>
std::vector<T> Rows::as() const {
    const auto described = T::describe();
    constexpr std::size_t kFields = std::tuple_size_v<decltype(described)>;
    std::array<int, kFields> columns{};
    std::apply(
        [&](const auto&... field) {
            std::size_t i = 0;
            ((columns[i++] = column(field.name)), ...);
        },
        described);
    std::vector<T> out;
    out.reserve(size());
    for (std::size_t index = 0; index < size(); ++index) {
        const Row row(*this, index);
        T value{};
        std::apply(
            [&](const auto&... field) {
                std::size_t i = 0;
                ((value.*(field.member) = row.get<std::remove_cvref_t<decltype(value.*(field.member))>>(columns[i++])),
                 ...);
            },
            described);
        out.push_back(std::move(value));
    }
    return out;
}
inline Rows::Iterator Rows::begin() const { return Iterator(this, 0); }
inline Rows::Iterator Rows::end() const { return Iterator(this, size()); }

}  // namespace agentio::db::pg
