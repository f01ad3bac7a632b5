// schema_scalars.hpp (internal to schema_instance.cpp): the leaves of a
// generated instance (strings, integers, numbers under their keywords), and
// the two ways generating can fail, shared by every part of the generator.
//
// Unsatisfiable: this schema admits no value we can build, so the next anyOf
// branch or allowed type may do. A plain SchemaError: the schema is malformed
// or a bound was passed, and no alternative helps. Both messages start with
// the JSON pointer of the schema at fault.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "agentio/sim/prng.hpp"
#include "agentio/sim/schema_instance.hpp"

namespace agentio::sim::detail {

class Unsatisfiable : public SchemaError {
public:
    using SchemaError::SchemaError;
};

[[noreturn]] void schema_fail(const std::string& path, const std::string& problem);
[[noreturn]] void schema_unsatisfiable(const std::string& path, const std::string& problem);

// A non-negative integer keyword (minItems, maxLength, ...), or nullopt when absent.
std::optional<std::int64_t> count_keyword(const Json& schema, const char* key, const std::string& path);

// An offered number as the leaf's value, if the schema admits it: of the
// type (`integer`: a whole number), within the bounds it states and a
// multiple of its multipleOf. A whole number comes out as a JSON integer.
std::optional<Json> admitted_number(const Json& schema, double v, bool integer, const std::string& path);

// Whether a string leaf may take an offered value: it has no pattern and no
// format, whose checks the generator's own strings pass by construction.
bool takes_offered_string(const Json& schema);
// An offered string cut to maxLength code points; nullopt if shorter than minLength.
std::optional<std::string> admitted_string(const Json& schema, std::string text, const std::string& path);

// Draws every leaf from one generator, so an instance is a function of the
// seed. `minimal`: the simplest value the keywords allow (a recursion is
// ending); otherwise a varied one.
class ScalarMaker {
public:
    explicit ScalarMaker(Rng& rng) noexcept : rng_(rng) {}

    std::string word();
    std::string words(int count);
    // minLength, maxLength, pattern (pattern_sample.hpp), format.
    std::string string(const Json& schema, const std::string& path, bool minimal);
    // minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf.
    Json integer(const Json& schema, const std::string& path, bool minimal);
    Json number(const Json& schema, const std::string& path, bool minimal);

private:
    std::optional<std::string> formatted(std::string_view format);
    std::int64_t pick(std::int64_t lo, std::int64_t hi, bool minimal);

    Rng& rng_;
};

}  // namespace agentio::sim::detail
