#include <gtest/gtest.h>

#include "test_support.hpp"

using namespace agentio;
using namespace std::chrono_literals;
using agentio::testkit::run_virtual;

namespace {
Task<int> after(int seconds, int value) {
    co_await sleep(std::chrono::seconds(seconds));
    if (value < 0) throw Error("negative");
    co_return value;
}
}  // namespace

TEST(AsCompleted, YieldsInCompletionOrderWithTheInputIndex) {
    run_virtual([]() -> Task<> {
        std::vector<Task<int>> tasks;
        tasks.push_back(after(3, 30));
        tasks.push_back(after(1, 10));
        tasks.push_back(after(2, -1));
        auto done = as_completed(std::move(tasks));
        std::vector<std::string> seen;
        for (;;) {
            try {
                auto next = co_await done.next();
                if (!next) break;
                seen.push_back(std::to_string(next->index) + ":" + std::to_string(next->value) + "@" +
                               std::to_string(static_cast<int>(monotonic())));
            } catch (const Error& e) {
                seen.push_back(e.what());
            }
        }
        EXPECT_EQ(seen, (std::vector<std::string>{"1:10@1", "negative", "0:30@3"}));
    }());
}

TEST(AsCompleted, LeavingEarlyCancelsTheRest) {
    run_virtual([]() -> Task<> {
        int cancelled = 0;
        auto slow = [&]() -> Task<int> {
            co_await agentio::testkit::sleep_counting_cancel(1h, cancelled);
            co_return 0;
        };
        {
            std::vector<Task<int>> tasks;
            tasks.push_back(after(1, 1));
            tasks.push_back(slow());
            tasks.push_back(slow());
            auto done = as_completed(std::move(tasks));
            auto first = co_await done.next();
            EXPECT_EQ(first->value, 1);
        }
        co_await sleep(0s);
        EXPECT_EQ(cancelled, 2);
    }());
}

TEST(AsCompleted, AConstructorThatFailsPartWayDetachesWhatItStarted) {
    run_virtual([]() -> Task<> {
        std::vector<Task<int>> tasks;
        tasks.push_back(after(1, 1));
        tasks.push_back(Task<int>{});  // empty: rejected
        EXPECT_THROW(as_completed(std::move(tasks)), InvalidStateError);
        co_await sleep(2s);  // the started task is cancelled, and nothing dangles
    }());
}
