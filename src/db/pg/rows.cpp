// rows.cpp: a result's values, read from PostgreSQL's text format (its
// binary format: binary.cpp).
#include "agentio/db/pg/rows.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <fmt/format.h>

#include "agentio/db/pg/errors.hpp"

namespace agentio::db::pg {

namespace detail {

namespace {

[[noreturn]] void unreadable(std::string_view text, std::string_view column, std::string_view as) {
    constexpr std::size_t kShown = 60;
    throw ValueError(fmt::format("column \"{}\": `{}{}` is not {}", column, text.substr(0, kShown),
                                 text.size() > kShown ? "..." : "", as));
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Digits at `at` (exactly `count` of them), advancing `at`.
bool digits(std::string_view text, std::size_t& at, std::size_t count, int& out) {
    if (at + count > text.size()) return false;
    out = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const char c = text[at + i];
        if (c < '0' || c > '9') return false;
        out = out * 10 + (c - '0');
    }
    at += count;
    return true;
}

}  // namespace

void null_value(std::string_view column) {
    throw ValueError(fmt::format("column \"{}\" is NULL; read it as a std::optional", column));
}

std::int64_t parse_integer(std::string_view text, std::string_view column) {
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size()) unreadable(text, column, "an integer");
    return value;
}

double parse_double(std::string_view text, std::string_view column, unsigned type) {
    if (text == "Infinity") return HUGE_VAL;
    if (text == "-Infinity") return -HUGE_VAL;
    if (text == "NaN") return std::nan("");
    constexpr unsigned kFloat4 = 700;
    if (type == kFloat4) {
        // The shortest digits that name the float: read as a double they
        // would give a nearby double, not the float the column holds.
        float value = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (text.empty() || error != std::errc() || end != text.data() + text.size()) unreadable(text, column, "a number");
        return value;
    }
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size()) unreadable(text, column, "a number");
    return value;
}

bool parse_bool(std::string_view text, std::string_view column) {
    if (text == "t") return true;
    if (text == "f") return false;
    unreadable(text, column, "a boolean (t or f)");
}

Bytea parse_bytea(std::string_view text, std::string_view column) {
    if (!text.starts_with("\\x")) unreadable(text, column, "bytea in hex format");
    Bytea out;
    out.bytes.reserve((text.size() - 2) / 2);
    for (std::size_t i = 2; i + 1 < text.size(); i += 2) {
        const int high = hex_digit(text[i]), low = hex_digit(text[i + 1]);
        if (high < 0 || low < 0) unreadable(text, column, "bytea in hex format");
        out.bytes += static_cast<char>(high * 16 + low);
    }
    if (text.size() % 2 != 0) unreadable(text, column, "bytea in hex format");
    return out;
}

nlohmann::json parse_json(std::string_view text, std::string_view column) {
    nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
    if (value.is_discarded()) unreadable(text, column, "JSON");
    return value;
}

std::chrono::system_clock::time_point parse_timestamp(std::string_view text, std::string_view column) {
    // timestamptz as the server writes it with TimeZone UTC or an offset:
    // "2026-12-06 07:28:19.123456+00", "2026-12-06 09:28:19+02", "...+05:30".
    std::size_t at = 0;
    int year, month, day, hour, minute, second;
    const bool shape = digits(text, at, 4, year) && at < text.size() && text[at++] == '-' && digits(text, at, 2, month) &&
                       at < text.size() && text[at++] == '-' && digits(text, at, 2, day) && at < text.size() &&
                       text[at++] == ' ' && digits(text, at, 2, hour) && at < text.size() && text[at++] == ':' &&
                       digits(text, at, 2, minute) && at < text.size() && text[at++] == ':' && digits(text, at, 2, second);
    if (!shape) unreadable(text, column, "a timestamp with time zone");
    std::int64_t micros = 0;
    if (at < text.size() && text[at] == '.') {
        ++at;
        int scale = 100000;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
            micros += (text[at++] - '0') * scale;
            scale /= 10;
        }
    }
    int offset_seconds = 0;
    if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
        const int sign = text[at++] == '-' ? -1 : 1;
        int hours = 0, minutes = 0, seconds = 0;
        if (!digits(text, at, 2, hours)) unreadable(text, column, "a timestamp with time zone");
        if (at < text.size() && text[at] == ':') {
            ++at;
            if (!digits(text, at, 2, minutes)) unreadable(text, column, "a timestamp with time zone");
            if (at < text.size() && text[at] == ':') {
                ++at;
                if (!digits(text, at, 2, seconds)) unreadable(text, column, "a timestamp with time zone");
            }
        }
        offset_seconds = sign * (hours * 3600 + minutes * 60 + seconds);
    }
    if (at != text.size() || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        unreadable(text, column, "a timestamp with time zone");
    std::tm utc{};
    utc.tm_year = year - 1900;
    utc.tm_mon = month - 1;
    utc.tm_mday = day;
    utc.tm_hour = hour;
    utc.tm_min = minute;
    utc.tm_sec = second;
    const std::int64_t seconds = static_cast<std::int64_t>(::timegm(&utc)) - offset_seconds;
    // system_clock counts nanoseconds in 64 bits: about 1678 to 2261. The
    // server's range is far wider (and has 'infinity'): say so, never wrap.
    constexpr std::int64_t kLimit =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::duration::max()).count() - 1;
    if (seconds > kLimit || seconds < -kLimit)
        unreadable(text, column, "a timestamp within std::chrono::system_clock's range (the years 1678 to 2261)");
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::microseconds(seconds * 1'000'000 + micros)));
}

std::vector<std::optional<std::string>> parse_array(std::string_view text, std::string_view column) {
    if (text.starts_with('[')) {  // bounds other than 1: "[0:1]={5,6}"
        const std::size_t equals = text.find("]={");
        if (equals == std::string_view::npos ||
            text.substr(0, equals + 1).find_first_not_of("0123456789-:[]") != std::string_view::npos)
            unreadable(text, column, "an array");
        if (text.substr(0, equals + 1).find("][") != std::string_view::npos)
            unreadable(text, column, "a one-dimensional array");
        text.remove_prefix(equals + 2);
    }
    if (text.size() < 2 || text.front() != '{' || text.back() != '}') unreadable(text, column, "an array");
    std::vector<std::optional<std::string>> out;
    std::size_t at = 1;
    const std::size_t end = text.size() - 1;
    if (at == end) return out;
    for (;;) {
        std::string element;
        bool quoted = false;
        if (at < end && text[at] == '"') {
            quoted = true;
            ++at;
            while (at < end && text[at] != '"') {
                if (text[at] == '\\' && at + 1 < end) ++at;
                element += text[at++];
            }
            if (at >= end) unreadable(text, column, "an array (an unclosed quote)");
            ++at;
        } else {
            while (at < end && text[at] != ',') {
                if (text[at] == '{') unreadable(text, column, "a one-dimensional array");
                element += text[at++];
            }
        }
        if (!quoted && element == "NULL") out.emplace_back(std::nullopt);
        else out.emplace_back(std::move(element));
        if (at == end) break;
        if (text[at] != ',') unreadable(text, column, "an array");
        ++at;
    }
    return out;
}

}  // namespace detail

Rows::Rows(std::shared_ptr<pg_result> result) : result_(std::move(result)) {}

std::size_t Rows::size() const noexcept { return result_ ? static_cast<std::size_t>(PQntuples(result_.get())) : 0; }
int Rows::columns() const noexcept { return result_ ? PQnfields(result_.get()) : 0; }

std::string_view Rows::column_name(int index) const {
    if (index < 0 || index >= columns())
        throw ValueError(fmt::format("column {} does not exist (the result has {})", index, columns()));
    return PQfname(result_.get(), index);
}

int Rows::column(std::string_view name) const {
    for (int i = 0; i < columns(); ++i)
        if (name == PQfname(result_.get(), i)) return i;
    std::string known;
    for (int i = 0; i < columns(); ++i) known += (i ? ", " : "") + std::string(PQfname(result_.get(), i));
    throw ValueError(fmt::format("column \"{}\" does not exist (the result has: {})", name, known.empty() ? "none" : known));
}

std::int64_t Rows::affected() const {
    if (!result_) return 0;
    const char* tuples = PQcmdTuples(result_.get());
    return tuples[0] == '\0' ? 0 : detail::parse_integer(tuples, "(rows affected)");
}

detail::Value Rows::value(std::size_t row, int column) const {
    if (row >= size()) throw ValueError(fmt::format("row {} does not exist (the result has {})", row, size()));
    (void)column_name(column);  // checks the index
    const int r = static_cast<int>(row);
    detail::Value value{std::nullopt, PQftype(result_.get(), column), PQfformat(result_.get(), column) == 1};
    if (!PQgetisnull(result_.get(), r, column))
        value.bytes = std::string_view(PQgetvalue(result_.get(), r, column),
                                       static_cast<std::size_t>(PQgetlength(result_.get(), r, column)));
    return value;
}

std::optional<std::string> Rows::text(std::size_t row, int column) const {
    const detail::Value value = this->value(row, column);
    if (!value.bytes) return std::nullopt;
    if (!value.binary) return std::string(*value.bytes);
    return detail::binary_text(*value.bytes, value.type, column_name(column));
}

}  // namespace agentio::db::pg
