// prng.hpp: the simulator's deterministic randomness: a stable hash and a
// small seeded generator.
//
// Every reply must be the same in every run, on every platform and with
// every standard library, so nothing here uses std::hash or the <random>
// distributions (both are implementation-defined). The hash is FNV-1a,
// finished with SplitMix64's mixer; the generator is SplitMix64. Neither is
// meant to be cryptographic: they only have to spread well and never change.
#pragma once

#include <cstdint>
#include <string_view>

namespace agentio::sim {

// SplitMix64's finaliser: a bijection of 64-bit words that spreads every
// input bit over the output.
constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

// Folds `value` into a running hash; the order of the values matters.
constexpr std::uint64_t combine(std::uint64_t hash, std::uint64_t value) noexcept {
    return mix64(hash ^ (value + 0x9e3779b97f4a7c15ULL + (hash << 6) + (hash >> 2)));
}

// A stable hash of bytes, built up piece by piece: `Hasher h; h.add(a); h.add(b);`.
// Each piece ends with its length, so ("ab", "c") and ("a", "bc") differ.
class Hasher {
public:
    explicit constexpr Hasher(std::uint64_t seed = 0) noexcept : state_(0xcbf29ce484222325ULL ^ mix64(seed)) {}

    constexpr Hasher& add(std::string_view bytes) noexcept {
        for (const char c : bytes) {
            state_ ^= static_cast<unsigned char>(c);
            state_ *= 0x100000001b3ULL;
        }
        return add(static_cast<std::uint64_t>(bytes.size()));
    }
    constexpr Hasher& add(std::uint64_t value) noexcept {
        state_ = combine(state_, value);
        return *this;
    }
    constexpr std::uint64_t value() const noexcept { return mix64(state_); }

private:
    std::uint64_t state_;
};

// SplitMix64: one 64-bit word of state, a full period of 2^64.
class Rng {
public:
    explicit constexpr Rng(std::uint64_t seed) noexcept : state_(seed) {}

    constexpr std::uint64_t next() noexcept {
        state_ += 0x9e3779b97f4a7c15ULL;
        return mix64(state_);
    }
    // Uniform in [0, 1), with 53 bits.
    constexpr double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    // Uniform in [lo, hi] (hi >= lo). The modulo bias is below 2^-40 for the
    // ranges used here, far under anything a test could see.
    constexpr std::int64_t between(std::int64_t lo, std::int64_t hi) noexcept {
        const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
        return lo + static_cast<std::int64_t>(span == 0 ? next() : next() % span);
    }

private:
    std::uint64_t state_;
};

}  // namespace agentio::sim
