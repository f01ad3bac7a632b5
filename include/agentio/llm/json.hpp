// json.hpp: the JSON value of agentio's APIs, JSON read from a peer, and JSON
// written by hand.
//
// Json keeps an object's keys in the order they were written or read, as
// Python's dicts and JavaScript's objects do: a tool's parameters reach the
// model in the order they were declared, a structured output's fields come in
// its schema's order, and a conversation stored to a file reads as it was
// sent. It is nlohmann::ordered_json, so two objects are equal only with
// their keys in the same order.
//
// Its objects find a key by scanning, which suits the small objects of a
// request but makes reading a huge object quadratic: 50,000 keys take over a
// second. Text from a peer (a request to a server, an MCP message) is read
// with parse_json, which refuses objects and nesting beyond JsonLimits.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "agentio/core/errors.hpp"

namespace agentio::llm {

using Json = nlohmann::ordered_json;

struct JsonLimits {
    int max_depth = 128;                 // dump and comparisons recurse
    std::size_t max_object_keys = 1000;  // reading an object costs keys^2 / 2 comparisons
};

// Text that is not JSON, or passes a limit. what() says why ("parse error at
// line 1, column 6: ...", "an object with more than 1000 keys"); the caller
// says what the text was.
class JsonError : public Error {
public:
    using Error::Error;
};

// Throws JsonError.
Json parse_json(std::string_view text, const JsonLimits& limits = {});

// Appends `text` as a JSON string, quotes included. Bytes that are not valid
// UTF-8 become U+FFFD, as Json's dump does with error_handler_t::replace:
// JSON cannot carry them, and the call should not fail for them.
void append_json_string(std::string& out, std::string_view text);

// Appends `value` as compact JSON text (invalid UTF-8 replaced likewise).
void append_json(std::string& out, const Json& value);

}  // namespace agentio::llm
