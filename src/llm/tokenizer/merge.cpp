// merge.cpp: the two ways of merge.hpp.

#include "merge.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <string>

#include "agentio/core/errors.hpp"

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
    // A hostile prompt can be one word of megabytes, so the bytes kept per
    // byte of the piece decide what it costs:
    // - parts (runs of bytes merged into one token) are their lengths, kept
    //   at their start offsets and 0 inside them: one byte each, as no token
    //   is longer than kLongestToken; a part's left neighbour is a short scan
    //   back;
    // - a candidate merge is one integer, rank << 40 | start << 8 | span, so
    //   that the heap pops the lowest rank first and the leftmost of equal
    //   ranks, as tiktoken merges. It is stale once the two parts at `start`
    //   no longer span `span` bytes; if they do, their bytes, and so their
    //   token, are the same as when it was pushed.
    // The final parts' ranks are looked up again at the end rather than kept.
    struct Workspace {
        std::vector<std::uint8_t> length;
        std::vector<std::uint64_t> heap;
    };
    static_assert(kLongestToken < 256, "a part's length is one byte");
    thread_local Workspace w;
    constexpr std::uint32_t kKeptWorkspace = 1u << 16;  // bytes of piece whose workspace stays for the next

    // Offsets are 32-bit, with room for a token past the last one.
    if (piece.size() > UINT32_MAX - kLongestToken)
        throw Error("tokenizer: a piece of " + std::to_string(piece.size()) + " bytes is over the 4 GiB a piece may have");
    const auto n = static_cast<std::uint32_t>(piece.size());
    const auto rank_of = [&](std::uint32_t start, std::uint32_t span) {
        return span == 1   ? ranks.byte_rank(static_cast<unsigned char>(piece[start]))
               : span == 2 ? ranks.byte_pair_rank(static_cast<unsigned char>(piece[start]),
                                                  static_cast<unsigned char>(piece[start + 1]))
                           : ranks.find(piece.substr(start, span));
    };
    // The merge of the part at `start` with the next one, if that is a token.
    const auto add_candidate = [&](std::uint32_t start) {
        const std::uint32_t middle = start + w.length[start];
        if (middle >= n) return false;
        const std::uint32_t span = w.length[start] + w.length[middle];
        if (span > kLongestToken) return false;
        const Rank rank = rank_of(start, span);
        if (rank == kNoRank) return false;
        w.heap.push_back(std::uint64_t{rank} << 40 | std::uint64_t{start} << 8 | span);
        return true;
    };
    const auto push_candidate = [&](std::uint32_t start) {
        if (add_candidate(start)) std::push_heap(w.heap.begin(), w.heap.end(), std::greater<>());
    };

    w.length.assign(n, 1);
    w.heap.clear();
    w.heap.reserve(n);
    for (std::uint32_t i = 0; i + 1 < n; ++i) add_candidate(i);
    std::make_heap(w.heap.begin(), w.heap.end(), std::greater<>());

    while (!w.heap.empty()) {
        std::pop_heap(w.heap.begin(), w.heap.end(), std::greater<>());
        const std::uint64_t top = w.heap.back();
        w.heap.pop_back();
        const auto start = static_cast<std::uint32_t>(top >> 8);
        const auto span = static_cast<std::uint32_t>(top & 0xFF);
        if (w.length[start] == 0) continue;  // merged into the part before it
        const std::uint32_t middle = start + w.length[start];
        if (middle >= n || w.length[start] + w.length[middle] != span) continue;
        w.length[start] = static_cast<std::uint8_t>(span);
        w.length[middle] = 0;
        if (start > 0) {
            std::uint32_t before = start - 1;
            while (w.length[before] == 0) --before;  // offset 0 always starts a part
            push_candidate(before);
        }
        push_candidate(start);
    }
    for (std::uint32_t s = 0; s < n; s += w.length[s]) out.push_back(rank_of(s, w.length[s]));
    // A piece of megabytes leaves tens of them here: give them back rather
    // than keep them for the life of the thread.
    if (n > kKeptWorkspace) w = Workspace{};
}

void merge_piece(const RankTable& ranks, std::string_view piece, std::vector<Rank>& out) {
    if (piece.size() <= kLongPiece) merge_short_piece(ranks, piece, out);
    else merge_long_piece(ranks, piece, out);
}

}  // namespace agentio::llm::tokenizer
