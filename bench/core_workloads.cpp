// core_workloads: the agentio side of the core benchmarks run by `./dev bench`.
//
// Same workloads, flags and one-line JSON output as bench/compare/core_twins.py
// (the asyncio and uvloop twins), so that bench/compare/run_core.py can put
// them side by side:
//     core_workloads --workload spawn_gather|spawn_gather_batched|sleeps|pingpong|semaphore [--n N] [--rounds 1|2]
//
// Besides time, the first round reports what it cost in memory, counted the
// same way for every runtime: bytes_per_task is the growth of the resident set
// (peak after the round minus resident before it) over N, and faults_per_task
// the minor page faults the round took over N. Both are deterministic, unlike
// time on a shared machine, and fresh pages are what a cold process pays for.
#include <agentio/agentio.hpp>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <string>
#include <vector>

using namespace agentio;
using namespace std::chrono_literals;

namespace {

// N tasks of `job`, spawned and gathered (asyncio: gather(*[create_task(job()) ...])).
template <class Job>
Task<> gather_n(std::size_t n, Job job) {
    std::vector<Task<>> tasks;
    tasks.reserve(n);
    for (std::size_t i = 0; i < n; ++i) tasks.push_back(job());
    co_await gather(std::move(tasks));
}

// (a) N tasks that each yield once.
Task<> spawn_gather(std::size_t n) {
    return gather_n(n, []() -> Task<> { co_await sleep(0s); });
}

// (a') The same N tasks in gathers of 2,000: what a task costs when its
// memory stays in cache (200,000 live tasks do not fit; see BENCHMARKS.md).
Task<> spawn_gather_batched(std::size_t n) {
    for (std::size_t done = 0; done < n; done += 2000)
        co_await gather_n(std::min<std::size_t>(2000, n - done), []() -> Task<> { co_await sleep(0s); });
}

// (b) N concurrent 200 ms sleeps.
Task<> sleeps(std::size_t n) {
    return gather_n(n, []() -> Task<> { co_await sleep(200ms); });
}

// (c) N round trips through two bounded queues.
Task<> pingpong(std::size_t n) {
    Queue<std::size_t> ping(1), pong(1);
    auto ponger = create_task([&]() -> Task<> {
        for (std::size_t i = 0; i < n; ++i) co_await pong.put(co_await ping.get());
    });
    for (std::size_t i = 0; i < n; ++i) {
        co_await ping.put(i);
        (void)co_await pong.get();
    }
    co_await ponger;
}

// (d) N calls of 10 ms under Semaphore(1000): floor n / 1000 * 10 ms.
Task<> semaphore(std::size_t n) {
    Semaphore limit(1000);
    co_await gather_n(n, [&]() -> Task<> {
        auto permit = co_await limit.acquire();
        co_await sleep(10ms);
    });
}

struct Workload {
    const char* name;
    Task<> (*body)(std::size_t);
    std::size_t default_n;
};
constexpr Workload kWorkloads[] = {
    {"spawn_gather", spawn_gather, 200'000},
    {"spawn_gather_batched", spawn_gather_batched, 200'000},
    {"sleeps", sleeps, 200'000},
    {"pingpong", pingpong, 200'000},
    {"semaphore", semaphore, 100'000},
};

int usage() {
    std::fprintf(stderr,
                 "usage: core_workloads --workload spawn_gather|spawn_gather_batched|sleeps|pingpong|semaphore [--n N] "
                 "[--rounds 1|2]\n");
    return 2;
}

// The resident set now, in bytes.
double resident_bytes() {
    long pages_total = 0, pages_resident = 0;
    if (std::FILE* statm = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(statm, "%ld %ld", &pages_total, &pages_resident) != 2) pages_resident = 0;
        std::fclose(statm);
    }
    return static_cast<double>(pages_resident) * static_cast<double>(::sysconf(_SC_PAGESIZE));
}

// The peak resident set of this program, in bytes: VmHWM, not ru_maxrss,
// which Linux carries over exec from the process that forked this one (a
// Python parent's 13 MiB would read as this program's peak).
double peak_resident_bytes() {
    double kib = 0;
    if (std::FILE* status = std::fopen("/proc/self/status", "r")) {
        char line[256];
        while (std::fgets(line, sizeof line, status) != nullptr)
            if (std::sscanf(line, "VmHWM: %lf kB", &kib) == 1) break;
        std::fclose(status);
    }
    return kib * 1024.0;
}

struct Usage {
    double peak_rss_bytes;
    long minor_faults;
};
Usage usage_now() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return {peak_resident_bytes(), usage.ru_minflt};
}

}  // namespace

int main(int argc, char** argv) {
    const Workload* workload = nullptr;
    std::size_t n = 0;
    int round_count = 2;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--workload") == 0) {
            for (const auto& w : kWorkloads)
                if (std::strcmp(w.name, argv[i + 1]) == 0) workload = &w;
            if (workload == nullptr) return usage();
        } else if (std::strcmp(argv[i], "--n") == 0) {
            n = std::strtoull(argv[i + 1], nullptr, 10);
        } else if (std::strcmp(argv[i], "--rounds") == 0) {
            round_count = std::atoi(argv[i + 1]);
            if (round_count != 1 && round_count != 2) return usage();
        } else {
            return usage();
        }
    }
    if (workload == nullptr) return usage();
    if (n == 0) n = workload->default_n;

    // Two rounds in one loop: the first in a cold process (fresh pages), the
    // second in steady state (recycled frames), as a long-running agent sees it.
    // With --rounds 1 the process ends after the cold round (run_core.py times
    // such a process whole, exit included).
    double rounds[2] = {0, 0};
    double resident_before = 0;
    Usage before{}, after_first{};
    run([&]() -> Task<> {
        for (int r = 0; r < round_count; ++r) {
            if (r == 0) {
                resident_before = resident_bytes();
                before = usage_now();
            }
            const auto start = std::chrono::steady_clock::now();
            co_await workload->body(n);
            rounds[r] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            if (r == 0) after_first = usage_now();
        }
    }());
    const double items = static_cast<double>(n);
    std::printf(
        "{\"workload\": \"%s\", \"loop\": \"agentio\", \"n\": %zu, \"cold_s\": %.6f, \"warm_s\": %.6f, "
        "\"cold_ns\": %.1f, \"warm_ns\": %.1f, \"peak_rss_mib\": %.1f, \"bytes_per_task\": %.1f, "
        "\"faults_per_task\": %.4f}\n",
        workload->name, n, rounds[0], rounds[1], rounds[0] * 1e9 / items, rounds[1] * 1e9 / items,
        after_first.peak_rss_bytes / (1024.0 * 1024.0), (after_first.peak_rss_bytes - resident_before) / items,
        static_cast<double>(after_first.minor_faults - before.minor_faults) / items);
}
