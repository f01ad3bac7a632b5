#include <gtest/gtest.h>

#include "agentio/core/detail/loop_access.hpp"

#include "test_support.hpp"

using namespace agentio;
using namespace std::chrono_literals;
using agentio::testkit::run_virtual;

TEST(CreateTask, DroppedHandleStillRunsAndItsExceptionReachesTheHandler) {
    bool ran = false;
    std::vector<std::string> reports;
    run_virtual([&]() -> Task<> {
        get_running_loop().set_exception_handler([&](const ExceptionContext& c) {
            reports.push_back(c.message + " / " + c.task_name + " / " + describe(c.error));
        });
        (void)create_task([&]() -> Task<> {
            co_await sleep(1s);
            ran = true;
            throw Error("lost?");
        }, "fire-and-forget");
        co_await sleep(2s);
    }());
    EXPECT_TRUE(ran);
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_EQ(reports[0], "Task exception was never retrieved / fire-and-forget / lost?");
}

TEST(CreateTask, RetrievedExceptionIsNotReported) {
    int reports = 0;
    run_virtual([&]() -> Task<> {
        get_running_loop().set_exception_handler([&](const ExceptionContext&) { ++reports; });
        auto h = create_task([]() -> Task<int> {
            throw Error("x");
            co_return 1;
        }());
        EXPECT_THROW(co_await h, Error);
    }());
    EXPECT_EQ(reports, 0);
}

TEST(CreateTask, StartsOnTheNextIterationAndCanBeAwaitedByMany) {
    run_virtual([]() -> Task<> {
        bool started = false;
        auto h = create_task([&]() -> Task<std::string> {
            started = true;
            co_await sleep(1s);
            co_return "done";
        });
        EXPECT_FALSE(started);
        auto [a, b] = co_await gather([](TaskHandle<std::string> t) -> Task<std::string> { co_return co_await t; }(h),
                                      [](TaskHandle<std::string> t) -> Task<std::string> { co_return co_await t; }(h));
        EXPECT_EQ(a, "done");
        EXPECT_EQ(b, "done");
        EXPECT_EQ(h.result(), "done");
        EXPECT_TRUE(h.done());
    }());
}

TEST(CreateTask, CancelledBeforeItStartsNeverRuns) {
    run_virtual([]() -> Task<> {
        bool ran = false;
        auto h = create_task([&]() -> Task<> {
            ran = true;
            co_return;
        });
        EXPECT_TRUE(h.cancel());
        EXPECT_THROW(co_await h, CancelledError);
        EXPECT_FALSE(ran);
        EXPECT_TRUE(h.cancelled());
        EXPECT_FALSE(h.cancel());  // already done
    }());
}

TEST(CreateTask, CancelReachesASleepingGrandchildAndDisarmsItsTimer) {
    run_virtual([]() -> Task<> {
        bool grandchild_cancelled = false;
        auto grandchild = [&]() -> Task<> {
            try {
                co_await sleep(1h);
            } catch (const CancelledError&) {
                grandchild_cancelled = true;
                throw;
            }
        };
        auto child = [&]() -> Task<> { co_await grandchild(); };
        auto h = create_task(child());
        co_await sleep(1s);
        EXPECT_EQ(detail::LoopAccess::timers(get_running_loop()).size(), 1u);
        h.cancel();
        EXPECT_EQ(detail::LoopAccess::timers(get_running_loop()).size(), 0u);  // disarmed at once
        EXPECT_THROW(co_await h, CancelledError);
        EXPECT_TRUE(grandchild_cancelled);
        EXPECT_DOUBLE_EQ(monotonic(), 1.0);
    }());
}

TEST(CreateTask, CancellingTheAwaiterCancelsTheAwaitedTask) {
    run_virtual([]() -> Task<> {
        auto inner = create_task(sleep(1h));
        auto outer = create_task([](TaskHandle<> t) -> Task<> { co_await t; }(inner));
        co_await sleep(1s);
        outer.cancel();
        EXPECT_THROW(co_await outer, CancelledError);
        EXPECT_TRUE(inner.cancelled());
    }());
}

TEST(CreateTask, AwaitingItselfIsAnError) {
    run_virtual([]() -> Task<> {
        TaskHandle<> self;
        self = create_task([&]() -> Task<> {
            co_await sleep(0s);
            co_await self;
        });
        EXPECT_THROW(co_await self, InvalidStateError);
    }());
}

TEST(CreateTask, MovingAwaitDoesNotStealTheResultFromOtherHandles) {
    run_virtual([]() -> Task<> {
        auto h = create_task([]() -> Task<std::string> { co_return "the-result"; });
        TaskHandle<std::string> copy = h;
        EXPECT_EQ(co_await std::move(h), "the-result");
        EXPECT_EQ(co_await copy, "the-result");
        EXPECT_EQ(copy.result(), "the-result");
        EXPECT_EQ(co_await shield(copy), "the-result");
        EXPECT_EQ(copy.result(), "the-result");
    }());
}

TEST(CreateTask, AMoveOnlyResultIsTakenOnceThenAClearError) {
    run_virtual([]() -> Task<> {
        auto h = create_task([]() -> Task<std::unique_ptr<int>> { co_return std::make_unique<int>(7); });
        auto value = co_await h;
        EXPECT_EQ(*value, 7);
        EXPECT_THROW(h.result(), InvalidStateError);
    }());
}

// The request count is kept in 16 bits: it stops at 65,535 instead of wrapping
// to zero (which would make a cancelled task look uncancelled).
TEST(CreateTask, CancelRequestsSaturateInsteadOfWrapping) {
    run_virtual([]() -> Task<> {
        auto h = create_task(sleep(1s));
        for (int i = 0; i < 70'000; ++i) EXPECT_TRUE(h.cancel());
        EXPECT_EQ(h.cancelling(), 65'535);
        EXPECT_EQ(h.uncancel(), 65'534);
        EXPECT_THROW(co_await h, CancelledError);
    }());
}
