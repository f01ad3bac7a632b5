// RateLimiter: pacing, fairness, cancellation, admissions, settle and pauses
// (the adaptive rule is in rate_limiter_adaptive_test.cpp).
#include <agentio/agentio.hpp>
#include <agentio/llm/rate_limiter.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/test_support.hpp"
#include "llm/rate_limiter_support.hpp"

using namespace agentio;
using namespace agentio::testkit;
using namespace std::chrono_literals;

namespace {

// Acquires `tokens` and records when it was admitted and who it was.
Task<> admit(RateLimiter& limiter, std::int64_t tokens, int id, std::vector<int>& order, std::vector<Duration>& at) {
    auto admission = co_await limiter.acquire(tokens);
    order.push_back(id);
    at.push_back(elapsed());
}

struct Schedule {
    std::vector<int> order;
    std::vector<Duration> at;
};

}  // namespace

// --- pacing ---------------------------------------------------------------

Task<Schedule> rpm_schedule() {
    RateLimiter limiter(rpm(60));
    Schedule s;
    std::vector<Task<>> tasks;
    for (int i = 0; i < 63; ++i) tasks.push_back(admit(limiter, 0, i, s.order, s.at));
    co_await gather(std::move(tasks));
    co_return s;
}

TEST(RateLimiter, RequestsPerMinuteAdmitsABucketfulAtOnceThenOneEachPeriodInArrivalOrder) {
    const Schedule s = run_virtual(rpm_schedule());
    ASSERT_EQ(s.at.size(), 63u);
    for (int i = 0; i < 60; ++i) EXPECT_EQ(s.at[i], 0s) << i;
    EXPECT_EQ(s.at[60], 1s);
    EXPECT_EQ(s.at[61], 2s);
    EXPECT_EQ(s.at[62], 3s);
    for (int i = 0; i < 63; ++i) EXPECT_EQ(s.order[i], i);
}

Task<std::vector<Duration>> reported_waits() {
    RateLimiter limiter(rpm(600));  // one every 100 ms once the bucket is empty
    co_await take(limiter, 0, 600);
    std::vector<Duration> waits;
    for (int i = 0; i < 3; ++i) waits.push_back(co_await time_to_admit(limiter, 0));
    waits.push_back(elapsed());
    co_return waits;
}

TEST(RateLimiter, AcquireReportsHowLongItWaited) {
    const auto waits = run_virtual(reported_waits());
    EXPECT_EQ(waits[0], 100ms);
    EXPECT_EQ(waits[1], 100ms);
    EXPECT_EQ(waits[2], 100ms);
    EXPECT_EQ(waits[3], 300ms);
}

Task<Schedule> tpm_schedule() {
    RateLimiter limiter(tpm(600));  // 10 tokens a second
    Schedule s;
    std::vector<Task<>> tasks;
    tasks.push_back(admit(limiter, 600, 0, s.order, s.at));
    tasks.push_back(admit(limiter, 100, 1, s.order, s.at));
    tasks.push_back(admit(limiter, 50, 2, s.order, s.at));
    tasks.push_back(admit(limiter, 0, 3, s.order, s.at));  // weightless, but still queued behind the others
    co_await gather(std::move(tasks));
    co_return s;
}

TEST(RateLimiter, TokensPerMinuteChargesEachRequestItsEstimatedTokens) {
    const Schedule s = run_virtual(tpm_schedule());
    EXPECT_EQ(s.at, (std::vector<Duration>{0s, 10s, 15s, 15s}));
    EXPECT_EQ(s.order, (std::vector<int>{0, 1, 2, 3}));
}

Task<Schedule> both_buckets() {
    RateLimits limits;
    limits.requests_per_minute = 60;   // one a second
    limits.tokens_per_minute = 6000;   // 100 tokens a second
    RateLimiter limiter(limits);
    Schedule s;
    co_await take(limiter, 6000);  // the token bucket is empty, 59 requests remain
    std::vector<Task<>> tasks;
    tasks.push_back(admit(limiter, 200, 0, s.order, s.at));  // tokens bind: 2 s
    tasks.push_back(admit(limiter, 0, 1, s.order, s.at));    // requests still plentiful
    co_await gather(std::move(tasks));
    co_return s;
}

TEST(RateLimiter, ARequestWaitsUntilBothBucketsCanServeIt) {
    const Schedule s = run_virtual(both_buckets());
    EXPECT_EQ(s.at, (std::vector<Duration>{2s, 2s}));
}

// --- fairness -------------------------------------------------------------

Task<Schedule> big_then_small() {
    RateLimiter limiter(tpm(600));
    co_await take(limiter, 600);  // empty
    Schedule s;
    std::vector<Task<>> tasks;
    tasks.push_back(admit(limiter, 300, 0, s.order, s.at));  // enough at 30 s
    tasks.push_back(admit(limiter, 10, 1, s.order, s.at));   // alone it would go at 1 s
    tasks.push_back(admit(limiter, 10, 2, s.order, s.at));
    co_await gather(std::move(tasks));
    co_return s;
}

TEST(RateLimiter, LargeRequestAtTheHeadIsNotOvertakenBySmallerOnes) {
    const Schedule s = run_virtual(big_then_small());
    EXPECT_EQ(s.order, (std::vector<int>{0, 1, 2}));
    EXPECT_EQ(s.at, (std::vector<Duration>{30s, 31s, 32s}));
}

Task<Schedule> oversized() {
    RateLimiter limiter(tpm(100));
    Schedule s;
    std::vector<Task<>> tasks;
    tasks.push_back(admit(limiter, 50, 0, s.order, s.at));
    tasks.push_back(admit(limiter, 500, 1, s.order, s.at));  // more than the bucket holds
    tasks.push_back(admit(limiter, 10, 2, s.order, s.at));
    co_await gather(std::move(tasks));
    co_return s;
}

TEST(RateLimiter, RequestLargerThanTheBucketGoesWhenTheBucketIsFullAndLeavesItInDebt) {
    const Schedule s = run_virtual(oversized());
    // 50 tokens missing at 100 a minute: 30 s. Then the bucket is at -400 and
    // the next request needs 410 tokens of refill: 246 s.
    EXPECT_EQ(s.at, (std::vector<Duration>{0s, 30s, 276s}));
}

// --- cancellation ---------------------------------------------------------

struct CancelResult {
    bool head_cancelled = false;
    Duration small_at{};
    Duration after_wait{-1};
    std::int64_t in_flight = -1;
};

Task<CancelResult> cancel_the_head() {
    RateLimiter limiter(tpm(600));
    co_await take(limiter, 600);
    auto big = create_task(admitted_at(limiter, 300));
    auto small = create_task(admitted_at(limiter, 10));
    co_await sleep(5s);
    big.cancel();
    CancelResult r;
    try {
        co_await big;
    } catch (const CancelledError&) {
        r.head_cancelled = true;
    }
    r.small_at = co_await small;
    // At 5 s the bucket had refilled 50; the small one took 10 and the
    // cancelled one nothing, so 40 are there now.
    r.after_wait = co_await time_to_admit(limiter, 40);
    r.in_flight = limiter.in_flight();
    co_return r;
}

TEST(RateLimiter, CancelledHeadTakesNothingAndTheNextWaiterGoesAtOnce) {
    const CancelResult r = run_virtual(cancel_the_head());
    EXPECT_TRUE(r.head_cancelled);
    EXPECT_EQ(r.small_at, 5s);
    EXPECT_EQ(r.after_wait, 0s);
    EXPECT_EQ(r.in_flight, 0);
}

Task<Schedule> cancel_the_middle(bool& cancelled) {
    RateLimiter limiter(tpm(600));
    co_await take(limiter, 600);
    Schedule s;
    auto head = create_task(admit(limiter, 300, 0, s.order, s.at));
    auto middle = create_task(admit(limiter, 100, 1, s.order, s.at));
    auto tail = create_task(admit(limiter, 10, 2, s.order, s.at));
    co_await sleep(1s);
    middle.cancel();
    try {
        co_await middle;
    } catch (const CancelledError&) {
        cancelled = true;
    }
    co_await head;
    co_await tail;
    co_return s;
}

TEST(RateLimiter, CancelledWaiterBehindTheHeadTakesNothing) {
    bool cancelled = false;
    const Schedule s = run_virtual(cancel_the_middle(cancelled));
    EXPECT_TRUE(cancelled);
    EXPECT_EQ(s.order, (std::vector<int>{0, 2}));
    EXPECT_EQ(s.at, (std::vector<Duration>{30s, 31s}));  // not 41 s: the middle one's 100 were never taken
}

Task<Duration> timed_out_acquire(int& timeouts) {
    RateLimiter limiter(rpm(60));
    co_await take(limiter, 0, 60);
    try {
        auto late = co_await wait_for(limiter.acquire(0), 500ms);
    } catch (const TimeoutError&) {
        ++timeouts;
    }
    co_return co_await time_to_admit(limiter, 0);  // the timed-out one left no debt: due at 1 s
}

TEST(RateLimiter, AcquireAbandonedByATimeoutTakesNothing) {
    int timeouts = 0;
    const Duration waited = run_virtual(timed_out_acquire(timeouts));
    EXPECT_EQ(timeouts, 1);
    EXPECT_EQ(waited, 500ms);
}

// --- admissions -------------------------------------------------------------

Task<std::vector<std::int64_t>> in_flight_counts() {
    RateLimiter limiter(tpm(6000));
    std::vector<std::int64_t> counts;
    {
        auto first = co_await limiter.acquire(100);
        auto second = co_await limiter.acquire(50);
        counts.push_back(limiter.in_flight());  // 2
        EXPECT_EQ(limiter.in_flight_tokens(), 150);
        first.release();
        first.release();  // once only
        counts.push_back(limiter.in_flight());  // 1
        EXPECT_EQ(limiter.in_flight_tokens(), 50);
        RateLimiter::Admission moved = std::move(second);
        counts.push_back(limiter.in_flight());  // still 1
        RateLimiter::Admission reassigned = co_await limiter.acquire(10);
        reassigned = std::move(moved);  // the one it held is released
        counts.push_back(limiter.in_flight());  // 1
    }
    counts.push_back(limiter.in_flight());  // 0: the last one released as it went out of scope
    EXPECT_EQ(limiter.in_flight_tokens(), 0);
    co_return counts;
}

TEST(RateLimiter, AnAdmissionIsInFlightUntilReleasedOrDestroyedExactlyOnce) {
    EXPECT_EQ(run_virtual(in_flight_counts()), (std::vector<std::int64_t>{2, 1, 1, 1, 0}));
}

struct CancelledWait {
    std::int64_t in_flight_after = -1;
    double in_flight_tokens_after = -1;
    Duration next_admitted_at{-1};
};

Task<CancelledWait> cancel_a_queued_waiter() {
    RateLimiter limiter(tpm(600));
    co_await take(limiter, 600);
    auto waiter = create_task(admitted_at(limiter, 300));  // due at 30 s
    co_await sleep(1s);
    waiter.cancel();
    EXPECT_THROW(co_await waiter, CancelledError);
    CancelledWait r;
    r.in_flight_after = limiter.in_flight();
    r.in_flight_tokens_after = limiter.in_flight_tokens();
    r.next_admitted_at = co_await admitted_at(limiter, 300);
    co_return r;
}

TEST(RateLimiter, ACancelledWaiterLeavesNothingInFlightAndTakesNoTokens) {
    const CancelledWait r = run_virtual(cancel_a_queued_waiter());
    EXPECT_EQ(r.in_flight_after, 0);
    EXPECT_EQ(r.in_flight_tokens_after, 0);
    EXPECT_EQ(r.next_admitted_at, 30s);  // as if the cancelled one had never asked
}

Task<std::int64_t> cancel_as_admitted(bool& got_admission) {
    RateLimiter limiter(rpm(60));
    co_await take(limiter, 0, 60);
    auto waiter = create_task([&]() -> Task<> {
        auto admission = co_await limiter.acquire(0);  // queued: admitted at 1 s
        got_admission = true;
        co_await sleep(10s);  // the cancellation lands here
    });
    // This timer is armed before the limiter's for the same instant (the
    // waiter has not run yet), so at 1 s this task runs first and cancels the
    // waiter after it was admitted but before it resumed.
    co_await sleep(1s);
    waiter.cancel();
    EXPECT_THROW(co_await waiter, CancelledError);
    co_return limiter.in_flight();
}

TEST(RateLimiter, AWaiterCancelledJustAsItIsAdmittedReleasesItsAdmissionAsItUnwinds) {
    bool got_admission = false;
    EXPECT_EQ(run_virtual(cancel_as_admitted(got_admission)), 0);
    EXPECT_TRUE(got_admission);  // a completed admission is not discarded by the cancellation
}

// --- settle -----------------------------------------------------------------

Task<std::vector<Duration>> settling() {
    RateLimiter limiter(tpm(600));
    std::vector<Duration> waits;
    auto first = co_await limiter.acquire(600);
    first.settle(100);  // 500 given back
    auto second = co_await limiter.acquire(500);
    waits.push_back(second.waited());  // at once
    second.settle(800);                // 300 more taken: the bucket is at -300
    second.settle(900);                // settled again: 100 more (not 400)
    waits.push_back(co_await time_to_admit(limiter, 60));  // 460 tokens of refill: 46 s
    co_return waits;
}

TEST(RateLimiter, SettleGivesBackOrTakesTheDifferenceFromTheEstimate) {
    EXPECT_EQ(run_virtual(settling()), (std::vector<Duration>{0s, 46s}));
}

Task<> settle_later(RateLimiter::Admission& admission) {
    co_await sleep(1s);
    admission.settle(200);
}

Task<Duration> settle_wakes_waiter() {
    RateLimiter limiter(tpm(600));
    auto admission = co_await limiter.acquire(600);
    auto settling = create_task(settle_later(admission));
    const Duration at = co_await admitted_at(limiter, 300);  // due at 30 s until the settle
    co_await settling;
    co_return at;
}

TEST(RateLimiter, SettleThatFreesTokensAdmitsTheWaitingHeadEarly) {
    EXPECT_EQ(run_virtual(settle_wakes_waiter()), 1s);
}

// --- pause_for ------------------------------------------------------------

Task<std::vector<Duration>> paused() {
    RateLimiter limiter(rpm(60));
    std::vector<Duration> at;
    co_await take(limiter, 0);  // 59 left
    limiter.pause_for(5s);        // and the request bucket emptied
    at.push_back(co_await admitted_at(limiter, 0));
    at.push_back(co_await admitted_at(limiter, 0));  // 4 refilled during the pause
    co_return at;
}

TEST(RateLimiter, PauseForHoldsEveryoneAndEmptiesTheRequestBucket) {
    EXPECT_EQ(run_virtual(paused()), (std::vector<Duration>{5s, 5s}));
}

Task<std::vector<Duration>> paused_unlimited() {
    RateLimiter limiter;
    std::vector<Duration> at;
    limiter.pause_for(10s);
    limiter.pause_for(2s);  // a shorter pause does not cut the longer one
    at.push_back(co_await admitted_at(limiter, 0));
    at.push_back(co_await admitted_at(limiter, 0));
    co_return at;
}

TEST(RateLimiter, PauseForAppliesWithoutAnyLimitAndIsNeverShortened) {
    EXPECT_EQ(run_virtual(paused_unlimited()), (std::vector<Duration>{10s, 10s}));
}

Task<> pause_later(RateLimiter& limiter) {
    co_await sleep(500ms);
    limiter.pause_for(3s);
}

Task<Duration> pause_delays_waiter() {
    RateLimiter limiter(rpm(60));
    co_await take(limiter, 0, 60);
    auto pausing = create_task(pause_later(limiter));
    const Duration at = co_await admitted_at(limiter, 0);  // due at 1 s until the pause
    co_await pausing;
    co_return at;
}

TEST(RateLimiter, PauseDuringAWaitPostponesTheHead) {
    // Paused until 3.5 s; the bucket was clamped to 0 at 0.5 s and has
    // refilled by then.
    EXPECT_EQ(run_virtual(pause_delays_waiter()), 3500ms);
}

// --- unlimited ------------------------------------------------------------

Task<> set_flag(bool& flag) {
    flag = true;
    co_return;
}

Task<bool> unlimited_never_suspends() {
    RateLimiter limiter;
    bool other_ran = false;
    auto other = create_task(set_flag(other_ran));
    bool all_zero = true;
    for (int i = 0; i < 1000; ++i) {
        auto admission = co_await limiter.acquire(100'000);
        if (admission.waited() != Duration::zero()) all_zero = false;
    }
    const bool suspended = other_ran;  // the other task runs as soon as this one yields
    co_await other;
    co_return all_zero && !suspended;
}

TEST(RateLimiter, WithoutLimitsAcquireReturnsAtOnceWithoutSuspending) {
    EXPECT_TRUE(run_virtual(unlimited_never_suspends()));
}

TEST(RateLimiter, RejectsNonPositiveLimits) {
    EXPECT_THROW(RateLimiter{rpm(0)}, std::invalid_argument);
    EXPECT_THROW(RateLimiter{tpm(-5)}, std::invalid_argument);
    EXPECT_THROW(RateLimiter{rpm(std::nan(""))}, std::invalid_argument);
}
