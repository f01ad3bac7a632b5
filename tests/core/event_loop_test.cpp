#include <gtest/gtest.h>

#include <sstream>

#include "test_support.hpp"

using namespace agentio;
using namespace std::chrono_literals;

TEST(EventLoop, DebugModeReportsASlowStep) {
    LoopOptions options = agentio::testkit::virtual_clock();
    options.debug = true;
    options.slow_step = Duration::zero();  // every step is "slow": deterministic
    std::vector<std::string> reports;
    run([&]() -> Task<> {
        get_running_loop().set_exception_handler([&](const ExceptionContext& c) { reports.push_back(c.message); });
        co_await sleep(1s);
    }(), options);
    ASSERT_FALSE(reports.empty());
    EXPECT_NE(reports[0].find("blocked the event loop"), std::string::npos);
}

TEST(EventLoop, DumpTasksListsPendingTasksWithWhatTheyWaitOn) {
    agentio::testkit::run_virtual([]() -> Task<> {
        auto h = create_task(sleep(5s), "sleeper");
        co_await sleep(1s);
        std::ostringstream out;
        get_running_loop().dump_tasks(out);
        EXPECT_NE(out.str().find("sleeper: waiting, sleep until t=5.000s"), std::string::npos) << out.str();
        h.cancel();
    }());
}

// A task is either waiting on one thing or scheduled: a scheduled task names no waiter.
TEST(EventLoop, DumpTasksShowsNoWaiterForAScheduledTask) {
    agentio::testkit::run_virtual([]() -> Task<> {
        auto h = create_task(sleep(5s), "late");
        std::ostringstream out;
        get_running_loop().dump_tasks(out);
        EXPECT_NE(out.str().find("late: scheduled\n"), std::string::npos) << out.str();
        co_await sleep(1s);
        out.str("");
        get_running_loop().dump_tasks(out);
        EXPECT_NE(out.str().find("late: waiting, sleep until"), std::string::npos) << out.str();
        h.cancel();
        out.str("");
        get_running_loop().dump_tasks(out);
        EXPECT_NE(out.str().find("late: scheduled, cancelling\n"), std::string::npos) << out.str();
    }());
}
