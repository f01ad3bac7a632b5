// wire_reader.hpp (internal): reading the API's JSON with simdjson on-demand.
//
// A JsonReader walks one parsed document and turns every way it can be wrong
// into a StreamError that names the document, the field (a path such as
// "choices[].delta.content"), the problem, the byte offset and a short quote
// of the input. The accessors accept null wherever the API may send it (null
// reads as absent: an empty string, 0, no fields, no items), so callers only
// say which fields they want; fields they do not ask for are skipped unread.
//
// Strings read from the document are assigned into the caller's std::string,
// so a string that is reused keeps its capacity (ChunkParser's no-allocation
// steady state relies on that).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <simdjson.h>

#include "agentio/llm/chat.hpp"
#include "agentio/llm/errors.hpp"

namespace agentio::llm::detail {

namespace od = simdjson::ondemand;

class JsonReader {
public:
    // `what` names the document in messages ("chat chunk"); `input` is the
    // caller's text.
    JsonReader(const char* what, std::string_view input) noexcept : what_(what), input_(input) {}

    // Starts reading the padded copy of the input at `base` (`capacity` bytes
    // with the padding). Fails if it is not JSON at all.
    void iterate(od::parser& parser, const char* base, std::size_t capacity) {
        base_ = base;
        if (const auto error = parser.iterate(base, input_.size(), capacity).get(doc_)) fail("", error);
        started_ = true;
    }

    // The document's top-level object; finish() after it was read checks that
    // nothing but whitespace follows it.
    od::object root();
    void finish();

    // Calls on_field(key, value) for each field of an object (none for null).
    // `key` is the raw key: compare it with `key == "name"`.
    template <class OnField>
    void fields(od::value& value, const char* where, OnField&& on_field) {
        od::object object;
        if (const auto error = value.get_object().get(object)) {
            if (error == simdjson::INCORRECT_TYPE && is_null(value)) return;
            fail_value(where, error, "an object", value);
        }
        fields(object, where, on_field);
    }

    template <class OnField>
    void fields(od::object& object, const char* where, OnField&& on_field) {
        for (auto result : object) {
            od::field field;
            if (const auto error = std::move(result).get(field)) fail(where, error);
            on_field(field.key(), field.value());
        }
    }

    // Calls on_item(value) for each element of an array (none for null).
    template <class OnItem>
    void items(od::value& value, const char* where, OnItem&& on_item) {
        od::array array;
        if (const auto error = value.get_array().get(array)) {
            if (error == simdjson::INCORRECT_TYPE && is_null(value)) return;
            fail_value(where, error, "an array", value);
        }
        for (auto result : array) {
            od::value item;
            if (const auto error = std::move(result).get(item)) fail(where, error);
            on_item(item);
        }
    }

    // A string; null clears `out`.
    void string(od::value& value, const char* where, std::string& out) {
        std::string_view text;
        if (const auto error = value.get_string().get(text)) {
            if (error == simdjson::INCORRECT_TYPE && is_null(value)) {
                out.clear();
                return;
            }
            fail_value(where, error, "a string", value);
        }
        out.assign(text);
    }

    // A string; null gives nullopt.
    void optional_string(od::value& value, const char* where, std::optional<std::string>& out) {
        std::string_view text;
        if (const auto error = value.get_string().get(text)) {
            if (error == simdjson::INCORRECT_TYPE && is_null(value)) {
                out.reset();
                return;
            }
            fail_value(where, error, "a string", value);
        }
        if (out) {
            out->assign(text);
        } else {
            out.emplace(text);
        }
    }

    // An integer (or a number with an integral value); null reads as 0.
    std::int64_t integer(od::value& value, const char* where) {
        std::int64_t n = 0;
        if (const auto error = value.get_int64().get(n)) return integer_slow(value, where, error);
        return n;
    }

    // An index into an array of the API: an integer from 0 to INT_MAX, not null.
    int index(od::value& value, const char* where);

    // A number; null reads as 0.
    double number(od::value& value, const char* where);

    // A value that should be a string but may be another scalar (an error
    // body's `code` and `param`): strings as they are, numbers and booleans as
    // their JSON text, null and containers as "".
    void scalar_text(od::value& value, const char* where, std::string& out);

    // The `usage` object, with prompt_tokens_details and completion_tokens_details.
    void usage(od::value& value, Usage& out);

    // The object of {"error": {...}}: message, type, param, code, where param and
    // code may also be null or numbers (some servers send "code": 400). Also
    // accepts a bare string, as the message.
    void error_object(od::value& value, ApiErrorBody& out);

    [[noreturn]] void fail(const char* where, simdjson::error_code error);
    [[noreturn]] void fail(const char* where, std::string_view problem);
    // A value of the wrong type: names what was expected and what came.
    [[noreturn]] void fail_value(const char* where, simdjson::error_code error, const char* expected, od::value& value);

    static bool is_null(od::value& value) noexcept {
        bool null = false;
        return !value.is_null().get(null) && null;
    }

private:
    std::int64_t integer_slow(od::value& value, const char* where, simdjson::error_code error);
    // Where the parser stands, as an offset into the input, or npos.
    std::size_t offset() noexcept;

    const char* what_;
    std::string_view input_;
    const char* base_ = nullptr;
    od::document doc_;
    bool started_ = false;  // doc_ may be asked where it stands
};

}  // namespace agentio::llm::detail
