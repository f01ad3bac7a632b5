// core_micro: Google Benchmark micro benches of the core's hot paths.
//
// Each benchmark runs its whole measurement inside one loop (state is driven
// from a task), so it measures the operation, not loop start-up.
#include <agentio/agentio.hpp>
#include <benchmark/benchmark.h>

using namespace agentio;
using namespace std::chrono_literals;

namespace {

template <class Body>
void in_loop(benchmark::State& state, Body body) {
    run([&]() -> Task<> { co_await body(state); }());
}

Task<int> ready_value(int x) { co_return x; }

// Awaiting a Task that completes at once: frame allocation, two resumes.
void BM_AwaitReadyTask(benchmark::State& state) {
    in_loop(state, [](benchmark::State& s) -> Task<> {
        int sum = 0;
        for (auto _ : s) sum += co_await ready_value(1);
        benchmark::DoNotOptimize(sum);
    });
}
BENCHMARK(BM_AwaitReadyTask);

// Suspend and resume through the ready queue.
void BM_YieldResume(benchmark::State& state) {
    in_loop(state, [](benchmark::State& s) -> Task<> {
        for (auto _ : s) co_await sleep(0s);
    });
}
BENCHMARK(BM_YieldResume);

// create_task + await of a task that finishes in its first step.
void BM_CreateTaskAndAwait(benchmark::State& state) {
    in_loop(state, [](benchmark::State& s) -> Task<> {
        for (auto _ : s) benchmark::DoNotOptimize(co_await create_task(ready_value(1)));
    });
}
BENCHMARK(BM_CreateTaskAndAwait);

// Uncontended acquire + release.
void BM_SemaphoreAcquireRelease(benchmark::State& state) {
    in_loop(state, [](benchmark::State& s) -> Task<> {
        Semaphore sem(1);
        for (auto _ : s) {
            auto permit = co_await sem.acquire();
        }
    });
}
BENCHMARK(BM_SemaphoreAcquireRelease);

// Arming and disarming a timer (a wait_for that finishes in time).
void BM_TimerArmDisarm(benchmark::State& state) {
    in_loop(state, [](benchmark::State& s) -> Task<> {
        int sum = 0;
        for (auto _ : s) sum += co_await wait_for(ready_value(1), 1s);
        benchmark::DoNotOptimize(sum);
    });
}
BENCHMARK(BM_TimerArmDisarm);

}  // namespace

BENCHMARK_MAIN();
