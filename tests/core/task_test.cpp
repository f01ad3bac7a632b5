#include <gtest/gtest.h>

#include "test_support.hpp"

using namespace agentio;
using agentio::testkit::run_virtual;

namespace {

Task<int> forty_two() { co_return 42; }
Task<int> add_one(int x) { co_return x + 1; }
Task<> fail(std::string why) {
    throw Error(why);
    co_return;
}

Task<long> recurse(long depth) {
    if (depth == 0) co_return 0;
    co_return 1 + co_await recurse(depth - 1);
}

}  // namespace

TEST(Task, IsLazyUntilAwaited) {
    bool ran = false;
    auto body = [&]() -> Task<> {
        ran = true;
        co_return;
    };
    run_virtual([&]() -> Task<> {
        Task<> t = body();
        EXPECT_FALSE(ran);
        co_await t;
        EXPECT_TRUE(ran);
    }());
}

TEST(Task, ReturnsValueAndPropagatesExceptions) {
    EXPECT_EQ(run_virtual(add_one(41)), 42);
    EXPECT_THROW(run_virtual(fail("boom")), Error);
}

TEST(Task, AwaitingAMovedFromTaskIsAClearError) {
    run_virtual([]() -> Task<> {
        Task<int> a = forty_two();
        Task<int> b = std::move(a);
        EXPECT_EQ(co_await b, 42);
        EXPECT_THROW(co_await a, InvalidStateError);
        EXPECT_THROW(co_await b, InvalidStateError);  // already awaited
    }());
}

// The trampoline keeps the stack flat: this overflows an 8 MiB stack if each
// synchronously completing await nests a frame (g++ at -O0 without it).
TEST(Task, MillionSynchronousAwaitsInALoopUseConstantStack) {
    long sum = run_virtual([]() -> Task<long> {
        long total = 0;
        for (int i = 0; i < 1'000'000; ++i) total += co_await add_one(0);
        co_return total;
    }());
    EXPECT_EQ(sum, 1'000'000);
}

TEST(Task, MillionDeepRecursionUsesConstantStack) {
    EXPECT_EQ(run_virtual(recurse(1'000'000)), 1'000'000);
}
