// sim::embed: deterministic unit vectors whose shorter forms are prefixes.
#include <agentio/sim/embedding.hpp>
#include <gtest/gtest.h>

#include <cmath>

using namespace agentio;

namespace {

double norm(const std::vector<float>& v) {
    double sum = 0;
    for (const float x : v) sum += static_cast<double>(x) * x;
    return std::sqrt(sum);
}

TEST(EmbeddingTest, VectorsAreUnitNormOfTheAskedSizeAndDeterministic) {
    for (const int dimensions : {1, 2, 64, 256, 3072}) {
        const std::vector<float> v = sim::embed(42, "sim-embed", "hello", dimensions);
        EXPECT_EQ(v.size(), static_cast<std::size_t>(dimensions));
        EXPECT_NEAR(norm(v), 1.0, 1e-6);
    }
    EXPECT_EQ(sim::embed(42, "sim-embed", "hello", 64), sim::embed(42, "sim-embed", "hello", 64));
    EXPECT_NE(sim::embed(42, "sim-embed", "hello", 64), sim::embed(42, "sim-embed", "hello!", 64));
    EXPECT_NE(sim::embed(42, "sim-embed", "hello", 64), sim::embed(43, "sim-embed", "hello", 64));
    EXPECT_NE(sim::embed(42, "sim-embed", "hello", 64), sim::embed(42, "other", "hello", 64));
    EXPECT_EQ(sim::embed(42, "m", "x", 0).size(), 1u);
}

TEST(EmbeddingTest, AShorterVectorIsTheStartOfALongerOneRenormalised) {
    const std::vector<float> long_one = sim::embed(1, "m", "text", 256);
    const std::vector<float> short_one = sim::embed(1, "m", "text", 32);
    const std::vector<float> head(long_one.begin(), long_one.begin() + 32);
    const double scale = norm(head);
    for (std::size_t i = 0; i < short_one.size(); ++i) EXPECT_NEAR(short_one[i], head[i] / scale, 1e-6);
}

}  // namespace
