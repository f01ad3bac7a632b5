// merge.cpp: the two ways of merge.hpp.

#include "merge.hpp"

#include <algorithm>
#include <array>
#include <queue>

namespace agentio::llm::tokenizer {
namespace {

// Parts as the start offsets of a few bytes, with the rank of each part and
// of each part joined to the next; a merge shifts the arrays' tails left.
void merge_short_piece(const RankTable& ranks, std::string_view piece, std::vector<Rank>& out) {
    std::array<std::uint32_t, kLongPiece + 1> start;  // parts' starts, then the piece's end
    std::array<Rank, kLongPiece> part;                // each part's own token
    std::array<Rank, kLongPiece> pair;                // part i with part i + 1 (kNoRank: no token)
    std::size_t parts = piece.size();
    for (std::size_t i = 0; i <= parts; ++i) start[i] = static_cast<std::uint32_t>(i);
    for (std::size_t i = 0; i < parts; ++i) part[i] = ranks.byte_rank(static_cast<unsigned char>(piece[i]));
    const auto pair_rank = [&](std::size_t i) {
        return i + 1 < parts ? ranks.find(piece.substr(start[i], start[i + 2] - start[i])) : kNoRank;
    };
    for (std::size_t i = 0; i < parts; ++i) pair[i] = pair_rank(i);

    for (;;) {
        const auto lowest = std::min_element(pair.begin(), pair.begin() + static_cast<std::ptrdiff_t>(parts));
        if (*lowest == kNoRank) break;
        const auto i = static_cast<std::size_t>(lowest - pair.begin());
        part[i] = *lowest;
        // Part i + 1 is gone: shift everything after it down by one.
        std::copy(start.begin() + static_cast<std::ptrdiff_t>(i + 2), start.begin() + static_cast<std::ptrdiff_t>(parts + 1),
                  start.begin() + static_cast<std::ptrdiff_t>(i + 1));
        std::copy(part.begin() + static_cast<std::ptrdiff_t>(i + 2), part.begin() + static_cast<std::ptrdiff_t>(parts),
                  part.begin() + static_cast<std::ptrdiff_t>(i + 1));
        std::copy(pair.begin() + static_cast<std::ptrdiff_t>(i + 2), pair.begin() + static_cast<std::ptrdiff_t>(parts),
                  pair.begin() + static_cast<std::ptrdiff_t>(i + 1));
        --parts;
        pair[i] = pair_rank(i);
        if (i > 0) pair[i - 1] = pair_rank(i - 1);
    }
    out.insert(out.end(), part.begin(), part.begin() + static_cast<std::ptrdiff_t>(parts));
}

}  // namespace

void merge_long_piece(const RankTable& ranks, std::string_view piece, std::vector<Rank>& out) {
    // Parts are linked by their start offsets: part s spans [s, next[s]).
    const auto n = static_cast<std::uint32_t>(piece.size());
    std::vector<std::uint32_t> next(n + 1), prev(n + 1);
    std::vector<Rank> part(n);
    std::vector<bool> merged_away(n, false);
    for (std::uint32_t i = 0; i < n; ++i) {
        next[i] = i + 1;
        prev[i + 1] = i;
        part[i] = ranks.byte_rank(static_cast<unsigned char>(piece[i]));
    }

    // A pair: part `start` joined to the next, covering [start, end). It is
    // stale once `start` was merged away or its span is no longer two parts.
    struct Pair {
        Rank rank;
        std::uint32_t start;
        std::uint32_t end;
        bool operator>(const Pair& other) const {
            return rank != other.rank ? rank > other.rank : start > other.start;
        }
    };
    std::priority_queue<Pair, std::vector<Pair>, std::greater<>> heap;
    const auto push_pair = [&](std::uint32_t start) {
        if (next[start] >= n) return;
        const std::uint32_t end = next[next[start]];
        const Rank rank = ranks.find(piece.substr(start, end - start));
        if (rank != kNoRank) heap.push({rank, start, end});
    };
    for (std::uint32_t i = 0; i + 1 < n; ++i) push_pair(i);

    while (!heap.empty()) {
        const Pair top = heap.top();
        heap.pop();
        if (merged_away[top.start] || next[top.start] >= n || next[next[top.start]] != top.end) continue;
        const std::uint32_t gone = next[top.start];
        merged_away[gone] = true;
        part[top.start] = top.rank;
        next[top.start] = top.end;
        prev[top.end] = top.start;
        if (top.start > 0) push_pair(prev[top.start]);
        push_pair(top.start);
    }
    for (std::uint32_t s = 0; s < n; s = next[s]) out.push_back(part[s]);
}

void merge_piece(const RankTable& ranks, std::string_view piece, std::vector<Rank>& out) {
    if (piece.size() <= kLongPiece) merge_short_piece(ranks, piece, out);
    else merge_long_piece(ranks, piece, out);
}

}  // namespace agentio::llm::tokenizer
