#include <gtest/gtest.h>

#include "test_support.hpp"

using namespace agentio;
using namespace std::chrono_literals;
using agentio::testkit::run_virtual;

TEST(Sleep, AdvancesTheVirtualClockExactly) {
    double elapsed = run_virtual([]() -> Task<double> {
        double start = monotonic();
        co_await sleep(1500ms);
        co_return monotonic() - start;
    }());
    EXPECT_DOUBLE_EQ(elapsed, 1.5);
}

TEST(Sleep, ZeroYieldsExactlyOneIteration) {
    std::string trace;
    run_virtual([&]() -> Task<> {
        auto worker = [&](char id) -> Task<> {
            for (int i = 0; i < 3; ++i) {
                trace += id;
                co_await sleep(0s);
            }
        };
        co_await gather(worker('a'), worker('b'));
    }());
    EXPECT_EQ(trace, "ababab");
}

TEST(Sleep, EqualDeadlinesFireInTheOrderTheyWereArmed) {
    std::string order;
    run_virtual([&]() -> Task<> {
        auto at = [&](char id) -> Task<> {
            co_await sleep(1s);
            order += id;
        };
        co_await gather(at('x'), at('y'), at('z'));
    }());
    EXPECT_EQ(order, "xyz");
}

TEST(Sleep, RealClockWaitsAtLeastTheDuration) {
    double elapsed = run([]() -> Task<double> {
        double start = monotonic();
        co_await sleep(20ms);
        co_return monotonic() - start;
    }());
    EXPECT_GE(elapsed, 0.020);
}
