// schema_instance.hpp: a JSON value that validates against a JSON Schema,
// generated from the schema and a seed: what the simulator answers a
// `response_format: {"type": "json_schema", ...}` request with.
//
// The same (schema, seed) always gives the same value; another seed usually
// another one (other words, numbers, array lengths, enum members), so the n
// choices of one request differ. Objects keep the schema's property order.
//
// Keywords honoured (the subset the API's structured outputs accept, and a
// little more):
//   type (a name or an array of names; "null" is chosen only when nothing
//   else is allowed or a recursion must end), enum, const, anyOf, oneOf (the
//   first branch that can be generated), allOf (its schemas merged, the
//   properties and required lists united), $ref to "#", "#/$defs/...",
//   "#/definitions/..." or any other pointer into the schema itself;
//   object: properties, required, additionalProperties, minProperties,
//   maxProperties; array: items (a schema, or an array of them as a tuple),
//   prefixItems, minItems, maxItems, uniqueItems; string: minLength,
//   maxLength, pattern (pattern_sample.hpp's subset of regular expressions),
//   format (date, date-time, time, duration, email, uuid, uri, hostname,
//   ipv4, ipv6); number and integer: minimum, maximum, exclusiveMinimum,
//   exclusiveMaximum (numbers, or draft 4's booleans), multipleOf; boolean;
//   null. Every property of an object is generated, the optional ones too.
// Other keywords (description, title, default, not, if/then/else, ...) are
// ignored. A schema of `true` or `{}` allows anything: a short string comes
// out.
//
// The schema is untrusted input (it comes in a request), so every kind of
// work is bounded: $ref hops and nesting (kMaxSchemaDepth; past two
// recursions into a definition only what is required is generated:
// minItems items, required properties, a terminating anyOf branch), values
// generated (kMaxInstanceValues), string lengths and array sizes. Past a bound, or for a schema nothing can
// satisfy (minimum above maximum, `false`, an enum of no value, a $ref to
// nowhere, an unknown type, a keyword of the wrong JSON type), SchemaError is
// thrown, its message naming the place in the schema (a JSON pointer) and
// the problem: "#/properties/age: minimum 10 is above maximum 5".
//
// A caller can offer values of its own (InstanceHints): the tool policy
// fills a tool's arguments from the user's message this way. The generator
// asks at each leaf, in the order it builds the value (properties in the
// schema's order, depth first, array items in order), and keeps an offered
// value only where the schema admits it, so the value still validates:
//   - a number or integer: kept if it is of the type (an integer for
//     "integer") and within minimum, maximum, exclusiveMinimum,
//     exclusiveMaximum and multipleOf; else one is generated;
//   - a string, where the schema has no pattern and no format: cut to
//     maxLength (in code points) if longer; if shorter than minLength, one
//     is generated;
//   - an enum: the member the hints pick among those of an allowed type.
// A `const`, a boolean, a string with a pattern or format, and everything
// built past the recursion bound come from the generator alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "agentio/core/errors.hpp"
#include "agentio/llm/json.hpp"

namespace agentio::sim {

using Json = llm::Json;

class SchemaError : public Error {
public:
    using Error::Error;
};

// Nesting of the instance plus $ref hops.
inline constexpr int kMaxSchemaDepth = 64;
// Values in one instance (every scalar, object and array counts one).
inline constexpr std::size_t kMaxInstanceValues = 10'000;

// Values offered to schema_instance() in place of generated ones (see the
// file comment). Each method is asked once per leaf of its kind; nullopt
// leaves the leaf to the generator.
class InstanceHints {
public:
    virtual ~InstanceHints() = default;
    // For a number or integer leaf.
    virtual std::optional<double> number() { return std::nullopt; }
    // For a string leaf; `property` names the innermost object property it
    // is in ("" at the top or under no property).
    virtual std::optional<std::string> string(std::string_view property) {
        (void)property;
        return std::nullopt;
    }
    // For an enum: an index into `members` (those of an allowed type, in
    // the schema's order; never empty). An index past the end is ignored.
    virtual std::optional<std::size_t> member(std::span<const Json* const> members) {
        (void)members;
        return std::nullopt;
    }
};

// A value that validates against `schema` (an object or a boolean), with
// the leaves `hints` offers where the schema admits them (null: all
// generated). Throws SchemaError (see the file comment).
Json schema_instance(const Json& schema, std::uint64_t seed, InstanceHints* hints = nullptr);

}  // namespace agentio::sim
