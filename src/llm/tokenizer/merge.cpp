// merge.cpp: the two ways of merge.hpp.

#include "merge.hpp"

#include <algorithm>
#include <array>
#include <functional>

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
    for (std::size_t i = 0; i + 1 < parts; ++i)
        pair[i] = ranks.byte_pair_rank(static_cast<unsigned char>(piece[i]), static_cast<unsigned char>(piece[i + 1]));
    pair[parts - 1] = kNoRank;

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
    // Reused from piece to piece: a long text has many long pieces.
    struct Workspace {
        std::vector<std::uint32_t> next, prev;
        std::vector<Rank> part;
        std::vector<bool> merged_away;
        std::vector<Pair> heap;
    };
    thread_local Workspace w;
    constexpr std::uint32_t kKeptWorkspace = 1u << 16;  // bytes of piece whose workspace stays for the next

    // Parts are linked by their start offsets: part s spans [s, next[s]).
    const auto n = static_cast<std::uint32_t>(piece.size());
    w.next.resize(n + 1);
    w.prev.resize(n + 1);
    w.part.resize(n);
    w.merged_away.assign(n, false);
    w.heap.clear();
    for (std::uint32_t i = 0; i < n; ++i) {
        w.next[i] = i + 1;
        w.prev[i + 1] = i;
        w.part[i] = ranks.byte_rank(static_cast<unsigned char>(piece[i]));
    }
    const auto push_pair = [&](std::uint32_t start) {
        if (w.next[start] >= n) return;
        const std::uint32_t end = w.next[w.next[start]];
        const Rank rank = end - start == 2 ? ranks.byte_pair_rank(static_cast<unsigned char>(piece[start]),
                                                                   static_cast<unsigned char>(piece[start + 1]))
                                           : ranks.find(piece.substr(start, end - start));
        if (rank == kNoRank) return;
        w.heap.push_back({rank, start, end});
        std::push_heap(w.heap.begin(), w.heap.end(), std::greater<>());
    };
    for (std::uint32_t i = 0; i + 1 < n; ++i) push_pair(i);

    while (!w.heap.empty()) {
        std::pop_heap(w.heap.begin(), w.heap.end(), std::greater<>());
        const Pair top = w.heap.back();
        w.heap.pop_back();
        if (w.merged_away[top.start] || w.next[top.start] >= n || w.next[w.next[top.start]] != top.end) continue;
        w.merged_away[w.next[top.start]] = true;
        w.part[top.start] = top.rank;
        w.next[top.start] = top.end;
        w.prev[top.end] = top.start;
        if (top.start > 0) push_pair(w.prev[top.start]);
        push_pair(top.start);
    }
    for (std::uint32_t s = 0; s < n; s = w.next[s]) out.push_back(w.part[s]);
    // A piece of megabytes leaves tens of them here: give them back rather
    // than keep them for the life of the thread.
    if (n > kKeptWorkspace) w = Workspace{};
}

void merge_piece(const RankTable& ranks, std::string_view piece, std::vector<Rank>& out) {
    if (piece.size() <= kLongPiece) merge_short_piece(ranks, piece, out);
    else merge_long_piece(ranks, piece, out);
}

}  // namespace agentio::llm::tokenizer
