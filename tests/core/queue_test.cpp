#include <gtest/gtest.h>

#include "test_support.hpp"

using namespace agentio;
using namespace std::chrono_literals;
using agentio::testkit::run_virtual;

TEST(Queue, BoundedPutWaitsForRoom) {
    run_virtual([]() -> Task<> {
        Queue<int> q(2);
        std::vector<double> put_times;
        auto producer = [&]() -> Task<> {
            for (int i = 0; i < 4; ++i) {
                co_await q.put(i);
                put_times.push_back(monotonic());
            }
        };
        auto consumer = [&]() -> Task<std::vector<int>> {
            std::vector<int> got;
            for (int i = 0; i < 4; ++i) {
                co_await sleep(1s);
                got.push_back(co_await q.get());
            }
            co_return got;
        };
        auto [ignored, got] = co_await gather(producer(), consumer());
        EXPECT_EQ(got, (std::vector<int>{0, 1, 2, 3}));
        // Two fit at once; each further put waits for a get.
        EXPECT_EQ(put_times, (std::vector<double>{0, 0, 1, 2}));
    }());
}

TEST(Queue, CloseDrainsThenThrowsAndFailsWaitingPutters) {
    run_virtual([]() -> Task<> {
        Queue<std::string> q(1);
        co_await q.put("last");
        auto blocked = create_task([&]() -> Task<> { co_await q.put("never added"); });
        co_await sleep(1s);
        q.close();
        EXPECT_THROW(co_await blocked, QueueClosed);
        EXPECT_THROW(co_await q.put("x"), QueueClosed);
        EXPECT_EQ(co_await q.get(), "last");
        EXPECT_THROW(co_await q.get(), QueueClosed);
    }());
}

TEST(Queue, CloseWakesWaitingGetters) {
    run_virtual([]() -> Task<> {
        Queue<int> q;
        auto getter = create_task([&]() -> Task<int> { co_return co_await q.get(); });
        co_await sleep(1s);
        q.close();
        EXPECT_THROW(co_await getter, QueueClosed);
    }());
}

TEST(Queue, HandedItemIsDeliveredEvenIfTheGetterIsCancelledRightAfter) {
    run_virtual([]() -> Task<> {
        Queue<int> q;
        std::optional<int> received;
        auto getter = create_task([&]() -> Task<> {
            received = co_await q.get();
            co_await sleep(1s);
        });
        co_await sleep(0s);
        co_await q.put(5);  // handed straight to the waiting getter
        getter.cancel();
        EXPECT_THROW(co_await getter, CancelledError);
        EXPECT_EQ(received, 5);
        EXPECT_TRUE(q.empty());
    }());
}

TEST(Queue, TaskDoneAndJoin) {
    run_virtual([]() -> Task<> {
        Queue<int> q;
        for (int i = 0; i < 3; ++i) EXPECT_TRUE(q.try_put(i));
        auto worker = create_task([&]() -> Task<> {
            for (;;) {
                co_await q.get();
                co_await sleep(1s);
                q.task_done();
            }
        });
        co_await q.join();
        EXPECT_DOUBLE_EQ(monotonic(), 3.0);
        worker.cancel();
        EXPECT_THROW(q.task_done(), InvalidStateError);
    }());
}
