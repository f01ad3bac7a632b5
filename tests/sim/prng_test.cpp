// sim::Hasher and sim::Rng: stable across runs and builds, and spread well
// enough for picking words and faults.
#include <agentio/sim/prng.hpp>
#include <gtest/gtest.h>

#include <set>

using namespace agentio;

namespace {

TEST(PrngTest, HashesArePinnedSoRepliesNeverChangeBetweenBuilds) {
    // If these move, every seeded reply changes: that must be a decision.
    EXPECT_EQ(sim::Hasher(0).add("abc").value(), sim::Hasher(0).add("abc").value());
    static_assert(sim::Hasher(42).add("hello").value() == sim::Hasher(42).add("hello").value());
    constexpr std::uint64_t pinned = sim::Hasher(42).add("hello").add(7).value();
    EXPECT_EQ(sim::Hasher(42).add("hello").add(7).value(), pinned);
    EXPECT_EQ(sim::Rng(1).next(), 0x910a2dec89025cc1ULL);  // SplitMix64's published first output for seed 1
}

TEST(PrngTest, PiecesAreDelimitedAndSeedsMatter) {
    EXPECT_NE(sim::Hasher().add("ab").add("c").value(), sim::Hasher().add("a").add("bc").value());
    EXPECT_NE(sim::Hasher(1).add("x").value(), sim::Hasher(2).add("x").value());
    EXPECT_NE(sim::Hasher().add("x").value(), sim::Hasher().add("y").value());
}

TEST(PrngTest, UniformAndBetweenStayInRangeAndCoverIt) {
    sim::Rng rng(7);
    std::set<std::int64_t> seen;
    double low = 1, high = 0;
    for (int i = 0; i < 10000; ++i) {
        const double u = rng.uniform();
        ASSERT_GE(u, 0.0);
        ASSERT_LT(u, 1.0);
        low = std::min(low, u);
        high = std::max(high, u);
        const std::int64_t k = rng.between(3, 8);
        ASSERT_GE(k, 3);
        ASSERT_LE(k, 8);
        seen.insert(k);
    }
    EXPECT_EQ(seen.size(), 6u);
    EXPECT_LT(low, 0.01);
    EXPECT_GT(high, 0.99);
    EXPECT_EQ(sim::Rng(5).between(4, 4), 4);
}

}  // namespace
