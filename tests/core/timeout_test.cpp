#include <gtest/gtest.h>

#include "agentio/core/detail/loop_access.hpp"

#include "test_support.hpp"

using namespace agentio;
using namespace std::chrono_literals;
using agentio::testkit::run_virtual;

TEST(Timeout, ExpiryCancelsTheWorkWaitsForItsCleanupThenThrows) {
    run_virtual([]() -> Task<> {
        std::vector<std::string> log;
        auto slow = [&]() -> Task<int> {
            try {
                co_await sleep(10s);
            } catch (const CancelledError&) {
                log.push_back("cancelled at " + std::to_string(monotonic()));
            }
            co_await sleep(500ms);  // cleanup that itself waits
            log.push_back("cleanup done at " + std::to_string(monotonic()));
            throw CancelledError();
        };
        try {
            co_await wait_for(slow(), 2s);
            ADD_FAILURE() << "expected TimeoutError";
        } catch (const TimeoutError& e) {
            log.push_back(std::string("TimeoutError: ") + e.what());
        }
        EXPECT_EQ(log, (std::vector<std::string>{"cancelled at 2.000000", "cleanup done at 2.500000",
                                                 "TimeoutError: timed out after 2.000 s"}));
        EXPECT_EQ(detail::LoopAccess::timers(get_running_loop()).size(), 0u);
    }());
}

TEST(Timeout, ReturnsTheValueWhenInTime) {
    EXPECT_EQ(run_virtual([]() -> Task<int> {
                  co_return co_await wait_for([]() -> Task<int> {
                      co_await sleep(1s);
                      co_return 7;
                  }, 2s);
              }()),
              7);
}

TEST(Timeout, AnExternalCancelStaysCancelledError) {
    run_virtual([]() -> Task<> {
        auto h = create_task([]() -> Task<> { co_await wait_for(sleep(10s), 5s); });
        co_await sleep(1s);
        h.cancel();
        EXPECT_THROW(co_await h, CancelledError);
    }());
}

TEST(Timeout, AnExternalCancelAtTheSameMomentAsExpiryStaysCancelledError) {
    run_virtual([]() -> Task<> {
        auto h = create_task([]() -> Task<> { co_await wait_for(sleep(10s), 1s); });
        // Armed after the timeout's timer with the same deadline: fires right after it.
        co_await sleep(1s);
        h.cancel();
        EXPECT_THROW(co_await h, CancelledError);
    }());
}

TEST(Timeout, NestedScopesEachReportTheirOwnExpiry) {
    run_virtual([]() -> Task<> {
        // The inner deadline is first: the inner scope throws TimeoutError,
        // which the outer scope passes on untouched.
        bool inner_timed_out = false;
        co_await timeout(5s, [&]() -> Task<> {
            try {
                co_await timeout(1s, sleep(10s));
            } catch (const TimeoutError&) {
                inner_timed_out = true;
            }
            EXPECT_DOUBLE_EQ(monotonic(), 1.0);
        });
        EXPECT_TRUE(inner_timed_out);
        // The outer deadline is first: the inner scope sees a CancelledError
        // that is not its own and lets it through; the outer converts it.
        EXPECT_THROW(co_await timeout(1s, [&]() -> Task<> { co_await timeout(5s, sleep(10s)); }), TimeoutError);
        EXPECT_DOUBLE_EQ(monotonic(), 2.0);
    }());
}

TEST(Timeout, WorkThatSwallowsTheCancellationReturnsItsValue) {
    run_virtual([]() -> Task<> {
        int value = co_await wait_for([]() -> Task<int> {
            try {
                co_await sleep(10s);
            } catch (const CancelledError&) {
                co_return -1;
            }
            co_return 1;
        }, 1s);
        EXPECT_EQ(value, -1);
        // The scope withdrew its cancellation: the task is not left cancelling.
        EXPECT_EQ(detail::TaskNode::running()->cancelling(), 0);
        co_await sleep(1s);  // and may wait again
    }());
}

TEST(Timeout, CurrentDeadlineIsTheInnermost) {
    run_virtual([]() -> Task<> {
        EXPECT_FALSE(current_deadline().has_value());
        co_await timeout(5s, [&]() -> Task<> {
            co_await timeout(2s, [&]() -> Task<> {
                EXPECT_EQ(*current_deadline(), TimePoint{} + 2s);
                co_return;
            });
            EXPECT_EQ(*current_deadline(), TimePoint{} + 5s);
        });
    }());
}

TEST(Timeout, AwaitingAHandleWithATimeoutCancelsTheTask) {
    run_virtual([]() -> Task<> {
        auto h = create_task(sleep(10s));
        EXPECT_THROW(co_await wait_for(h, 1s), TimeoutError);
        EXPECT_TRUE(h.cancelled());
    }());
}

TEST(Timeout, TheBudgetStartsWhenAwaitedNotWhenCreated) {
    run_virtual([]() -> Task<> {
        auto quick = []() -> Task<int> {
            co_await sleep(100ms);
            co_return 1;
        };
        auto bounded = wait_for(quick(), 1s);
        co_await sleep(2s);
        EXPECT_EQ(co_await bounded, 1);
    }());
    // Creating one outside a loop is fine too: nothing runs until awaited.
    auto lazy = wait_for(agentio::sleep(1s), 2s);
    (void)lazy;
}

TEST(Timeout, AHandleThatCatchesTheCancellationReturnsItsValue) {
    run_virtual([]() -> Task<> {
        auto h = create_task([]() -> Task<int> {
            try {
                co_await sleep(10s);
            } catch (const CancelledError&) {
                co_return 42;
            }
            co_return 0;
        });
        EXPECT_EQ(co_await wait_for(h, 1s), 42);
        EXPECT_DOUBLE_EQ(monotonic(), 1.0);
    }());
}

// --- the Timeout object -------------------------------------------------------

namespace {
TimePoint at(Duration d) { return TimePoint{} + d; }  // the virtual clock starts at 0
}  // namespace

TEST(TimeoutObject, WorkInTimeTakesItFromCreatedThroughEnteredToExited) {
    run_virtual([]() -> Task<> {
        Timeout t(at(2s));
        EXPECT_EQ(t.state(), Timeout::State::Created);
        EXPECT_EQ(t.when(), at(2s));
        const int value = co_await t.run([&]() -> Task<int> {
            EXPECT_EQ(t.state(), Timeout::State::Entered);
            co_await sleep(1s);
            co_return 7;
        });
        EXPECT_EQ(value, 7);
        EXPECT_EQ(t.state(), Timeout::State::Exited);
        EXPECT_FALSE(t.expired());
        EXPECT_EQ(detail::LoopAccess::timers(get_running_loop()).size(), 0u);
    }());
}

TEST(TimeoutObject, AnExpiryGoesThroughExpiringWhileTheWorkCleansUpToExpired) {
    run_virtual([]() -> Task<> {
        Timeout t(at(2s));
        Timeout::State during_cleanup = Timeout::State::Created;
        EXPECT_THROW(co_await t.run([&]() -> Task<> {
            try {
                co_await sleep(10s);
            } catch (const CancelledError&) {
                during_cleanup = t.state();
                EXPECT_TRUE(t.expired());
                throw;
            }
        }),
                     TimeoutError);
        EXPECT_EQ(during_cleanup, Timeout::State::Expiring);
        EXPECT_EQ(t.state(), Timeout::State::Expired);
        EXPECT_TRUE(t.expired());
        EXPECT_DOUBLE_EQ(monotonic(), 2.0);
        EXPECT_EQ(detail::TaskNode::running()->cancelling(), 0);
    }());
}

TEST(TimeoutObject, ExpiresExactlyAtTheDeadlineOnTheVirtualClock) {
    run_virtual([]() -> Task<> {
        // Work that ends a nanosecond before the deadline is in time.
        Timeout early(at(1s));
        co_await early.run(sleep(1s - Duration(1)));
        EXPECT_FALSE(early.expired());
        // Work that would end at the deadline is not: the deadline was armed first.
        Timeout exact(at(2s));
        double cancelled_at = -1;
        EXPECT_THROW(co_await exact.run([&]() -> Task<> {
            try {
                co_await sleep(at(2s) - get_running_loop().now());  // until exactly 2 s
            } catch (const CancelledError&) {
                cancelled_at = monotonic();
                throw;
            }
        }),
                     TimeoutError);
        EXPECT_TRUE(exact.expired());
        EXPECT_EQ(cancelled_at, 2.0);
    }());
}

TEST(TimeoutObject, RescheduleEarlierWhileRunningFiresAtTheNewDeadline) {
    run_virtual([]() -> Task<> {
        Timeout t(at(10s));
        EXPECT_THROW(co_await t.run([&]() -> Task<> {
            co_await sleep(1s);
            t.reschedule(at(3s));
            co_await sleep(60s);
        }),
                     TimeoutError);
        EXPECT_DOUBLE_EQ(monotonic(), 3.0);
        EXPECT_EQ(t.when(), at(3s));
        EXPECT_TRUE(t.expired());
    }());
}

TEST(TimeoutObject, RescheduleLaterWhileRunningPostponesTheExpiry) {
    run_virtual([]() -> Task<> {
        // An idle deadline moved on after every piece of progress.
        Timeout idle(at(1s));
        int pieces = 0;
        EXPECT_THROW(co_await idle.run([&]() -> Task<> {
            for (;;) {
                co_await sleep(pieces < 5 ? 900ms : 2s);
                ++pieces;
                idle.reschedule(get_running_loop().now() + 1s);
            }
        }),
                     TimeoutError);
        EXPECT_EQ(pieces, 5);
        EXPECT_DOUBLE_EQ(monotonic(), 5.5);  // 5 x 0.9 s, then 1 s of silence
        EXPECT_EQ(detail::LoopAccess::timers(get_running_loop()).size(), 0u);
    }());
}

TEST(TimeoutObject, RescheduleToNoneWhileRunningDisarmsIt) {
    run_virtual([]() -> Task<> {
        Timeout t(at(1s));
        co_await t.run([&]() -> Task<> {
            t.reschedule(std::nullopt);
            co_await sleep(10s);
        });
        EXPECT_FALSE(t.expired());
        EXPECT_FALSE(t.when());
        EXPECT_EQ(t.state(), Timeout::State::Exited);
        EXPECT_DOUBLE_EQ(monotonic(), 10.0);
    }());
}

TEST(TimeoutObject, RescheduleBeforeRunSetsTheDeadlineAndAPastOneFiresAtOnce) {
    run_virtual([]() -> Task<> {
        Timeout none;
        EXPECT_FALSE(none.when());
        co_await none.run(sleep(100s));  // no deadline: never fires
        EXPECT_FALSE(none.expired());

        Timeout later;
        later.reschedule(at(105s));
        EXPECT_THROW(co_await later.run(sleep(100s)), TimeoutError);
        EXPECT_DOUBLE_EQ(monotonic(), 105.0);

        Timeout past;
        EXPECT_THROW(co_await past.run([&]() -> Task<> {
            past.reschedule(at(1s));  // already gone
            co_await sleep(1s);
        }),
                     TimeoutError);
        EXPECT_DOUBLE_EQ(monotonic(), 105.0);
    }());
}

TEST(TimeoutObject, RescheduleOrRunAfterTheEndIsAnInvalidStateError) {
    run_virtual([]() -> Task<> {
        Timeout fired(at(1s));
        EXPECT_THROW(co_await fired.run(sleep(2s)), TimeoutError);
        EXPECT_THROW(fired.reschedule(at(5s)), InvalidStateError);
        Timeout finished(at(10s));
        co_await finished.run(sleep(1s));
        EXPECT_THROW(finished.reschedule(at(20s)), InvalidStateError);
        EXPECT_THROW(co_await finished.run(sleep(1s)), InvalidStateError);  // one piece of work per Timeout
        EXPECT_EQ(finished.state(), Timeout::State::Exited);
    }());
}

TEST(TimeoutObject, InANestedPairOnlyTheOneThatFiredIsExpired) {
    run_virtual([]() -> Task<> {
        {
            Timeout outer(at(5s)), inner(at(1s));
            EXPECT_THROW(co_await outer.run(inner.run(sleep(10s))), TimeoutError);
            EXPECT_TRUE(inner.expired());
            EXPECT_FALSE(outer.expired());
            EXPECT_DOUBLE_EQ(monotonic(), 1.0);
        }
        {
            Timeout outer(at(2s)), inner(at(6s));
            EXPECT_THROW(co_await outer.run(inner.run(sleep(10s))), TimeoutError);
            EXPECT_TRUE(outer.expired());
            EXPECT_FALSE(inner.expired());
            EXPECT_DOUBLE_EQ(monotonic(), 2.0);
        }
        EXPECT_EQ(detail::TaskNode::running()->cancelling(), 0);
    }());
}

TEST(TimeoutObject, WhenBothOfANestedPairExpireTheOuterOnesErrorComesOut) {
    run_virtual([]() -> Task<> {
        Timeout outer(at(2s)), inner(at(1s));
        std::string message;
        try {
            co_await outer.run(inner.run([]() -> Task<> {
                try {
                    co_await sleep(10s);
                } catch (const CancelledError&) {
                }
                co_await shield(as_task(sleep(3s)));  // cleanup past the outer deadline
                throw CancelledError();
            }));
        } catch (const TimeoutError& e) {
            message = e.what();
        }
        EXPECT_TRUE(inner.expired());
        EXPECT_TRUE(outer.expired());
        EXPECT_EQ(message, "timed out after 2.000 s");
        EXPECT_EQ(detail::TaskNode::running()->cancelling(), 0);
    }());
}

TEST(TimeoutObject, ATimeoutErrorFromInsideTheWorkIsNotTheScopesOwn) {
    run_virtual([]() -> Task<> {
        Timeout outer(at(10s));
        EXPECT_THROW(co_await outer.run(wait_for(sleep(5s), 1s)), TimeoutError);
        EXPECT_FALSE(outer.expired());
        EXPECT_EQ(outer.state(), Timeout::State::Exited);
    }());
}

TEST(TimeoutObject, AnExternalCancelStaysCancelledError) {
    run_virtual([]() -> Task<> {
        Timeout t(at(5s));
        auto h = create_task([&]() -> Task<> { co_await t.run(sleep(10s)); });
        co_await sleep(1s);
        h.cancel();
        EXPECT_THROW(co_await h, CancelledError);
        EXPECT_FALSE(t.expired());
        EXPECT_EQ(t.state(), Timeout::State::Exited);
    }());
}

TEST(TimeoutObject, CurrentDeadlineIsTheEarliestOfTheScopesAndFollowsReschedule) {
    run_virtual([]() -> Task<> {
        Timeout outer(at(5s)), inner(at(8s));
        co_await outer.run(inner.run([&]() -> Task<> {
            EXPECT_EQ(current_deadline(), at(5s));
            inner.reschedule(at(3s));
            EXPECT_EQ(current_deadline(), at(3s));
            inner.reschedule(std::nullopt);
            EXPECT_EQ(current_deadline(), at(5s));
            co_return;
        }));
        EXPECT_FALSE(current_deadline());
    }());
}
