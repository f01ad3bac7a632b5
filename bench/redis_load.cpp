// redis_load: the agentio side of the Redis benchmark (bench/compare/run_redis.py).
//
//     redis_load --port 6379 --ops 1000000 --tasks 256 --kind set
//
// `tasks` tasks share one redis::Client (one auto-pipelined connection);
// each issues its share of the `ops` commands one after another (SET key
// value, or GET key), as a web handler or an agent tool would: no explicit
// pipeline, the batching is the client's. Prints one JSON line: ops,
// seconds, ops_per_s, cpu_seconds (this process), writes (how many writes
// carried them).
#include <agentio/agentio.hpp>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace agentio;

namespace {

Task<> worker(db::redis::Client redis, bool set, int first, int count) {
    const std::string value(16, 'v');
    std::string key;
    for (int i = first; i < first + count; ++i) {
        key = "bench:" + std::to_string(i % 10000);
        if (set) co_await redis.set(key, value);
        else co_await redis.get(key);
    }
}

Task<int> load(std::uint16_t port, int ops, int tasks, bool set) {
    db::redis::Options options;
    options.port = port;
    db::redis::Client redis(options);
    co_await redis.command("PING");  // connected before the clock starts
    const auto start = std::chrono::steady_clock::now();
    std::vector<Task<>> workers;
    const int each = ops / tasks;
    for (int t = 0; t < tasks; ++t) workers.push_back(worker(redis, set, t * each, each));
    co_await gather(std::move(workers));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    const int done = each * tasks;
    std::printf("{\"ops\": %d, \"seconds\": %.4f, \"ops_per_s\": %.0f, \"cpu_seconds\": %.3f, \"writes\": %llu}\n", done,
                seconds, done / seconds, cpu, static_cast<unsigned long long>(redis.stats().writes));
    co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
    int port = 6379, ops = 1000000, tasks = 256;
    std::string kind = "set";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--port") port = std::atoi(argv[i + 1]);
        else if (flag == "--ops") ops = std::atoi(argv[i + 1]);
        else if (flag == "--tasks") tasks = std::atoi(argv[i + 1]);
        else if (flag == "--kind") kind = argv[i + 1];
    }
    if (port < 1 || port > 65535 || ops < 1 || tasks < 1 || (kind != "set" && kind != "get")) {
        std::fprintf(stderr, "usage: redis_load --port P [--ops N] [--tasks T] [--kind set|get]\n");
        return 2;
    }
    try {
        return run(load(static_cast<std::uint16_t>(port), ops, tasks, kind == "set"));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "redis_load: %s\n", e.what());
        return 1;
    }
}
