#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "test_support.hpp"

using namespace agentio;
using namespace std::chrono_literals;
using agentio::testkit::run_virtual;

namespace {
Task<int> after(std::chrono::milliseconds delay, int value) {
    co_await sleep(delay);
    co_return value;
}
Task<int> fail_after(std::chrono::milliseconds delay) {
    co_await sleep(delay);
    throw Error("child failed");
}
Task<int> value_after_sleep_counting_cancel(Duration delay, int& cancelled) {
    co_await agentio::testkit::sleep_counting_cancel(delay, cancelled);
    co_return 0;
}
}  // namespace

TEST(Gather, ResultsKeepInputOrderUnderReversedCompletion) {
    auto [values, elapsed] = run_virtual([]() -> Task<std::pair<std::vector<int>, double>> {
        std::vector<Task<int>> tasks;
        for (int i = 0; i < 5; ++i) tasks.push_back(after(std::chrono::milliseconds(500 - 100 * i), i));
        auto values = co_await gather(std::move(tasks));
        co_return std::pair{values, monotonic()};
    }());
    EXPECT_EQ(values, (std::vector<int>{0, 1, 2, 3, 4}));
    EXPECT_DOUBLE_EQ(elapsed, 0.5);  // concurrent: the slowest, not the sum
}

TEST(Gather, TupleFormMixesTypesAndVoid) {
    run_virtual([]() -> Task<> {
        auto [a, nothing, b] = co_await gather(after(20ms, 1), sleep(10ms), []() -> Task<std::string> { co_return "x"; }());
        EXPECT_EQ(a, 1);
        EXPECT_EQ(nothing, std::monostate{});
        EXPECT_EQ(b, "x");
    }());
}

TEST(Gather, FirstErrorCancelsTheSiblingsAndWaitsForThem) {
    int cancelled = 0;
    bool sibling_finished = false;
    run_virtual([&]() -> Task<> {
        auto sibling = [&]() -> Task<int> {
            try {
                co_await sleep(10s);
            } catch (const CancelledError&) {
                ++cancelled;
                throw;
            }
            sibling_finished = true;
            co_return 0;
        };
        try {
            co_await gather(sibling(), fail_after(1s), sibling());
            ADD_FAILURE() << "gather should have thrown";
        } catch (const Error& e) {
            EXPECT_STREQ(e.what(), "child failed");
        }
        EXPECT_EQ(cancelled, 2);  // both siblings saw CancelledError before gather returned
        EXPECT_DOUBLE_EQ(monotonic(), 1.0);
    }());
    EXPECT_FALSE(sibling_finished);
}

TEST(Gather, ReturnExceptionsStoresEachOutcomeAndCancelsNothing) {
    run_virtual([]() -> Task<> {
        std::vector<Task<int>> tasks;
        tasks.push_back(after(3s, 1));
        tasks.push_back(fail_after(1s));
        tasks.push_back(after(2s, 3));
        auto outcomes = co_await gather(return_exceptions, std::move(tasks));
        EXPECT_EQ(outcomes.size(), 3u);
        EXPECT_EQ(outcomes[0].value(), 1);
        EXPECT_FALSE(outcomes[1].has_value());
        EXPECT_THROW(outcomes[1].value(), Error);
        EXPECT_EQ(outcomes[2].value(), 3);
        EXPECT_DOUBLE_EQ(monotonic(), 3.0);
    }());
}

TEST(Gather, CancellingTheCallerCancelsEveryChild) {
    run_virtual([]() -> Task<> {
        int cancelled = 0;
        auto child = [&] { return agentio::testkit::sleep_counting_cancel(1h, cancelled); };
        auto h = create_task([&]() -> Task<> { co_await gather(child(), child(), child()); });
        co_await sleep(1s);
        h.cancel();
        EXPECT_THROW(co_await h, CancelledError);
        EXPECT_EQ(cancelled, 3);
    }());
}

TEST(Gather, EmptyVectorAndVoidVector) {
    run_virtual([]() -> Task<> {
        auto none = co_await gather(std::vector<Task<int>>{});
        EXPECT_TRUE(none.empty());
        int count = 0;
        auto bump = [&]() -> Task<> {
            ++count;
            co_return;
        };
        std::vector<Task<>> tasks;
        for (int i = 0; i < 3; ++i) tasks.push_back(bump());
        co_await gather(std::move(tasks));
        EXPECT_EQ(count, 3);
    }());
}

TEST(Gather, ChildrenInheritTheTaskLocalContext) {
    static ContextVar<std::string> tenant{"tenant"};
    run_virtual([]() -> Task<> {
        tenant.set("acme");
        auto read = []() -> Task<std::string> {
            co_await sleep(0s);
            co_return tenant.get_or("none");
        };
        auto [a, b] = co_await gather(read(), read());
        EXPECT_EQ(a, "acme");
        EXPECT_EQ(b, "acme");
    }());
}

// Children are kept in blocks of the frame pool: a thousand of them span many
// blocks, and order, cancellation and outcomes hold across block boundaries.
TEST(Gather, AThousandChildrenKeepInputOrderAndTheFirstErrorCancelsTheRest) {
    run_virtual([]() -> Task<> {
        std::vector<Task<int>> tasks;
        for (int i = 0; i < 1000; ++i) tasks.push_back(after(std::chrono::milliseconds(1000 - i), i));
        auto values = co_await gather(std::move(tasks));
        std::vector<int> expected(1000);
        for (int i = 0; i < 1000; ++i) expected[static_cast<std::size_t>(i)] = i;
        EXPECT_EQ(values, expected);

        int cancelled = 0;
        std::vector<Task<int>> doomed;
        for (int i = 0; i < 1000; ++i) {
            if (i == 517) doomed.push_back(fail_after(1s));
            else doomed.push_back(value_after_sleep_counting_cancel(10s, cancelled));
        }
        const double start = monotonic();
        EXPECT_THROW(co_await gather(std::move(doomed)), Error);
        EXPECT_EQ(cancelled, 999);
        EXPECT_DOUBLE_EQ(monotonic() - start, 1.0);

        std::vector<Task<int>> mixed;
        for (int i = 0; i < 1000; ++i) mixed.push_back(i % 100 == 99 ? fail_after(1ms) : after(2ms, i));
        auto outcomes = co_await gather(return_exceptions, std::move(mixed));
        EXPECT_EQ(outcomes.size(), 1000u);
        for (int i = 0; i < 1000 && i < static_cast<int>(outcomes.size()); ++i) {
            auto& outcome = outcomes[static_cast<std::size_t>(i)];
            if (i % 100 == 99) EXPECT_FALSE(outcome.has_value()) << i;
            else EXPECT_EQ(outcome.value(), i);
        }
    }());
}

// What a gathered child costs is memory per task: its node fits in one cache line.
TEST(Gather, AChildNodeFitsInSixtyFourBytes) {
    EXPECT_LE(sizeof(detail::ChildTask<void>), 64u);
    EXPECT_LE(sizeof(detail::ChildTask<std::string>), 64u);
}

TEST(Gather, DebugReportsNameAChildByItsPosition) {
    LoopOptions options = agentio::testkit::virtual_clock();
    options.debug = true;
    options.slow_step = Duration::zero();  // every step is "slow": deterministic
    std::vector<std::string> names;
    run([&]() -> Task<> {
        get_running_loop().set_exception_handler([&](const ExceptionContext& c) { names.push_back(c.task_name); });
        co_await gather(sleep(1s), sleep(1s));
    }(), options);
    EXPECT_NE(std::find(names.begin(), names.end(), "child #0"), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), "child #1"), names.end());
}
