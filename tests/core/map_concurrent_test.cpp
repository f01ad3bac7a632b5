#include <gtest/gtest.h>

#include "test_support.hpp"

using namespace agentio;
using namespace std::chrono_literals;
using agentio::testkit::run_virtual;

TEST(MapConcurrent, KeepsAWindowOfLimitAndReturnsInputOrder) {
    run_virtual([]() -> Task<> {
        int in_flight = 0, peak = 0;
        auto call = [&](const int& seconds) -> Task<std::string> {
            peak = std::max(peak, ++in_flight);
            co_await sleep(std::chrono::seconds(seconds));
            --in_flight;
            std::string reply = "r";
            reply += std::to_string(seconds);
            co_return reply;
        };
        // Window of 2 over [3,1,1,1]: the short calls flow through while the
        // long one runs, finishing at 3 s (fixed batches of 2 would take 4 s).
        // (A braced list inside a co_await expression trips g++ 12: build it first.)
        std::vector<int> durations{3, 1, 1, 1};
        auto results = co_await map_concurrent(durations, call, 2);
        EXPECT_EQ(results, (std::vector<std::string>{"r3", "r1", "r1", "r1"}));
        EXPECT_EQ(peak, 2);
        EXPECT_DOUBLE_EQ(monotonic(), 3.0);
    }());
}

TEST(MapConcurrent, FirstErrorCancelsInFlightAndStartsNothingMore) {
    run_virtual([]() -> Task<> {
        int started = 0;
        auto call = [&](int i) -> Task<> {
            ++started;
            co_await sleep(std::chrono::seconds(i == 1 ? 1 : 2));
            if (i == 1) throw Error("item 1 failed");
        };
        std::vector<int> items{0, 1, 2, 3, 4, 5};
        EXPECT_THROW(co_await map_concurrent(items, call, 2), Error);
        EXPECT_EQ(started, 2);  // item 0 was cancelled in flight; 2..5 never started
        EXPECT_DOUBLE_EQ(monotonic(), 1.0);
        EXPECT_THROW(co_await map_concurrent(items, call, 0), InvalidStateError);
    }());
}

TEST(MapConcurrent, AWorkerWokenWithTheFailureStartsNoNewItem) {
    run_virtual([]() -> Task<> {
        std::vector<int> started;
        auto call = [&](int i) -> Task<> {
            started.push_back(i);
            co_await sleep(1s);  // items 0 and 1 finish at the same moment
            if (i == 0) throw Error("item 0 failed");
        };
        std::vector<int> items{0, 1, 2, 3};
        EXPECT_THROW(co_await map_concurrent(items, call, 2), Error);
        EXPECT_EQ(started, (std::vector<int>{0, 1}));
    }());
}
