#include <gtest/gtest.h>

#include "test_support.hpp"

using namespace agentio;
using namespace std::chrono_literals;
using agentio::testing::run_virtual;

TEST(Timeout, ExpiryCancelsTheWorkWaitsForItsCleanupThenThrows) {
    run_virtual([]() -> Task<> {
        std::vector<std::string> log;
        auto slow = [&]() -> Task<int> {
            try {
                co_await sleep(10s);
            } catch (const CancelledError&) {
                log.push_back("cancelled at " + std::to_string(monotonic()));
            }
            co_await sleep(500ms);  // cleanup that itself waits
            log.push_back("cleanup done at " + std::to_string(monotonic()));
            throw CancelledError();
        };
        try {
            co_await wait_for(slow(), 2s);
            ADD_FAILURE() << "expected TimeoutError";
        } catch (const TimeoutError& e) {
            log.push_back(std::string("TimeoutError: ") + e.what());
        }
        EXPECT_EQ(log, (std::vector<std::string>{"cancelled at 2.000000", "cleanup done at 2.500000",
                                                 "TimeoutError: timed out after 2.000 s"}));
        EXPECT_EQ(get_running_loop().timers().size(), 0u);
    }());
}

TEST(Timeout, ReturnsTheValueWhenInTime) {
    EXPECT_EQ(run_virtual([]() -> Task<int> {
                  co_return co_await wait_for([]() -> Task<int> {
                      co_await sleep(1s);
                      co_return 7;
                  }, 2s);
              }()),
              7);
}

TEST(Timeout, AnExternalCancelStaysCancelledError) {
    run_virtual([]() -> Task<> {
        auto h = create_task([]() -> Task<> { co_await wait_for(sleep(10s), 5s); });
        co_await sleep(1s);
        h.cancel();
        EXPECT_THROW(co_await h, CancelledError);
    }());
}

TEST(Timeout, AnExternalCancelAtTheSameMomentAsExpiryStaysCancelledError) {
    run_virtual([]() -> Task<> {
        auto h = create_task([]() -> Task<> { co_await wait_for(sleep(10s), 1s); });
        // Armed after the timeout's timer with the same deadline: fires right after it.
        co_await sleep(1s);
        h.cancel();
        EXPECT_THROW(co_await h, CancelledError);
    }());
}

TEST(Timeout, NestedScopesEachReportTheirOwnExpiry) {
    run_virtual([]() -> Task<> {
        // The inner deadline is first: the inner scope throws TimeoutError,
        // which the outer scope passes on untouched.
        bool inner_timed_out = false;
        co_await timeout(5s, [&]() -> Task<> {
            try {
                co_await timeout(1s, sleep(10s));
            } catch (const TimeoutError&) {
                inner_timed_out = true;
            }
            EXPECT_DOUBLE_EQ(monotonic(), 1.0);
        });
        EXPECT_TRUE(inner_timed_out);
        // The outer deadline is first: the inner scope sees a CancelledError
        // that is not its own and lets it through; the outer converts it.
        EXPECT_THROW(co_await timeout(1s, [&]() -> Task<> { co_await timeout(5s, sleep(10s)); }), TimeoutError);
        EXPECT_DOUBLE_EQ(monotonic(), 2.0);
    }());
}

TEST(Timeout, WorkThatSwallowsTheCancellationReturnsItsValue) {
    run_virtual([]() -> Task<> {
        int value = co_await wait_for([]() -> Task<int> {
            try {
                co_await sleep(10s);
            } catch (const CancelledError&) {
                co_return -1;
            }
            co_return 1;
        }, 1s);
        EXPECT_EQ(value, -1);
        // The scope withdrew its cancellation: the task is not left cancelling.
        EXPECT_EQ(detail::TaskNode::running()->cancelling(), 0);
        co_await sleep(1s);  // and may wait again
    }());
}

TEST(Timeout, CurrentDeadlineIsTheInnermost) {
    run_virtual([]() -> Task<> {
        EXPECT_FALSE(current_deadline().has_value());
        co_await timeout(5s, [&]() -> Task<> {
            co_await timeout(2s, [&]() -> Task<> {
                EXPECT_EQ(*current_deadline(), TimePoint{} + 2s);
                co_return;
            });
            EXPECT_EQ(*current_deadline(), TimePoint{} + 5s);
        });
    }());
}

TEST(Timeout, AwaitingAHandleWithATimeoutCancelsTheTask) {
    run_virtual([]() -> Task<> {
        auto h = create_task(sleep(10s));
        EXPECT_THROW(co_await wait_for(h, 1s), TimeoutError);
        EXPECT_TRUE(h.cancelled());
    }());
}

TEST(Timeout, TheBudgetStartsWhenAwaitedNotWhenCreated) {
    run_virtual([]() -> Task<> {
        auto quick = []() -> Task<int> {
            co_await sleep(100ms);
            co_return 1;
        };
        auto bounded = wait_for(quick(), 1s);
        co_await sleep(2s);
        EXPECT_EQ(co_await bounded, 1);
    }());
    // Creating one outside a loop is fine too: nothing runs until awaited.
    auto lazy = wait_for(agentio::sleep(1s), 2s);
    (void)lazy;
}

TEST(Timeout, AHandleThatCatchesTheCancellationReturnsItsValue) {
    run_virtual([]() -> Task<> {
        auto h = create_task([]() -> Task<int> {
            try {
                co_await sleep(10s);
            } catch (const CancelledError&) {
                co_return 42;
            }
            co_return 0;
        });
        EXPECT_EQ(co_await wait_for(h, 1s), 42);
        EXPECT_DOUBLE_EQ(monotonic(), 1.0);
    }());
}
