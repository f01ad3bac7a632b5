// split.hpp (internal): the pieces an encoding's pattern cuts text into,
// before any byte is merged.
//
// Each function is the encoding's regular expression written out by hand,
// with the regex engine's leftmost-first alternation and greedy backtracking
// made explicit, so it finds the same pieces in one forward pass.
//
// o200k_base:
//   [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
//   |[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?
//   |\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
// cl100k_base:
//   (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
#pragma once

#include <cstddef>
#include <string_view>

namespace agentio::llm::tokenizer {

// Where the piece that starts at `pos` (< text.size()) ends: always past `pos`,
// since every character starts some alternative.
std::size_t o200k_piece_end(std::string_view text, std::size_t pos) noexcept;
std::size_t cl100k_piece_end(std::string_view text, std::size_t pos) noexcept;

}  // namespace agentio::llm::tokenizer
