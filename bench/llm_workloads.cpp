// llm_workloads: the agentio side of the LLM benchmarks run by bench/compare/run_llm.py.
//
//   stream_consume --url URL
//       One chat_stream against URL (nginx serving a recorded stream of chat
//       completion chunks as a static file); every chunk parsed and folded
//       into the reply. Prints chunks, seconds, chunks_per_s.
//   rate_fidelity [--requests 3000] [--rpm 600] [--concurrency 64]
//       The simulator in this process, limited to --rpm requests per minute,
//       and a client told nothing of the limit (it paces itself from the
//       x-ratelimit-* headers). Prints the achieved rate over the whole run
//       and over the steady state after the first bucketful, and the 429s.
//   many_streams [--streams 10000]
//       The simulator and --streams concurrent streaming requests in this
//       one process. Prints wall time, CPU seconds and peak RSS.
// Each prints one JSON line on stdout.
#include <agentio/agentio.hpp>
#include <agentio/llm/client.hpp>
#include <agentio/sim/server.hpp>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

using namespace agentio;
using namespace std::chrono_literals;

namespace {

struct Args {
    std::string workload;
    std::string url;
    int requests = 3000;
    double rpm = 600;
    int concurrency = 64;
    int streams = 10000;
};

double seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

double cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double peak_rss_mib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is KiB
}

void raise_fd_limit() {
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
}

llm::ChatRequest prompt(int i) {
    llm::ChatRequest request;
    request.model = "sim-small";
    request.messages = {llm::Message::user("Question number " + std::to_string(i) + ": what is the capital of France?")};
    return request;
}

llm::ClientOptions client_options(std::string base_url, std::size_t connections) {
    llm::ClientOptions options;
    options.api_key = "sk-bench";
    options.base_url = std::move(base_url);
    options.http.proxy = http::ProxyConfig{};
    options.http.max_connections_per_origin = connections;
    options.timeouts.total.reset();
    return options;
}

Task<> stream_consume(const Args& args) {
    llm::Client client(client_options(args.url, 1));
    llm::ChatRequest request = prompt(0);
    const TimePoint start = EventLoop::current()->now();
    llm::ChatStream stream = co_await client.chat_stream(request);
    std::size_t chunks = 0;
    while (co_await stream.next()) ++chunks;
    const double elapsed = seconds(EventLoop::current()->now() - start);
    std::printf("{\"chunks\": %zu, \"seconds\": %.4f, \"chunks_per_s\": %.0f, \"content_bytes\": %zu}\n", chunks, elapsed,
                static_cast<double>(chunks) / elapsed, stream.response().text().size());
}

Task<> one_call(llm::Client& client, int i, std::vector<TimePoint>& finished, int& failed) {
    try {
        llm::ChatRequest request = prompt(i);
        request.max_completion_tokens = 5;
        co_await client.chat(request);
        finished.push_back(EventLoop::current()->now());
    } catch (const std::exception& e) {
        ++failed;
        if (failed < 5) std::fprintf(stderr, "llm_workloads: request %d failed: %s\n", i, e.what());
    }
}

Task<> rate_fidelity(const Args& args) {
    sim::Config config;
    config.limits.requests_per_minute = static_cast<std::int64_t>(args.rpm);
    config.latency.time_to_first_token = 20ms;
    config.latency.inter_token = 1ms;
    sim::Server server = co_await sim::Server::start(config);
    llm::ClientOptions options = client_options(server.base_url(), static_cast<std::size_t>(args.concurrency));
    options.max_concurrency = static_cast<std::size_t>(args.concurrency);
    options.retry.max_retries = 10;  // every request must get through; the 429s are counted
    std::size_t retries = 0;
    options.on_record = [&retries](const llm::RequestRecord& record) { retries += static_cast<std::size_t>(record.retries); };
    llm::Client client(options);

    std::vector<TimePoint> finished;
    finished.reserve(static_cast<std::size_t>(args.requests));
    int failed = 0;
    const TimePoint start = EventLoop::current()->now();
    std::vector<Task<>> calls;
    for (int i = 0; i < args.requests; ++i) calls.push_back(one_call(client, i, finished, failed));
    co_await gather(std::move(calls));
    const TimePoint end = EventLoop::current()->now();
    const sim::Stats stats = server.stats();
    co_await server.shutdown();

    // The server's bucket starts full (as the API's does), so the first
    // bucketful goes at once; the steady state is what comes after it.
    std::sort(finished.begin(), finished.end());
    const std::size_t burst = std::min(finished.size(), static_cast<std::size_t>(args.rpm));
    double steady_rpm = 0;
    if (finished.size() > burst + 1) {
        const double span = seconds(finished.back() - finished[burst]);
        steady_rpm = static_cast<double>(finished.size() - burst - 1) / span * 60.0;
    }
    const double total_s = seconds(end - start);
    std::printf(
        "{\"requests\": %d, \"ok\": %zu, \"failed\": %d, \"seconds\": %.2f, \"limit_rpm\": %.0f, \"overall_rpm\": %.1f, "
        "\"steady_rpm\": %.1f, \"server_429s\": %llu, \"client_retries\": %zu, \"learnt_rpm\": %.0f}\n",
        args.requests, finished.size(), failed, total_s, args.rpm, static_cast<double>(finished.size()) / total_s * 60.0,
        steady_rpm, static_cast<unsigned long long>(stats.rate_limited), retries,
        client.rate_limiter().requests_per_minute().value_or(0));
}

Task<> one_stream(llm::Client& client, int i, std::size_t& chunks, int& failed) {
    try {
        llm::ChatRequest request = prompt(i);
        request.max_completion_tokens = 50;
        llm::ChatStream stream = co_await client.chat_stream(request);
        while (co_await stream.next()) ++chunks;
    } catch (const std::exception& e) {
        ++failed;
        if (failed < 5) std::fprintf(stderr, "llm_workloads: stream %d failed: %s\n", i, e.what());
    }
}

Task<> many_streams(const Args& args) {
    raise_fd_limit();
    // With --url the simulator is another process (`agentio sim`), so this
    // process holds one socket per stream and its CPU and memory are the
    // client's alone; without, the simulator runs here too.
    std::optional<sim::Server> server;
    std::string base_url = args.url;
    if (base_url.empty()) {
        sim::Config config;
        config.latency.time_to_first_token = 300ms;
        config.latency.inter_token = 20ms;
        server.emplace(co_await sim::Server::start(config));
        base_url = server->base_url();
    }
    llm::Client client(client_options(base_url, static_cast<std::size_t>(args.streams)));
    const double cpu_before = cpu_seconds();
    const TimePoint start = EventLoop::current()->now();
    std::size_t chunks = 0;
    int failed = 0;
    std::vector<Task<>> streams;
    for (int i = 0; i < args.streams; ++i) streams.push_back(one_stream(client, i, chunks, failed));
    co_await gather(std::move(streams));
    const double wall = seconds(EventLoop::current()->now() - start);
    const double cpu = cpu_seconds() - cpu_before;
    if (server) co_await server->shutdown();
    std::printf(
        "{\"streams\": %d, \"failed\": %d, \"chunks\": %zu, \"seconds\": %.2f, \"cpu_seconds\": %.2f, "
        "\"peak_rss_mib\": %.1f}\n",
        args.streams, failed, chunks, wall, cpu, peak_rss_mib());
}

[[noreturn]] void usage() {
    std::fprintf(stderr,
                 "usage: llm_workloads stream_consume --url URL\n"
                 "       llm_workloads rate_fidelity [--requests N] [--rpm N] [--concurrency N]\n"
                 "       llm_workloads many_streams [--streams N] [--url URL]\n");
    std::exit(2);
}

Args parse(int argc, char** argv) {
    if (argc < 2) usage();
    Args args;
    args.workload = argv[1];
    for (int i = 2; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (i + 1 >= argc) usage();
        const char* value = argv[++i];
        if (flag == "--url") args.url = value;
        else if (flag == "--requests") args.requests = std::atoi(value);
        else if (flag == "--rpm") args.rpm = std::atof(value);
        else if (flag == "--concurrency") args.concurrency = std::atoi(value);
        else if (flag == "--streams") args.streams = std::atoi(value);
        else usage();
    }
    return args;
}

}  // namespace

int main(int argc, char** argv) {
    const Args args = parse(argc, argv);
    try {
        if (args.workload == "stream_consume" && !args.url.empty()) run(stream_consume(args));
        else if (args.workload == "rate_fidelity") run(rate_fidelity(args));
        else if (args.workload == "many_streams") run(many_streams(args));
        else usage();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "llm_workloads: %s\n", e.what());
        return 1;
    }
    return 0;
}
