// params.hpp: C++ values as PostgreSQL query parameters ($1, $2, ...).
//
// compile-context: extern Connection db; extern std::int64_t id; extern std::vector<std::string> tags;
//     co_await db.query("select * from items where id = $1 and tags && $2", id, tags);
//
// Parameters travel in PostgreSQL's text format and the server infers each
// one's type from the query, as psql's are: write a cast ($1::jsonb) where
// the query leaves it open. Supported: integers, floating point (inf and
// NaN included), bool, text, Bytea, nlohmann::json (JSON/JSONB), system
// clock time points (timestamptz, in UTC, microseconds), vectors of those
// (arrays, float4[] embeddings included), and std::optional<T> (nullopt is
// NULL). Anything else does not compile.
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace agentio::db::pg {

// `name` (a table, a column, a channel) as a quoted SQL identifier, for the
// places a parameter cannot go: "jobs", "my""table". An agentio::Error for a
// NUL byte.
std::string quote_identifier(std::string_view name);

// One parameter: its text, or nullopt for NULL.
using Param = std::optional<std::string>;

// Raw bytes for a bytea column (sent as \x hex).
struct Bytea {
    std::string bytes;
    bool operator==(const Bytea&) const = default;
};

Param to_param(std::nullopt_t);
Param to_param(bool value);
Param to_param(std::int64_t value);
Param to_param(double value);
Param to_param(std::string_view value);
Param to_param(const Bytea& value);
Param to_param(const nlohmann::json& value);
Param to_param(const nlohmann::ordered_json& value);
Param to_param(std::chrono::system_clock::time_point value);

inline Param to_param(const char* value) { return to_param(std::string_view(value)); }
inline Param to_param(const std::string& value) { return to_param(std::string_view(value)); }
template <std::integral Int>
    requires(!std::same_as<Int, bool> && !std::same_as<Int, char>)
Param to_param(Int value) {
    return to_param(static_cast<std::int64_t>(value));
}
inline Param to_param(float value) { return to_param(static_cast<double>(value)); }

template <class T>
Param to_param(const std::optional<T>& value) {
    return value ? to_param(*value) : Param();
}

namespace detail {
// Appends one array element: NULL, a number, or a quoted string.
void append_array_element(std::string& out, const Param& element);
}  // namespace detail

// An array literal: {1,2,3}, {"a","b \"c\""}, {NULL,1}.
template <class T>
Param to_param(const std::vector<T>& values) {
    std::string out = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) out += ',';
        detail::append_array_element(out, to_param(values[i]));
    }
    out += '}';
    return out;
}

}  // namespace agentio::db::pg
