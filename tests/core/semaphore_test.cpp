#include <gtest/gtest.h>

#include "test_support.hpp"

using namespace agentio;
using namespace std::chrono_literals;
using agentio::testkit::run_virtual;

TEST(Semaphore, WakesWaitersInFifoOrder) {
    run_virtual([]() -> Task<> {
        Semaphore sem(1);
        std::string order;
        auto user = [&](char id) -> Task<> {
            auto permit = co_await sem.acquire();
            order += id;
            co_await sleep(1s);
        };
        co_await gather(user('a'), user('b'), user('c'), user('d'));
        EXPECT_EQ(order, "abcd");
        EXPECT_DOUBLE_EQ(monotonic(), 4.0);
        EXPECT_EQ(sem.available(), 1u);
    }());
}

// asyncio gh-90155: a waiter cancelled right after release() picked it lost
// the permit for good. Here the permit is handed over with the wake-up and
// released on unwind, so the count is whole afterwards.
TEST(Semaphore, NoPermitIsLostWhenAWokenWaiterIsCancelled) {
    run_virtual([]() -> Task<> {
        Semaphore sem(1);
        auto holder = co_await sem.acquire();
        auto waiter = create_task([&]() -> Task<> {
            auto permit = co_await sem.acquire();
            co_await sleep(1s);  // cancelled here, at its next wait
        });
        auto other = create_task([&]() -> Task<> { auto permit = co_await sem.acquire(); });
        co_await sleep(0s);
        co_await sleep(0s);
        EXPECT_EQ(sem.waiting(), 2u);
        holder.release();  // hands the permit to `waiter` ...
        waiter.cancel();   // ... which is cancelled before it runs
        EXPECT_THROW(co_await waiter, CancelledError);
        co_await other;  // gets the permit back from the cancelled waiter
        EXPECT_EQ(sem.available(), 1u);
    }());
}

TEST(Semaphore, CancelledQueuedWaiterLeavesAndUnblocksThoseBehind) {
    run_virtual([]() -> Task<> {
        Semaphore sem(3);
        auto held = co_await sem.acquire(2);  // one permit left
        auto big = create_task([&]() -> Task<> { auto p = co_await sem.acquire(3); });
        auto small = create_task([&]() -> Task<> { auto p = co_await sem.acquire(1); });
        co_await sleep(0s);
        co_await sleep(0s);
        // The large request at the head holds back the small one (fairness).
        EXPECT_EQ(sem.waiting(), 2u);
        big.cancel();
        EXPECT_THROW(co_await big, CancelledError);
        co_await small;  // served as soon as the head left
        EXPECT_EQ(sem.available(), 1u);
    }());
}

TEST(Semaphore, BoundedSemaphoreRejectsAnExtraRelease) {
    BoundedSemaphore sem(2);
    std::optional<Semaphore::Permit> permit = sem.try_acquire();
    ASSERT_TRUE(permit);
    permit->release();
    EXPECT_THROW(sem.release(), InvalidStateError);
}

TEST(Semaphore, TryAcquireReturnsAPermitThatReleasesOnDestructionOrNothing) {
    Semaphore sem(2);
    {
        std::optional<Semaphore::Permit> two = sem.try_acquire(2);
        ASSERT_TRUE(two);
        EXPECT_EQ(two->count(), 2u);
        EXPECT_EQ(sem.available(), 0u);
        EXPECT_FALSE(sem.try_acquire());  // none left: nothing taken
        EXPECT_EQ(sem.available(), 0u);
    }
    EXPECT_EQ(sem.available(), 2u);
}

TEST(Semaphore, TryAcquireNeverBargesAheadOfAQueuedWaiter) {
    run_virtual([]() -> Task<> {
        Semaphore sem(1);
        auto held = co_await sem.acquire(1);
        auto big = create_task([&]() -> Task<> { auto p = co_await sem.acquire(2); });
        co_await sleep(0s);
        held.release();  // one free, but the queued request for two comes first
        EXPECT_EQ(sem.available(), 1u);
        EXPECT_FALSE(sem.try_acquire());
        big.cancel();
        EXPECT_THROW(co_await big, CancelledError);
        std::optional<Semaphore::Permit> now = sem.try_acquire();
        EXPECT_TRUE(now);
    }());
}

TEST(Semaphore, LimitsConcurrency) {
    run_virtual([]() -> Task<> {
        Semaphore sem(10);
        int in_flight = 0, peak = 0;
        auto call = [&](int) -> Task<int> {
            auto permit = co_await sem.acquire();
            peak = std::max(peak, ++in_flight);
            co_await sleep(100ms);
            --in_flight;
            co_return 0;
        };
        std::vector<Task<int>> calls;
        for (int i = 0; i < 100; ++i) calls.push_back(call(i));
        co_await gather(std::move(calls));
        EXPECT_EQ(peak, 10);
        EXPECT_DOUBLE_EQ(monotonic(), 1.0);
    }());
}
