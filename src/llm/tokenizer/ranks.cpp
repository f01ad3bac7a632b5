// ranks.cpp: reading a rank file and the hash table over it.

#include "ranks.hpp"

#include <zlib.h>

#include <bit>
#include <cstring>

#include "agentio/core/errors.hpp"

namespace agentio::llm::tokenizer {
namespace {

std::uint64_t mix(std::uint64_t a, std::uint64_t b) noexcept {
    const unsigned __int128 product = static_cast<unsigned __int128>(a) * b;
    return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64);
}

std::uint64_t hash_bytes(std::string_view bytes) noexcept {
    const char* p = bytes.data();
    std::size_t n = bytes.size();
    std::uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
    while (n >= 8) {
        std::uint64_t word;
        std::memcpy(&word, p, 8);
        h = mix(h ^ word, 0xBF58476D1CE4E5B9ull);
        p += 8;
        n -= 8;
    }
    std::uint64_t tail = 0;
    std::memcpy(&tail, p, n);
    return mix(h ^ tail, 0x94D049BB133111EBull);
}

std::uint32_t read_u32(const unsigned char* p) noexcept {
    return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
           static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

}  // namespace

RankTable::RankTable(std::string_view name, std::span<const unsigned char> file) {
    const auto damaged = [&](std::string_view why) {
        return Error("tokenizer: the rank data of " + std::string(name) + " is damaged: " + std::string(why));
    };
    if (file.size() < 12 || std::memcmp(file.data(), "AGTR", 4) != 0) throw damaged("no AGTR header");
    const std::uint32_t count = read_u32(file.data() + 4);
    const std::uint32_t raw_size = read_u32(file.data() + 8);
    // merge.cpp packs a rank into 24 bits.
    if (count >= (1u << 24)) throw damaged("it holds more tokens than a rank of 24 bits names");
    blob_.resize(raw_size);
    uLongf inflated = raw_size;
    if (::uncompress(reinterpret_cast<Bytef*>(blob_.data()), &inflated, file.data() + 12, file.size() - 12) != Z_OK ||
        inflated != raw_size)
        throw damaged("it does not inflate to its stated size");

    offsets_.reserve(count + 1);
    std::size_t at = 0;
    for (std::uint32_t rank = 0; rank < count; ++rank) {
        if (at >= blob_.size()) throw damaged("it ends before its last token");
        const std::size_t length = static_cast<unsigned char>(blob_[at]);
        if (length == 0 || at + 1 + length > blob_.size()) throw damaged("a token runs past its end");
        offsets_.push_back(static_cast<std::uint32_t>(at + 1));
        at += 1 + length;
    }
    if (at != blob_.size()) throw damaged("bytes follow its last token");
    offsets_.push_back(static_cast<std::uint32_t>(at + 1));

    slots_.resize(std::bit_ceil(std::size_t{count} * 2));
    mask_ = slots_.size() - 1;
    for (Rank rank = 0; rank < count; ++rank) {
        const std::string_view bytes = bytes_of(rank);
        const std::uint64_t hash = hash_bytes(bytes);
        std::uint64_t i = hash & mask_;
        while (slots_[i].rank != kNoRank) {
            if (bytes_of(slots_[i].rank) == bytes) throw damaged("a token appears twice");
            i = (i + 1) & mask_;
        }
        slots_[i] = {static_cast<std::uint32_t>(hash >> 32), rank};
    }
    for (int byte = 0; byte < 256; ++byte) {
        const char c = static_cast<char>(byte);
        byte_ranks_[static_cast<std::size_t>(byte)] = find(std::string_view(&c, 1));
        if (byte_ranks_[static_cast<std::size_t>(byte)] == kNoRank) throw damaged("a byte has no token of its own");
    }
    byte_pair_ranks_.resize(256 * 256);
    for (std::size_t pair = 0; pair < byte_pair_ranks_.size(); ++pair) {
        const char bytes[2] = {static_cast<char>(pair >> 8), static_cast<char>(pair & 0xFF)};
        byte_pair_ranks_[pair] = find(std::string_view(bytes, 2));
    }
}

Rank RankTable::find(std::string_view bytes) const noexcept {
    const std::uint64_t hash = hash_bytes(bytes);
    const auto tag = static_cast<std::uint32_t>(hash >> 32);
    for (std::uint64_t i = hash & mask_;; i = (i + 1) & mask_) {
        const Slot& slot = slots_[i];
        if (slot.rank == kNoRank) return kNoRank;
        if (slot.tag == tag && bytes_of(slot.rank) == bytes) return slot.rank;
    }
}

}  // namespace agentio::llm::tokenizer
