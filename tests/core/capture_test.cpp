// capture(): a piece of work's value or exception as an Outcome.
#include <gtest/gtest.h>

#include "test_support.hpp"

using namespace agentio;
using namespace std::chrono_literals;
using agentio::testkit::run_virtual;

TEST(Capture, HoldsTheValueOfWorkThatSucceeds) {
    run_virtual([]() -> Task<> {
        Outcome<int> outcome = co_await capture([]() -> Task<int> {
            co_await sleep(1s);
            co_return 42;
        });
        EXPECT_TRUE(outcome);
        EXPECT_EQ(outcome.value(), 42);
        EXPECT_FALSE(outcome.cancelled());
        Outcome<void> done = co_await capture(sleep(1s));
        EXPECT_TRUE(done);
    }());
}

TEST(Capture, HoldsTheExceptionInsteadOfThrowingIt) {
    run_virtual([]() -> Task<> {
        auto failing = []() -> Task<std::string> {
            co_await sleep(1s);
            throw std::runtime_error("boom");
        };
        Outcome<std::string> outcome = co_await capture(failing());
        EXPECT_FALSE(outcome);
        EXPECT_EQ(describe(outcome.error()), "boom");
        EXPECT_FALSE(outcome.cancelled());
        EXPECT_THROW(outcome.value(), std::runtime_error);
    }());
}

TEST(Capture, HoldsACancellationTooAndTellsItApart) {
    run_virtual([]() -> Task<> {
        bool rethrown = false;
        auto h = create_task([&]() -> Task<> {
            Outcome<void> slept = co_await capture(sleep(10s));
            EXPECT_TRUE(slept.cancelled());
            try {
                slept.value();
            } catch (const CancelledError&) {
                rethrown = true;
                throw;
            }
        });
        co_await sleep(1s);
        h.cancel();
        EXPECT_THROW(co_await h, CancelledError);
        EXPECT_TRUE(rethrown);
    }());
}

TEST(Capture, HoldsTheErrorOfAnEmptyTask) {
    run_virtual([]() -> Task<> {
        Task<int> task = []() -> Task<int> { co_return 1; }();
        Task<int> moved = std::move(task);
        Outcome<int> outcome = co_await capture(std::move(task));
        EXPECT_THROW(outcome.value(), InvalidStateError);
        EXPECT_EQ((co_await capture(std::move(moved))).value(), 1);
    }());
}

TEST(Capture, AwaitsAHandleAndNestsWithTimeoutScopes) {
    run_virtual([]() -> Task<> {
        auto h = create_task([]() -> Task<int> {
            co_await sleep(1s);
            co_return 5;
        });
        EXPECT_EQ((co_await capture(h)).value(), 5);
        Timeout outer(get_running_loop().now() + 5s), inner(get_running_loop().now() + 1s);
        Outcome<void> timed_out = co_await capture(outer.run(inner.run(sleep(2s))));
        EXPECT_THROW(timed_out.value(), TimeoutError);
        EXPECT_TRUE(inner.expired());
        EXPECT_FALSE(outer.expired());
        // And the other way round: a capture inside a timeout.
        Timeout around(get_running_loop().now() + 1s);
        Outcome<void> inside = co_await around.run(capture(sleep(2s)));
        EXPECT_TRUE(inside.cancelled());  // the work saw the cancellation; the scope got an Outcome, not an error
        EXPECT_TRUE(around.expired());
    }());
}

TEST(Capture, DoesNothingUntilAwaited) {
    run_virtual([]() -> Task<> {
        bool ran = false;
        auto captured = capture([&]() -> Task<> {
            ran = true;
            co_return;
        });
        co_await sleep(1s);
        EXPECT_FALSE(ran);
        co_await std::move(captured);
        EXPECT_TRUE(ran);
    }());
}
