// http_client_load: requests/s that http::Client sustains over keep-alive
// connections, the agentio side of the client benchmark run by
// bench/compare/run_http.py (against `wrk` and an aiohttp twin).
//
// --connections tasks share one Client (pool limit = --connections, so each
// task holds one keep-alive connection); each loops GET --url and reads the
// whole body. Requests finished during the first --warmup seconds are not
// counted (connections open and pools grow then); the figure covers the next
// --duration seconds. Prints one JSON line:
//     {"requests", "errors", "seconds", "req_per_s", "cpu_us_per_req", "p50_ms", "p99_ms", "connections",
//      "first_error"}
// p50_ms and p99_ms are the wait of the window's successful requests, from
// sending to the last byte of the body.
// cpu_us_per_req is this process's CPU time (user + system) over the window
// per request: what a request costs, a figure that other work on the machine
// disturbs far less than requests/s.
//     http_client_load --url http://127.0.0.1:PORT/ [--connections 64] [--duration 5] [--warmup 1]
#include <agentio/agentio.hpp>
#include <agentio/http/client.hpp>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

using namespace agentio;

namespace {

struct Load {
    bool stop = false;
    bool measuring = false;           // inside the window
    std::vector<double> waits_ms;     // of the window's successful requests
    std::size_t requests = 0;  // complete responses with a 2xx status
    std::size_t errors = 0;    // exceptions and non-2xx statuses
    std::string first_error;
};

// One connection's worth of load: GET, read the body, again, until told to stop.
Task<> worker(http::Client& client, const std::string& url, Load& load) {
    while (!load.stop) {
        try {
            const auto sent = std::chrono::steady_clock::now();
            http::ClientResponse response = co_await client.get(url);
            const std::string body = co_await response.text();
            if (response.ok()) {
                ++load.requests;
                if (load.measuring)
                    load.waits_ms.push_back(
                        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - sent).count());
            } else {
                if (load.errors++ == 0) load.first_error = "status " + std::to_string(response.status());
            }
        } catch (const std::exception& e) {
            if (load.errors++ == 0) load.first_error = e.what();
            // A refused or reset connection fails at once; do not spin on it.
            if (load.errors > 1000 && load.requests == 0) load.stop = true;
        }
    }
}

double process_cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct Window {
    double seconds = 0;
    double cpu_seconds = 0;
    std::size_t requests = 0;
    std::size_t errors = 0;
};

// Sleeps through the warm-up, then measures the counters' growth over the
// window, then stops the workers (each finishes the request it has in flight;
// those are outside the window).
Task<> clock_keeper(Load& load, double warmup, double duration, Window& window) {
    using Seconds = std::chrono::duration<double>;
    co_await sleep(Seconds(warmup));
    const std::size_t requests0 = load.requests, errors0 = load.errors;
    const auto start = std::chrono::steady_clock::now();
    const double cpu0 = process_cpu_seconds();
    load.measuring = true;
    co_await sleep(Seconds(duration));
    load.measuring = false;
    window.cpu_seconds = process_cpu_seconds() - cpu0;
    window.seconds = Seconds(std::chrono::steady_clock::now() - start).count();
    window.requests = load.requests - requests0;
    window.errors = load.errors - errors0;
    load.stop = true;
}

Task<Window> run_load(std::string url, std::size_t connections, double warmup, double duration, Load& load) {
    http::ClientOptions options;
    options.max_connections_per_origin = connections;
    // The load generator talks straight to the server under test, whatever the
    // environment says about proxies.
    options.proxy = http::ProxyConfig{};
    http::Client client(std::move(options));
    Window window;
    std::vector<Task<>> tasks;
    tasks.reserve(connections + 1);
    for (std::size_t i = 0; i < connections; ++i) tasks.push_back(worker(client, url, load));
    tasks.push_back(clock_keeper(load, warmup, duration, window));
    co_await gather(std::move(tasks));
    co_return window;
}

[[noreturn]] void usage() {
    std::fprintf(stderr,
                 "usage: http_client_load --url URL [--connections N] [--duration SECONDS] [--warmup SECONDS]\n");
    std::exit(2);
}

double parse_number(const char* text) {
    char* end = nullptr;
    const double value = std::strtod(text, &end);
    if (end == text || *end != '\0' || value < 0) {
        std::fprintf(stderr, "http_client_load: not a number: %s\n", text);
        std::exit(2);
    }
    return value;
}

// The error text as a JSON string body (quotes, backslashes and controls escaped).
std::string json_escape(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    std::string url;
    std::size_t connections = 64;
    double duration = 5, warmup = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (i + 1 >= argc) usage();
        const char* value = argv[++i];
        if (flag == "--url") url = value;
        else if (flag == "--connections") connections = static_cast<std::size_t>(parse_number(value));
        else if (flag == "--duration") duration = parse_number(value);
        else if (flag == "--warmup") warmup = parse_number(value);
        else usage();
    }
    if (url.empty() || connections == 0 || duration <= 0) usage();

    Load load;
    Window window;
    try {
        window = run(run_load(url, connections, warmup, duration, load));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "http_client_load: %s\n", e.what());
        return 1;
    }
    std::vector<double>& waits = load.waits_ms;
    const auto percentile = [&waits](double p) {
        if (waits.empty()) return 0.0;
        const auto rank = static_cast<std::size_t>(p * static_cast<double>(waits.size() - 1));
        std::nth_element(waits.begin(), waits.begin() + static_cast<std::ptrdiff_t>(rank), waits.end());
        return waits[rank];
    };
    const double p50 = percentile(0.50), p99 = percentile(0.99);
    std::printf(
        "{\"requests\": %zu, \"errors\": %zu, \"seconds\": %.3f, \"req_per_s\": %.1f, \"cpu_us_per_req\": %.3f, "
        "\"p50_ms\": %.3f, \"p99_ms\": %.3f, \"connections\": %zu, \"first_error\": \"%s\"}\n",
        window.requests, window.errors, window.seconds,
        window.seconds > 0 ? static_cast<double>(window.requests) / window.seconds : 0.0,
        window.requests > 0 ? window.cpu_seconds * 1e6 / static_cast<double>(window.requests) : 0.0, p50, p99,
        connections, json_escape(load.first_error).c_str());
    return window.requests > 0 ? 0 : 1;
}
