// response_format.hpp: ResponseFormat, what a chat request's
// `response_format` asks the reply's content to be, and that content.
//
//   absent, null or {"type": "text"}   generated text, as without it
//   {"type": "json_object"}            a JSON object: {"answer": "<a sentence>"}
//   {"type": "json_schema", "json_schema": {"name": "...", "schema": {...}}}
//                                      a value that validates against the
//                                      schema (schema_instance.hpp); without
//                                      a schema, an object as for json_object
// Other fields ("strict", "description") are accepted and change nothing:
// what comes out validates either way. Anything the API refuses is refused
// alike, with ResponseFormatError: an unknown type, no `json_schema` object,
// a missing or malformed name (at most 64 of [A-Za-z0-9_-]), a schema that
// is not an object, or one that no value satisfies ("Invalid schema for
// response_format 'person': #/properties/age: minimum 10 is above maximum
// 5").
//
// The content is a pure function of the format and a seed (the reply's), so
// the plain and the streamed reply agree, and the n choices of one request
// differ where the schema leaves room.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "agentio/sim/invalid_request.hpp"
#include "agentio/sim/schema_instance.hpp"

namespace agentio::sim {

// A response_format the API would refuse.
class ResponseFormatError : public InvalidRequest {
public:
    using InvalidRequest::InvalidRequest;
};

struct ResponseFormat {
    enum class Kind { text, json_object, json_schema };

    Kind kind = Kind::text;
    std::string name;    // json_schema's name
    Json schema;  // json_schema's schema; null when it gave none

    // Reads the request's `response_format` value (null: text). Throws
    // ResponseFormatError; the schema itself is checked by content().
    static ResponseFormat read(const Json& value);

    bool is_json() const noexcept { return kind != Kind::text; }
    // The reply's content, as compact JSON text. Precondition: is_json().
    // Throws ResponseFormatError when no value satisfies the schema.
    std::string content(std::uint64_t seed) const;
};

}  // namespace agentio::sim
