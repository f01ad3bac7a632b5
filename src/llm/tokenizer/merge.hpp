// merge.hpp (internal): byte-pair merging of one piece, as tiktoken's
// byte_pair_encode does it.
//
// Start from the piece's bytes; while some adjacent pair of parts is itself a
// token, merge the pair of lowest rank (the leftmost of equals). Short pieces
// rescan their few pairs after each merge; long ones keep the pairs in a heap,
// so a piece of a million bytes merges in n log n. Both give the same tokens.
#pragma once

#include <string_view>
#include <vector>

#include "ranks.hpp"

namespace agentio::llm::tokenizer {

// Appends the tokens of `piece` (not empty, not itself a token) to `out`.
void merge_piece(const RankTable& ranks, std::string_view piece, std::vector<Rank>& out);

// Pieces longer than this merge through the heap.
inline constexpr std::size_t kLongPiece = 32;

// The heap's way, for any length (exposed so a test can hold it to the other).
void merge_long_piece(const RankTable& ranks, std::string_view piece, std::vector<Rank>& out);

}  // namespace agentio::llm::tokenizer
