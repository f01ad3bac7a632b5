#include <gtest/gtest.h>

#include "test_support.hpp"

using namespace agentio;
using namespace std::chrono_literals;
using agentio::testkit::run_virtual;

namespace {
ContextVar<std::string> trace_id{"trace_id"};
}

TEST(ContextVar, ChildrenInheritASnapshotAndTheirSetsStayTheirs) {
    run_virtual([]() -> Task<> {
        EXPECT_EQ(trace_id.get(), nullptr);
        trace_id.set("req-1");
        auto child = create_task([]() -> Task<std::string> {
            std::string seen = trace_id.get_or("-");
            trace_id.set("child-only");
            co_await sleep(1s);
            co_return seen + "," + trace_id.get_or("-");
        });
        trace_id.set("req-2");  // after the spawn: the child keeps its snapshot
        EXPECT_EQ(co_await child, "req-1,child-only");
        EXPECT_EQ(trace_id.get_or("-"), "req-2");
    }());
}
