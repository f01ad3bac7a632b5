// reply.cpp: a Reply's typed views and its redis-cli-like description.
#include "agentio/db/redis/reply.hpp"

#include <charconv>
#include <cstdlib>
#include <fmt/format.h>

#include "agentio/db/redis/errors.hpp"
#include "resp_double.hpp"

namespace agentio::db::redis {

namespace {

[[noreturn]] void wrong_kind(const Reply& reply, std::string_view wanted) {
    throw ReplyTypeError(fmt::format("redis reply: expected {}, got {}", wanted, reply.describe()));
}

std::string quoted(std::string_view text) {
    constexpr std::size_t kMax = 80;
    std::string out = "\"";
    for (char c : text.substr(0, kMax)) {
        if (c == '"' || c == '\\') out += '\\';
        if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        else out += c;
    }
    out += text.size() > kMax ? "\"..." : "\"";
    return out;
}

}  // namespace

std::string_view to_string(Reply::Kind kind) noexcept {
    switch (kind) {
        case Reply::Kind::Null: return "null";
        case Reply::Kind::Status: return "status";
        case Reply::Kind::Error: return "error";
        case Reply::Kind::Integer: return "integer";
        case Reply::Kind::Bulk: return "bulk string";
        case Reply::Kind::Verbatim: return "verbatim string";
        case Reply::Kind::Double: return "double";
        case Reply::Kind::Boolean: return "boolean";
        case Reply::Kind::BigNumber: return "big number";
        case Reply::Kind::Array: return "array";
        case Reply::Kind::Set: return "set";
        case Reply::Kind::Map: return "map";
        case Reply::Kind::Push: return "push";
    }
    return "unknown";
}

const std::string& Reply::as_string() const {
    if (!is_string()) wrong_kind(*this, "a string");
    return text;
}

std::int64_t Reply::as_integer() const {
    if (kind == Kind::Integer) return integer;
    if (kind == Kind::Bulk || kind == Kind::Status || kind == Kind::BigNumber) {
        std::int64_t value = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (error == std::errc() && end == text.data() + text.size() && !text.empty()) return value;
    }
    wrong_kind(*this, "an integer");
}

double Reply::as_double() const {
    if (kind == Kind::Double) return number;
    if (kind == Kind::Integer) return static_cast<double>(integer);
    if (kind == Kind::Bulk || kind == Kind::Status) {
        // RESP2 sends scores as text.
        if (const std::optional<double> value = detail::resp_double(text)) return *value;
    }
    wrong_kind(*this, "a number");
}

bool Reply::as_bool() const {
    if (kind == Kind::Boolean || (kind == Kind::Integer && (integer == 0 || integer == 1))) return integer != 0;
    wrong_kind(*this, "a boolean");
}

std::string Reply::describe() const {
    switch (kind) {
        case Kind::Null: return "(nil)";
        case Kind::Status: return text;
        case Kind::Error: return "(error) " + text;
        case Kind::Integer: return fmt::format("(integer) {}", integer);
        case Kind::Bulk:
        case Kind::Verbatim: return quoted(text);
        case Kind::Double: return fmt::format("(double) {}", number);
        case Kind::Boolean: return integer ? "(true)" : "(false)";
        case Kind::BigNumber: return "(big number) " + text;
        case Kind::Array:
        case Kind::Set:
        case Kind::Map:
        case Kind::Push: break;
    }
    if (elements.empty()) return fmt::format("(empty {})", to_string(kind));
    constexpr std::size_t kShown = 8;
    std::string out = fmt::format("({} of {})", to_string(kind), elements.size());
    for (std::size_t i = 0; i < elements.size() && i < kShown; ++i) out += fmt::format(" {}) {}", i + 1, elements[i].describe());
    if (elements.size() > kShown) out += " ...";
    return out;
}

}  // namespace agentio::db::redis
