#include <agentio/core/run.hpp>
#include <agentio/core/sleep.hpp>
#include <gtest/gtest.h>

using namespace agentio;
using namespace std::chrono_literals;

namespace {
LoopOptions virtual_clock() {
    LoopOptions o;
    o.virtual_clock = true;
    return o;
}
}  // namespace

TEST(Sleep, AdvancesTheVirtualClockExactly) {
    double elapsed = run([]() -> Task<double> {
        double start = monotonic();
        co_await sleep(1500ms);
        co_return monotonic() - start;
    }(), virtual_clock());
    EXPECT_DOUBLE_EQ(elapsed, 1.5);
}
