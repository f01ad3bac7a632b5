#include <gtest/gtest.h>

#include "test_support.hpp"

using namespace agentio;
using namespace std::chrono_literals;
using agentio::testing::run_virtual;

TEST(Run, InsideARunningLoopIsAnError) {
    run_virtual([]() -> Task<> {
        EXPECT_THROW(run([]() -> Task<> { co_return; }()), InvalidStateError);
        co_return;
    }());
}

TEST(Run, CreateTaskWithoutALoopIsAnError) {
    auto t = []() -> Task<> { co_return; }();
    EXPECT_THROW(create_task(std::move(t)), InvalidStateError);
    EXPECT_THROW(monotonic(), InvalidStateError);
}

TEST(Run, CancelsAndDrainsLeftoverTasks) {
    bool cleaned_up = false;
    bool finished = false;
    run_virtual([&]() -> Task<> {
        create_task([&]() -> Task<> {
            struct Cleanup {
                bool& flag;
                ~Cleanup() { flag = true; }
            } cleanup{cleaned_up};
            co_await sleep(1h);
            finished = true;
        });
        co_await sleep(1s);
    }());
    EXPECT_TRUE(cleaned_up);
    EXPECT_FALSE(finished);
}

TEST(Run, VirtualClockDetectsADeadlockInsteadOfHanging) {
    EXPECT_THROW(run_virtual([]() -> Task<> {
                     Event never;
                     co_await never.wait();
                 }()),
                 InvalidStateError);
}
