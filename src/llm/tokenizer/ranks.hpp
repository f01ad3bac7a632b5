// ranks.hpp (internal): an encoding's mergeable tokens, from their bytes to
// their rank (which is their id) and back.
//
// Lookups are the tokenizer's hot path (every piece, every pair a merge
// considers), so the table is open addressing over one array whose slots
// carry 32 bits of the key's hash: a miss, the common case while merging,
// touches no token bytes.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace agentio::llm::tokenizer {

using Rank = std::uint32_t;
inline constexpr Rank kNoRank = UINT32_MAX;
// The rank files give each token's length in one byte: no token is longer.
inline constexpr std::uint32_t kLongestToken = 255;

class RankTable {
public:
    // From a rank file (tools/tokenizer/make_ranks.mjs); throws agentio::Error
    // naming `name` if the file is damaged.
    RankTable(std::string_view name, std::span<const unsigned char> file);

    Rank find(std::string_view bytes) const noexcept;
    Rank byte_rank(unsigned char byte) const noexcept { return byte_ranks_[byte]; }
    // find() of two bytes, from a table small enough to stay in cache: every
    // merge starts with a piece's byte pairs.
    Rank byte_pair_rank(unsigned char first, unsigned char second) const noexcept {
        return byte_pair_ranks_[std::size_t{first} << 8 | second];
    }
    std::string_view bytes_of(Rank rank) const noexcept {
        return std::string_view(blob_).substr(offsets_[rank], offsets_[rank + 1] - offsets_[rank] - 1);
    }
    std::size_t size() const noexcept { return offsets_.size() - 1; }

private:
    struct Slot {
        std::uint32_t tag = 0;
        Rank rank = kNoRank;  // kNoRank: empty
    };

    std::string blob_;                   // per rank: a length byte, then the bytes
    std::vector<std::uint32_t> offsets_;  // per rank: where its bytes start; then the blob's end + 1
    std::vector<Slot> slots_;
    std::uint64_t mask_ = 0;
    std::array<Rank, 256> byte_ranks_{};
    std::vector<Rank> byte_pair_ranks_;  // 256 x 256
};

}  // namespace agentio::llm::tokenizer
