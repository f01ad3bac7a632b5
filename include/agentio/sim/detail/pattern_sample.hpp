// pattern_sample.hpp (internal to schema_instance): a string that a JSON
// Schema `pattern` matches.
//
// The string is generated from the regular expression itself, so the whole
// string matches it (and a search, which is how JSON Schema applies a
// pattern, finds it). Supported, the part of ECMAScript's syntax that
// patterns in schemas use:
//   literals and escaped punctuation; \d \w \s \D \W \S; \t \n \r \f \v \0;
//   \xHH and \uHHHH; `.`; classes [...] with ranges, escapes and negation
//   [^...]; groups (...), (?:...) and (?<name>...); alternation a|b;
//   quantifiers ? * + {n} {n,} {n,m}, also lazy (a trailing ?); anchors ^
//   and $ (zero width: read as marking the ends of the string).
// Refused with SchemaError: backreferences, lookaround, \b and \B, \p{...},
// anything malformed (an unclosed group or class, a range that runs
// backwards, a quantifier with nothing to repeat, {m,n} with m > n).
//
// Bounded for untrusted input: group nesting (kMaxPatternNesting),
// repetition counts (at most 1,000) and the generated length (10,000 code
// points). A negated class picks a printable ASCII character it leaves out
// (an error if it leaves none). Characters outside ASCII come out as UTF-8.
// Quantifiers take their minimum, or a few more when the seed says so and
// the maximum allows; which alternative and which character of a class come
// from the seed too.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "agentio/sim/prng.hpp"

namespace agentio::sim::detail {

inline constexpr int kMaxPatternNesting = 32;

// A string `pattern` matches. Throws SchemaError ("pattern \"...\": <problem>").
std::string pattern_sample(std::string_view pattern, Rng& rng);

// The number of code points of UTF-8 text (a byte that does not start a
// code point is not counted), as JSON Schema's minLength and maxLength count.
std::size_t code_points(std::string_view text) noexcept;

}  // namespace agentio::sim::detail
