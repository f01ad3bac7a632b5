#include <gtest/gtest.h>

#include "test_support.hpp"

using namespace agentio;
using namespace std::chrono_literals;
using agentio::testkit::run_virtual;

namespace {
Task<> fail_after(std::chrono::milliseconds delay, std::string what) {
    co_await sleep(delay);
    throw Error(what);
}
}  // namespace

TEST(TaskGroup, WaitsForEveryChildAndReturnsTheBodyValue) {
    run_virtual([]() -> Task<> {
        std::vector<int> done;
        int body = co_await task_group([&](TaskGroup& g) -> Task<int> {
            for (int i = 1; i <= 3; ++i) g.create_task([&done, i]() -> Task<> {
                co_await sleep(std::chrono::seconds(i));
                done.push_back(i);
            });
            co_return 99;
        });
        EXPECT_EQ(body, 99);
        EXPECT_EQ(done, (std::vector<int>{1, 2, 3}));
        EXPECT_DOUBLE_EQ(monotonic(), 3.0);
    }());
}

TEST(TaskGroup, FirstFailureCancelsSiblingsAndTheBodyAndKeepsEveryError) {
    run_virtual([]() -> Task<> {
        int cancelled = 0;
        bool body_cancelled = false;
        try {
            co_await task_group([&](TaskGroup& g) -> Task<> {
                g.create_task(fail_after(1s, "first"));
                g.create_task(fail_after(1s, "second"));  // same instant: also an error
                g.create_task(agentio::testkit::sleep_counting_cancel(1h, cancelled));
                try {
                    co_await sleep(1h);
                } catch (const CancelledError&) {
                    body_cancelled = true;
                    throw;
                }
            });
            ADD_FAILURE() << "expected ExceptionGroup";
        } catch (const ExceptionGroup& group) {
            EXPECT_EQ(group.exceptions().size(), 2u);
            EXPECT_EQ(describe(group.exceptions()[0]), "first");
            EXPECT_EQ(describe(group.exceptions()[1]), "second");
        }
        EXPECT_EQ(cancelled, 1);
        EXPECT_TRUE(body_cancelled);
        EXPECT_DOUBLE_EQ(monotonic(), 1.0);
        // The group's cancellation of the body was withdrawn.
        EXPECT_EQ(detail::TaskNode::running()->cancelling(), 0);
    }());
}

TEST(TaskGroup, BodyErrorCancelsChildrenAndJoinsTheGroupErrors) {
    run_virtual([]() -> Task<> {
        try {
            co_await task_group([&](TaskGroup& g) -> Task<> {
                g.create_task(sleep(1h));
                co_await sleep(1s);
                throw Error("body failed");
            });
        } catch (const ExceptionGroup& group) {
            EXPECT_EQ(group.exceptions().size(), 1u);
            EXPECT_EQ(describe(group.exceptions()[0]), "body failed");
        }
        EXPECT_DOUBLE_EQ(monotonic(), 1.0);
    }());
}

TEST(TaskGroup, ExternalCancelCancelsChildrenAndPropagates) {
    run_virtual([]() -> Task<> {
        int cancelled = 0;
        auto h = create_task([&]() -> Task<> {
            co_await task_group([&](TaskGroup& g) -> Task<> {
                for (int i = 0; i < 2; ++i) g.create_task(agentio::testkit::sleep_counting_cancel(1h, cancelled));
                co_return;
            });
        });
        co_await sleep(1s);
        h.cancel();
        EXPECT_THROW(co_await h, CancelledError);
        EXPECT_EQ(cancelled, 2);
    }());
}

TEST(TaskGroup, CreateTaskWhileShuttingDownIsAnError) {
    run_virtual([]() -> Task<> {
        TaskGroup* group = nullptr;
        bool refused = false;
        try {
            co_await task_group([&](TaskGroup& g) -> Task<> {
                group = &g;
                g.create_task(fail_after(1s, "x"));
                g.create_task([&]() -> Task<> {
                    try {
                        co_await sleep(1h);
                    } catch (const CancelledError&) {
                        try {
                            group->create_task(sleep(1s));
                        } catch (const InvalidStateError&) {
                            refused = true;
                        }
                        throw;
                    }
                });
                co_return;
            });
        } catch (const ExceptionGroup&) {
        }
        EXPECT_TRUE(refused);
    }());
}

// A task outside the group that still holds it must not add a child after the
// last child finished and before the joiner returns (the child would outlive
// the group).
TEST(TaskGroup, IsClosedOnceTheLastChildFinished) {
    run_virtual([]() -> Task<> {
        TaskGroup* group = nullptr;
        bool refused = false;
        auto late = create_task([&]() -> Task<> {
            co_await sleep(1s);  // armed before the child's timer: runs first ...
            co_await sleep(0s);  // ... then once more, after the child finished
            try {
                group->create_task(sleep(1s));
            } catch (const InvalidStateError&) {
                refused = true;
            }
        });
        co_await task_group([&](TaskGroup& g) -> Task<> {
            group = &g;
            g.create_task(sleep(1s));
            co_return;
        });
        co_await late;
        EXPECT_TRUE(refused);
    }());
}

// TaskGroup::cancel(): asyncio's early, error-free exit from a group.

TEST(TaskGroup, CancelFromTheBodyStopsChildrenAndBodyWithoutAnError) {
    run_virtual([]() -> Task<> {
        int cancelled = 0;
        bool body_went_on = false;
        co_await task_group([&](TaskGroup& g) -> Task<> {
            for (int i = 0; i < 2; ++i) g.create_task(agentio::testkit::sleep_counting_cancel(1h, cancelled));
            co_await sleep(1s);
            g.cancel();
            co_await sleep(1h);  // the body's next suspension point ends it
            body_went_on = true;
        });
        EXPECT_EQ(cancelled, 2);
        EXPECT_FALSE(body_went_on);
        EXPECT_DOUBLE_EQ(monotonic(), 1.0);
        // The group's request on this task was withdrawn: it goes on normally.
        EXPECT_EQ(detail::TaskNode::running()->cancelling(), 0);
        co_await sleep(1s);
        EXPECT_DOUBLE_EQ(monotonic(), 2.0);
    }());
}

TEST(TaskGroup, CancelFromAChildEndsTheGroupOnceItsGoalIsMet) {
    run_virtual([]() -> Task<> {
        int cancelled = 0;
        std::string found;
        co_await task_group([&](TaskGroup& g) -> Task<> {
            g.create_task(agentio::testkit::sleep_counting_cancel(1h, cancelled));
            g.create_task([&]() -> Task<> {
                co_await sleep(2s);
                found = "answer";
                g.cancel();
                g.cancel();  // idempotent
            });
            co_return;  // the body is done: the group is joining when cancel() comes
        });
        EXPECT_EQ(found, "answer");
        EXPECT_EQ(cancelled, 1);
        EXPECT_DOUBLE_EQ(monotonic(), 2.0);
        EXPECT_EQ(detail::TaskNode::running()->cancelling(), 0);
    }());
}

// As IsClosedOnceTheLastChildFinished: a cancel() between the last child's
// end and the joiner's return must not reach the task that ran the group.
TEST(TaskGroup, CancelAfterTheLastChildFinishedDoesNothing) {
    run_virtual([]() -> Task<> {
        TaskGroup* group = nullptr;
        auto late = create_task([&]() -> Task<> {
            co_await sleep(1s);
            co_await sleep(0s);
            group->cancel();
        });
        co_await task_group([&](TaskGroup& g) -> Task<> {
            group = &g;
            g.create_task(sleep(1s));
            co_return;
        });
        co_await late;
        EXPECT_EQ(detail::TaskNode::running()->cancelling(), 0);
        co_await sleep(1s);
        EXPECT_DOUBLE_EQ(monotonic(), 2.0);
    }());
}

TEST(TaskGroup, CancelInTheBodyJustBeforeItReturnsEndsTheGroupWithoutAnError) {
    run_virtual([]() -> Task<> {
        bool child_finished = false;
        co_await task_group([&](TaskGroup& g) -> Task<> {
            g.create_task([&]() -> Task<> {
                co_await sleep(1h);
                child_finished = true;
            });
            g.cancel();
            co_return;  // no suspension point between cancel() and the end
        });
        EXPECT_FALSE(child_finished);  // cancelled before its first step
        EXPECT_DOUBLE_EQ(monotonic(), 0.0);
        EXPECT_EQ(detail::TaskNode::running()->cancelling(), 0);
    }());
}

// asyncio's bug 155433: a timeout around the group that expires while the
// group's own cancel() is winding down must still fire.
TEST(TaskGroup, AnOuterTimeoutDuringCancelStillPropagates) {
    run_virtual([]() -> Task<> {
        auto group = task_group([&](TaskGroup& g) -> Task<> {
            g.create_task([]() -> Task<> {
                try {
                    co_await sleep(1h);
                } catch (const CancelledError&) {
                }
                co_await sleep(1s);  // slow cleanup, past the outer deadline
            });
            co_await sleep(100ms);
            g.cancel();
        });
        EXPECT_THROW(co_await wait_for(std::move(group), 500ms), TimeoutError);
        EXPECT_DOUBLE_EQ(monotonic(), 1.1);
    }());
}

TEST(TaskGroup, ChildErrorsStillRaiseAfterCancel) {
    run_virtual([]() -> Task<> {
        try {
            co_await task_group([&](TaskGroup& g) -> Task<> {
                g.create_task([]() -> Task<> {
                    try {
                        co_await sleep(1h);
                    } catch (const CancelledError&) {
                        throw Error("cleanup failed");
                    }
                });
                co_await sleep(1s);
                g.cancel();
            });
            ADD_FAILURE() << "expected ExceptionGroup";
        } catch (const ExceptionGroup& group) {
            EXPECT_EQ(group.exceptions().size(), 1u);
            EXPECT_EQ(describe(group.exceptions().at(0)), "cleanup failed");
        }
    }());
}

TEST(TaskGroup, ABodyStoppedByCancelBeforeItsValueHasNoneToReturn) {
    run_virtual([]() -> Task<> {
        EXPECT_THROW(co_await task_group([&](TaskGroup& g) -> Task<int> {
            g.cancel();
            co_await sleep(1s);
            co_return 1;
        }),
                     InvalidStateError);
        EXPECT_DOUBLE_EQ(monotonic(), 0.0);
    }());
}
