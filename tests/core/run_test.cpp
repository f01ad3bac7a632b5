#include <gtest/gtest.h>

#include "test_support.hpp"

using namespace agentio;
using namespace std::chrono_literals;
using agentio::testkit::run_virtual;

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

TEST(Run, DrainCancelsATaskThatSwallowedAnEarlierCancellation) {
    bool drained = false;
    run_virtual([&]() -> Task<> {
        auto worker = create_task([&]() -> Task<> {
            try {
                co_await sleep(1h);
            } catch (const CancelledError&) {
                // Swallowed: cancelling() stays 1.
            }
            Event never;
            try {
                co_await never.wait();
            } catch (const CancelledError&) {
                drained = true;
                throw;
            }
        });
        co_await sleep(1s);
        worker.cancel();
        co_await sleep(1s);
        EXPECT_EQ(worker.cancelling(), 1);
        EXPECT_FALSE(worker.done());
    }());
    EXPECT_TRUE(drained);
}
