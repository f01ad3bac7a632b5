// sim::TokenBucket: starts full, refills continuously, and a wait of
// time_until(n) is always enough.
#include <agentio/sim/token_bucket.hpp>
#include <gtest/gtest.h>

using namespace agentio;
using namespace std::chrono_literals;

namespace {

const TimePoint t0 = TimePoint{} + 1h;

TEST(TokenBucketTest, StartsFullAndTakesAllOrNothing) {
    sim::TokenBucket bucket(600, 1min, t0);
    EXPECT_EQ(bucket.available(t0), 600);
    EXPECT_TRUE(bucket.try_take(600, t0));
    EXPECT_EQ(bucket.available(t0), 0);
    EXPECT_FALSE(bucket.try_take(1, t0));
    EXPECT_EQ(bucket.available(t0), 0);
}

TEST(TokenBucketTest, RefillsContinuouslyUpToTheCapacity) {
    sim::TokenBucket bucket(600, 1min, t0);
    ASSERT_TRUE(bucket.try_take(600, t0));
    EXPECT_EQ(bucket.available(t0 + 99ms), 0);
    EXPECT_EQ(bucket.available(t0 + 100ms), 1);  // 600 a minute: one per 100 ms
    EXPECT_EQ(bucket.available(t0 + 30s), 300);
    EXPECT_EQ(bucket.available(t0 + 10min), 600);
    EXPECT_EQ(bucket.time_until_full(t0 + 10min), 0ns);
}

TEST(TokenBucketTest, TimeUntilIsExactAndEnough) {
    sim::TokenBucket bucket(3, 1min, t0);
    ASSERT_TRUE(bucket.try_take(3, t0));
    EXPECT_EQ(bucket.time_until(1, t0), 20s);
    EXPECT_EQ(bucket.time_until_full(t0), 60s);
    EXPECT_EQ(bucket.time_until(4, t0), std::nullopt);  // more than it can ever hold
    EXPECT_FALSE(bucket.try_take(1, t0 + 19s));
    EXPECT_TRUE(bucket.try_take(1, t0 + 20s));

    // Awkward ratios too: waiting what it says always suffices.
    sim::TokenBucket odd(7, 1min, t0);
    TimePoint now = t0;
    ASSERT_TRUE(odd.try_take(7, now));
    for (int i = 0; i < 50; ++i) {
        const Duration wait = *odd.time_until(3, now);
        EXPECT_GT(wait, 0ns);
        now += wait;
        EXPECT_TRUE(odd.try_take(3, now)) << i;
    }
}

TEST(TokenBucketTest, TimeGoingBackwardsIsNoTimePassing) {
    sim::TokenBucket bucket(10, 1min, t0);
    ASSERT_TRUE(bucket.try_take(10, t0 + 1s));
    EXPECT_EQ(bucket.available(t0), 0);
    EXPECT_EQ(bucket.available(t0 + 1s), 0);
}

}  // namespace
