// sim::LatencySampler: delays within the spread, the same for the same
// seed, and a total that matches the draws one by one.
#include <agentio/sim/latency.hpp>
#include <gtest/gtest.h>

using namespace agentio;
using namespace std::chrono_literals;

namespace {

TEST(LatencyTest, DelaysStayWithinTheSpreadAndUseIt) {
    sim::LatencySampler sampler({300ms, 20ms, 0.5}, 9);
    Duration lowest = 1h, highest = 0ns;
    for (int i = 0; i < 2000; ++i) {
        const Duration d = sampler.inter_token();
        ASSERT_GE(d, 10ms);
        ASSERT_LE(d, 30ms);
        lowest = std::min(lowest, d);
        highest = std::max(highest, d);
    }
    EXPECT_LT(lowest, 11ms);
    EXPECT_GT(highest, 29ms);
    const Duration first = sampler.time_to_first_token();
    EXPECT_GE(first, 150ms);
    EXPECT_LE(first, 450ms);
}

TEST(LatencyTest, NoSpreadIsExactAndSpreadIsClampedToNeverGoNegative) {
    sim::LatencySampler exact({300ms, 20ms, 0.0}, 1);
    EXPECT_EQ(exact.time_to_first_token(), 300ms);
    EXPECT_EQ(exact.inter_token(), 20ms);
    EXPECT_EQ(exact.total(10), 300ms + 9 * 20ms);
    EXPECT_EQ(exact.total(0), 300ms);
    sim::LatencySampler wild({100ms, 100ms, 5.0}, 1);
    for (int i = 0; i < 1000; ++i) ASSERT_GE(wild.inter_token(), 0ns);
    sim::LatencySampler zero({0ns, 0ns, 0.2}, 1);
    EXPECT_EQ(zero.total(50), 0ns);
}

TEST(LatencyTest, TheTotalIsTheSumOfTheSameDrawsAStreamMakes) {
    const sim::LatencyModel model{300ms, 20ms, 0.3};
    sim::LatencySampler streamed(model, 77);
    Duration sum = streamed.time_to_first_token();
    for (int i = 1; i < 25; ++i) sum += streamed.inter_token();
    sim::LatencySampler plain(model, 77);
    EXPECT_EQ(plain.total(25), sum);
    sim::LatencySampler other(model, 78);
    EXPECT_NE(other.total(25), sum);
}

}  // namespace
