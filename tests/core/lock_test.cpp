#include <gtest/gtest.h>

#include "test_support.hpp"

using namespace agentio;
using namespace std::chrono_literals;
using agentio::testkit::run_virtual;

TEST(Lock, SerialisesAndHandsOverInFifoOrder) {
    run_virtual([]() -> Task<> {
        Lock lock;
        std::string order;
        auto critical = [&](char id) -> Task<> {
            auto guard = co_await lock.acquire();
            order += id;
            co_await sleep(1s);
            order += id;
        };
        co_await gather(critical('a'), critical('b'), critical('c'));
        EXPECT_EQ(order, "aabbcc");
        EXPECT_FALSE(lock.locked());
    }());
}

TEST(Lock, CancelledWaiterDoesNotTakeTheLock) {
    run_virtual([]() -> Task<> {
        Lock lock;
        auto guard = co_await lock.acquire();
        auto waiter = create_task([&]() -> Task<> { auto g = co_await lock.acquire(); });
        co_await sleep(1s);
        waiter.cancel();
        EXPECT_THROW(co_await waiter, CancelledError);
        guard.unlock();
        EXPECT_FALSE(lock.locked());
    }());
}

TEST(Event, WakesEveryWaiterAndStaysSetUntilCleared) {
    run_virtual([]() -> Task<> {
        Event ready;
        int woken = 0;
        auto wait = [&]() -> Task<> {
            co_await ready.wait();
            ++woken;
        };
        auto setter = [&]() -> Task<> {
            co_await sleep(1s);
            ready.set();
        };
        co_await gather(wait(), wait(), setter());
        EXPECT_EQ(woken, 2);
        co_await ready.wait();  // already set: no wait
        ready.clear();
        EXPECT_FALSE(ready.is_set());
        EXPECT_DOUBLE_EQ(monotonic(), 1.0);
    }());
}

TEST(Condition, WaitForAPredicateAndNotify) {
    run_virtual([]() -> Task<> {
        Condition cond;
        std::vector<int> jobs;
        auto consumer = [&]() -> Task<int> {
            auto guard = co_await cond.lock().acquire();
            co_await cond.wait_for([&] { return !jobs.empty(); });
            EXPECT_TRUE(cond.lock().locked());
            co_return jobs.back();
        };
        auto producer = [&]() -> Task<> {
            co_await sleep(1s);
            auto guard = co_await cond.lock().acquire();
            jobs.push_back(7);
            cond.notify_all();
        };
        auto [value, ignored] = co_await gather(consumer(), producer());
        EXPECT_EQ(value, 7);
        EXPECT_FALSE(cond.lock().locked());
    }());
}

TEST(Condition, CancelledWaitReacquiresTheLockBeforeThrowing) {
    run_virtual([]() -> Task<> {
        Condition cond;
        bool held_when_cancelled = false;
        auto waiter = create_task([&]() -> Task<> {
            auto guard = co_await cond.lock().acquire();
            try {
                co_await cond.wait();
            } catch (const CancelledError&) {
                held_when_cancelled = cond.lock().locked();
                throw;
            }
        });
        co_await sleep(1s);
        auto guard = co_await cond.lock().acquire();  // the waiter released it in wait()
        waiter.cancel();
        co_await sleep(1s);
        EXPECT_FALSE(waiter.done());  // it must get the lock back first
        guard.unlock();
        EXPECT_THROW(co_await waiter, CancelledError);
        EXPECT_TRUE(held_when_cancelled);
        EXPECT_FALSE(cond.lock().locked());
    }());
}
