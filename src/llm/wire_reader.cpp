// wire_reader.cpp: the cold half of JsonReader: error messages, and the
// accessors that are not on a chunk's hot path.
#include "wire_reader.hpp"

#include <cmath>
#include <limits>

#include "wire_excerpt.hpp"

namespace agentio::llm::detail {

namespace {

std::string_view describe(simdjson::error_code error) noexcept {
    switch (error) {
        case simdjson::EMPTY: return "no JSON (empty input)";
        case simdjson::TAPE_ERROR: return "malformed JSON (a misplaced comma, bracket or colon, or a missing key)";
        case simdjson::INCOMPLETE_ARRAY_OR_OBJECT: return "truncated JSON (an object or array is not closed)";
        case simdjson::UNCLOSED_STRING: return "truncated JSON (a string is not closed)";
        case simdjson::UTF8_ERROR: return "invalid UTF-8";
        case simdjson::STRING_ERROR: return "an invalid string (bad escape or control character)";
        case simdjson::NUMBER_ERROR: return "an invalid number";
        case simdjson::NUMBER_OUT_OF_RANGE: return "a number out of range";
        case simdjson::T_ATOM_ERROR:
        case simdjson::F_ATOM_ERROR:
        case simdjson::N_ATOM_ERROR: return "an invalid literal (not true, false or null)";
        case simdjson::DEPTH_ERROR: return "JSON nested too deeply";
        case simdjson::CAPACITY: return "a document too large to parse";
        case simdjson::MEMALLOC: return "out of memory";
        case simdjson::INCORRECT_TYPE: return "a value of the wrong type";
        default: return simdjson::error_message(error);
    }
}

const char* type_name(od::json_type type) noexcept {
    switch (type) {
        case od::json_type::array: return "an array";
        case od::json_type::object: return "an object";
        case od::json_type::number: return "a number";
        case od::json_type::string: return "a string";
        case od::json_type::boolean: return "a boolean";
        case od::json_type::null: return "null";
    }
    return "an unknown value";
}

}  // namespace

od::object JsonReader::root() {
    od::object object;
    if (const auto error = doc_.get_object().get(object)) {
        od::json_type type{};
        if (error == simdjson::INCORRECT_TYPE && !doc_.type().get(type))
            fail("", std::string("expected a JSON object, got ") + type_name(type));
        fail("", error);
    }
    return object;
}

void JsonReader::finish() {
    // At the end of the document current_location() reports OUT_OF_BOUNDS;
    // anything else means tokens follow the top-level object (or an object
    // inside was closed by the wrong bracket, which ends iteration early).
    if (!doc_.current_location().error()) fail("", "malformed JSON (unexpected content after the top-level object)");
}

int JsonReader::index(od::value& value, const char* where) {
    std::int64_t n = 0;
    if (value.get_int64().get(n)) {
        od::json_type type{};
        if (!value.type().get(type) && type == od::json_type::null) fail(where, "expected an integer index, got null");
        n = integer(value, where);
    }
    if (n < 0 || n > std::numeric_limits<int>::max())
        fail(where, "index " + std::to_string(n) + " is out of range");
    return static_cast<int>(n);
}

std::int64_t JsonReader::integer_slow(od::value& value, const char* where, simdjson::error_code error) {
    od::json_type type{};
    if (error == simdjson::INCORRECT_TYPE && !value.type().get(type)) {
        if (type == od::json_type::null) return 0;
        // 1.0 or 1e3: some servers write counts as floating point.
        double d = 0;
        if (type == od::json_type::number && !value.get_double().get(d) && std::isfinite(d) && d == std::trunc(d) &&
            d >= -9.2e18 && d <= 9.2e18)
            return static_cast<std::int64_t>(d);
    }
    fail_value(where, error, "an integer", value);
}

double JsonReader::number(od::value& value, const char* where) {
    double d = 0;
    if (const auto error = value.get_double().get(d)) {
        if (error == simdjson::INCORRECT_TYPE && is_null(value)) return 0;
        fail_value(where, error, "a number", value);
    }
    return d;
}

void JsonReader::scalar_text(od::value& value, const char* where, std::string& out) {
    std::string_view text;
    if (!value.get_string().get(text)) {
        out.assign(text);
        return;
    }
    od::json_type type{};
    if (const auto error = value.type().get(type)) fail(where, error);
    out.clear();
    if (type == od::json_type::number || type == od::json_type::boolean) {
        text = value.raw_json_token();
        while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\r' || text.back() == '\t'))
            text.remove_suffix(1);
        out.assign(text);
    }
}

void JsonReader::usage(od::value& value, Usage& out) {
    out = Usage{};
    fields(value, "usage", [&](od::raw_json_string key, od::value& field) {
        if (key == "prompt_tokens") {
            out.prompt_tokens = integer(field, "usage.prompt_tokens");
        } else if (key == "completion_tokens") {
            out.completion_tokens = integer(field, "usage.completion_tokens");
        } else if (key == "total_tokens") {
            out.total_tokens = integer(field, "usage.total_tokens");
        } else if (key == "prompt_tokens_details") {
            fields(field, "usage.prompt_tokens_details", [&](od::raw_json_string detail, od::value& n) {
                if (detail == "cached_tokens") out.cached_tokens = integer(n, "usage.prompt_tokens_details.cached_tokens");
            });
        } else if (key == "completion_tokens_details") {
            fields(field, "usage.completion_tokens_details", [&](od::raw_json_string detail, od::value& n) {
                if (detail == "reasoning_tokens")
                    out.reasoning_tokens = integer(n, "usage.completion_tokens_details.reasoning_tokens");
            });
        }
    });
}

void JsonReader::error_object(od::value& value, ApiErrorBody& out) {
    std::string_view text;
    if (!value.get_string().get(text)) {
        out.message.assign(text);
        return;
    }
    fields(value, "error", [&](od::raw_json_string key, od::value& field) {
        if (key == "message") {
            scalar_text(field, "error.message", out.message);
        } else if (key == "type") {
            scalar_text(field, "error.type", out.type);
        } else if (key == "param") {
            scalar_text(field, "error.param", out.param);
        } else if (key == "code") {
            scalar_text(field, "error.code", out.code);
        }
    });
}

std::size_t JsonReader::offset() noexcept {
    const char* at = nullptr;
    if (!started_ || doc_.current_location().get(at) || at < base_) return std::string_view::npos;
    const auto n = static_cast<std::size_t>(at - base_);
    return n <= input_.size() ? n : std::string_view::npos;
}

void JsonReader::fail(const char* where, simdjson::error_code error) { fail(where, describe(error)); }

void JsonReader::fail(const char* where, std::string_view problem) {
    std::string message = what_;
    message += ": ";
    if (*where != '\0') {
        message += where;
        message += ": ";
    }
    message += problem;
    if (const std::size_t at = offset(); at != std::string_view::npos) message += " at byte " + std::to_string(at);
    message += "; input: ";
    message += excerpt(input_);
    throw StreamError(message);
}

void JsonReader::fail_value(const char* where, simdjson::error_code error, const char* expected, od::value& value) {
    od::json_type type{};
    if (error == simdjson::INCORRECT_TYPE && !value.type().get(type))
        fail(where, std::string("expected ") + expected + ", got " + type_name(type));
    fail(where, error);
}

}  // namespace agentio::llm::detail
