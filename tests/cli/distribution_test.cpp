// Distribution: the statistics every CLI report prints.
#include <gtest/gtest.h>

#include "report/distribution.hpp"

using agentio::cli::Distribution;

TEST(DistributionTest, PercentilesInterpolateBetweenRanksAsNumpyDoes) {
    Distribution d;
    for (double x : {4.0, 1.0, 3.0, 2.0}) d.add(x);
    EXPECT_DOUBLE_EQ(d.median(), 2.5);
    EXPECT_DOUBLE_EQ(d.percentile(90), 3.7);  // numpy.percentile([1,2,3,4], 90)
    EXPECT_DOUBLE_EQ(d.percentile(0), 1.0);
    EXPECT_DOUBLE_EQ(d.percentile(100), 4.0);
    EXPECT_DOUBLE_EQ(d.mean(), 2.5);
    EXPECT_DOUBLE_EQ(d.min(), 1.0);
    EXPECT_DOUBLE_EQ(d.max(), 4.0);
    d.add(10.0);  // adding after a read re-sorts
    EXPECT_DOUBLE_EQ(d.median(), 3.0);
}

TEST(DistributionTest, AnEmptyDistributionReportsZeros) {
    const Distribution d;
    EXPECT_EQ(d.count(), 0u);
    EXPECT_DOUBLE_EQ(d.mean(), 0.0);
    EXPECT_DOUBLE_EQ(d.percentile(99), 0.0);
    EXPECT_DOUBLE_EQ(d.max(), 0.0);
}
