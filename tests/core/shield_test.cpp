#include <gtest/gtest.h>

#include "test_support.hpp"

using namespace agentio;
using namespace std::chrono_literals;
using agentio::testkit::run_virtual;

TEST(Shield, ProtectedTaskFinishesThenTheCallerSeesCancelledError) {
    run_virtual([]() -> Task<> {
        bool committed = false;
        auto commit = [&]() -> Task<> {
            co_await sleep(3s);
            committed = true;
        };
        auto h = create_task([&]() -> Task<> { co_await shield(commit()); });
        co_await sleep(1s);
        h.cancel();
        EXPECT_THROW(co_await h, CancelledError);
        EXPECT_TRUE(committed);
        EXPECT_DOUBLE_EQ(monotonic(), 3.0);
    }());
}

TEST(Shield, TimeoutAroundAShieldedHandleFiresAtOnceAndTheTaskGoesOn) {
    run_virtual([]() -> Task<> {
        auto work = create_task([]() -> Task<int> {
            co_await sleep(5s);
            co_return 42;
        });
        EXPECT_THROW(co_await wait_for(shield(work), 1s), TimeoutError);
        EXPECT_DOUBLE_EQ(monotonic(), 1.0);
        EXPECT_FALSE(work.done());
        EXPECT_EQ(co_await work, 42);
        EXPECT_DOUBLE_EQ(monotonic(), 5.0);
    }());
}

TEST(Shield, ReturnsTheValueWhenNotCancelled) {
    EXPECT_EQ(run_virtual([]() -> Task<int> {
                  co_return co_await shield([]() -> Task<int> {
                      co_await sleep(1s);
                      co_return 5;
                  }());
              }()),
              5);
}
