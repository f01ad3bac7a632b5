#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "test_support.hpp"

using namespace agentio;
using namespace std::chrono_literals;
using agentio::testkit::run_virtual;

TEST(ToThread, ReturnsTheResultOnTheLoopThread) {
    run_virtual([]() -> Task<> {
        const auto loop_thread = std::this_thread::get_id();
        auto [worker_thread, sum] = co_await to_thread([](int a, int b) { return std::pair{std::this_thread::get_id(), a + b}; }, 2, 3);
        EXPECT_NE(worker_thread, loop_thread);
        EXPECT_EQ(sum, 5);
        EXPECT_EQ(std::this_thread::get_id(), loop_thread);
    }());
}

TEST(ToThread, PropagatesTheException) {
    run_virtual([]() -> Task<> {
        EXPECT_THROW(co_await to_thread([] { throw Error("disk on fire"); }), Error);
    }());
}

TEST(ToThread, CancellationReturnsAtOnceAndDiscardsTheResult) {
    std::atomic<bool> release{false};
    std::atomic<bool> finished{false};
    run_virtual([&]() -> Task<> {
        auto h = create_task([&]() -> Task<int> {
            co_return co_await to_thread([&] {
                while (!release.load()) std::this_thread::yield();
                finished = true;
                return 1;
            });
        });
        co_await sleep(0s);
        co_await sleep(0s);
        h.cancel();
        EXPECT_THROW(co_await h, CancelledError);
        EXPECT_FALSE(finished.load());  // the thread was not waited for
        release = true;
    }());
    EXPECT_TRUE(finished.load());  // run() joined the worker
}

TEST(ToThread, SeesTheCallersContext) {
    static ContextVar<int> request_id{"request_id"};
    run_virtual([]() -> Task<> {
        request_id.set(17);
        int seen = co_await to_thread([] { return request_id.get_or(-1); });
        EXPECT_EQ(seen, 17);
    }());
}

TEST(CallSoonThreadsafe, WakesTheLoopFromAnotherThread) {
    run([]() -> Task<> {
        Event done;
        EventLoop& loop = get_running_loop();
        std::thread other([&] { loop.call_soon_threadsafe([&] { done.set(); }); });
        co_await done.wait();
        other.join();
    }());
}

// Two blocking calls in flight at once must each get a worker, also when an
// idle worker exists already (else they run one after the other, or deadlock
// if each waits for the other).
TEST(ToThread, ConcurrentCallsRunOnSeparateWorkers) {
    run_virtual([]() -> Task<> {
        co_await to_thread([] {});  // leaves one idle worker
        std::mutex m;
        std::condition_variable cv;
        int arrived = 0;
        auto meet = [&] {
            std::unique_lock lock(m);
            ++arrived;
            cv.notify_all();
            return cv.wait_for(lock, std::chrono::seconds(10), [&] { return arrived == 2; });
        };
        auto [a, b] = co_await gather(to_thread(meet), to_thread(meet));
        EXPECT_TRUE(a && b) << "the two calls did not run at the same time";
    }());
}
