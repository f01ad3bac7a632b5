// shared_limit_client: one of several processes that call one simulator
// under one account's RPM, for the shared rate budget test
// (redis_rate_budget_test.cpp).
//
//     shared_limit_client BASE_URL REDIS_URL|none RPM SECONDS TASKS
//
// TASKS tasks send chat calls one after another for SECONDS, through one
// llm::Client without retries whose rate limiter shares the RPM through
// Redis (RedisRateBudget on key "agentio:test-rpm"), or, with `none`,
// without any limit of its own. Prints one JSON line: ok, rate_limited
// (429s), failed (anything else).
#include <agentio/agentio.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

using namespace agentio;

namespace {

struct Counts {
    int ok = 0;
    int rate_limited = 0;
    int failed = 0;
};

Task<> caller(llm::Client& client, TimePoint deadline, Counts& counts) {
    while (EventLoop::current()->now() < deadline) {
        llm::ChatRequest request;
        request.model = "sim-small";
        request.messages.push_back(llm::Message::user("hi"));
        try {
            co_await client.chat(std::move(request));
            ++counts.ok;
        } catch (const llm::RateLimitError&) {
            ++counts.rate_limited;
        } catch (const std::exception& e) {
            if (counts.failed++ == 0) std::fprintf(stderr, "shared_limit_client: %s\n", e.what());
        }
    }
}

Task<int> calls(std::string base_url, std::string redis_url, double rpm, double seconds, int tasks) {
    llm::ClientOptions options;
    options.base_url = std::move(base_url);
    options.api_key = "sk-test";
    options.http.proxy = http::ProxyConfig{};
    options.retry.max_retries = 0;
    options.rate_limits.adapt_to_headers = false;  // only the shared budget paces us
    if (redis_url != "none") {
        db::redis::RateBudgetOptions budget;
        budget.key = "agentio:test-rpm";
        budget.requests_per_minute = rpm;
        options.rate_limits.shared = std::make_shared<db::redis::RedisRateBudget>(db::redis::Client(redis_url), budget);
    }
    llm::Client client(options);
    Counts counts;
    const TimePoint deadline =
        EventLoop::current()->now() + std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
    std::vector<Task<>> all;
    for (int i = 0; i < tasks; ++i) all.push_back(caller(client, deadline, counts));
    co_await gather(std::move(all));
    std::printf("{\"ok\": %d, \"rate_limited\": %d, \"failed\": %d}\n", counts.ok, counts.rate_limited, counts.failed);
    co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 6) {
        std::fprintf(stderr, "usage: shared_limit_client BASE_URL REDIS_URL|none RPM SECONDS TASKS\n");
        return 2;
    }
    return run(calls(argv[1], argv[2], std::atof(argv[3]), std::atof(argv[4]), std::atoi(argv[5])));
}
