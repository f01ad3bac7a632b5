// params.cpp: the text format of each parameter type.
#include "agentio/db/pg/params.hpp"

#include <cmath>
#include <ctime>
#include <fmt/format.h>

#include "agentio/core/errors.hpp"

namespace agentio::db::pg {

std::string quote_identifier(std::string_view name) {
    if (name.find('\0') != std::string_view::npos) throw Error("postgres: an identifier cannot hold a NUL byte");
    std::string out = "\"";
    for (const char c : name) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

Param to_param(std::nullopt_t) { return std::nullopt; }
Param to_param(bool value) { return std::string(value ? "t" : "f"); }
Param to_param(std::int64_t value) { return fmt::format("{}", value); }

Param to_param(double value) {
    if (std::isnan(value)) return std::string("NaN");
    if (std::isinf(value)) return std::string(value > 0 ? "Infinity" : "-Infinity");
    return fmt::format("{}", value);  // shortest text that reads back exactly
}

Param to_param(std::string_view value) { return std::string(value); }

Param to_param(const Bytea& value) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "\\x";
    out.reserve(2 + 2 * value.bytes.size());
    for (unsigned char byte : value.bytes) {
        out += kHex[byte >> 4];
        out += kHex[byte & 15];
    }
    return out;
}

Param to_param(const nlohmann::json& value) { return value.dump(); }
Param to_param(const nlohmann::ordered_json& value) { return value.dump(); }

Param to_param(std::chrono::system_clock::time_point value) {
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(value.time_since_epoch()).count();
    std::int64_t seconds = micros / 1'000'000;
    std::int64_t fraction = micros % 1'000'000;
    if (fraction < 0) {
        fraction += 1'000'000;
        --seconds;
    }
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm utc{};
    ::gmtime_r(&t, &utc);
    return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}+00", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                       utc.tm_hour, utc.tm_min, utc.tm_sec, fraction);
}

namespace detail {

void append_array_element(std::string& out, const Param& element) {
    if (!element) {
        out += "NULL";
        return;
    }
    // Quoted always: safe for text with commas, braces, spaces or the word NULL.
    out += '"';
    for (char c : *element) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    out += '"';
}

}  // namespace detail

}  // namespace agentio::db::pg
