#include <agentio/core/detail/timer_queue.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

using namespace agentio;
using namespace agentio::detail;

namespace {
struct Probe final : TimerEntry {
    int id = 0;
    void on_timer() noexcept override {}
};
}  // namespace

// Deadlines in order (the list), out of order (the heap), equal ones and
// removals: pops must follow (deadline, arming order) exactly, as a sort does.
TEST(TimerQueue, PopsInDeadlineThenArmingOrderAcrossListAndHeap) {
    std::mt19937 rng(7);
    std::vector<Probe> probes(2000);
    TimerQueue queue;
    std::vector<std::pair<std::pair<long, int>, int>> expected;  // ((deadline, arm order), id)
    int order = 0;
    for (int i = 0; i < 2000; ++i) {
        probes[i].id = i;
        // Mostly increasing, sometimes earlier, often equal.
        long ms = (i % 3 == 0) ? static_cast<long>(rng() % 500) : i / 2;
        queue.arm(probes[i], TimePoint{} + std::chrono::milliseconds(ms));
        expected.push_back({{ms, order++}, i});
    }
    for (int i = 0; i < 2000; i += 7) {
        queue.disarm(probes[i]);
        EXPECT_FALSE(probes[i].armed());
        std::erase_if(expected, [&](const auto& e) { return e.second == i; });
    }
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(queue.size(), expected.size());
    EXPECT_EQ(queue.pop_expired(TimePoint{} - std::chrono::milliseconds(1)), nullptr);
    std::vector<int> popped;
    while (TimerEntry* e = queue.pop_expired(TimePoint::max())) popped.push_back(static_cast<Probe*>(e)->id);
    std::vector<int> want;
    for (const auto& e : expected) want.push_back(e.second);
    EXPECT_EQ(popped, want);
    EXPECT_TRUE(queue.empty());
}
