// redis_rate_budget_test.cpp: one account's RPM shared through Redis by
// three processes (shared_limit_client) calling one `agentio sim --rpm`:
// without the shared budget they draw 429s; with it, none, and together
// they still get at least 95% of what the limit allows in the time.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "integration/redis_server.hpp"
#include "integration/support.hpp"

using namespace agentio::itest;

namespace {

struct Tally {
    int ok = 0;
    int rate_limited = 0;
    int failed = 0;
};

// Starts `agentio sim --rpm rpm` and returns its base URL (the process in `sim`).
std::string start_sim(std::unique_ptr<Process>& sim, int rpm) {
    sim = std::make_unique<Process>(std::vector<std::string>{bin_path("agentio"), "sim", "--port", "0", "--rpm",
                                                             std::to_string(rpm), "--ttft-ms", "0", "--itl-ms", "0"});
    const auto banner = sim->wait_for_line(std::regex(R"(API on (http://\S+/v1))"), Millis(20000));
    if (!banner) throw std::runtime_error("agentio sim did not start: " + sim->describe());
    return (*banner)[1];
}

// Three clients at once for `seconds`, each with 8 tasks; their counts summed.
Tally three_clients(const std::string& base_url, const std::string& redis_url, int rpm, double seconds) {
    std::vector<std::unique_ptr<Process>> clients;
    for (int i = 0; i < 3; ++i)
        clients.push_back(std::make_unique<Process>(std::vector<std::string>{
            bin_path("shared_limit_client"), base_url, redis_url, std::to_string(rpm), std::to_string(seconds), "8"}));
    Tally tally;
    const std::regex counts(R"(\{"ok": (\d+), "rate_limited": (\d+), "failed": (\d+)\})");
    for (auto& client : clients) {
        const ExitStatus status = run_to_end(*client, Millis(static_cast<int>(seconds * 1000) + 60000));
        EXPECT_TRUE(status.success()) << client->describe();
        std::smatch match;
        const std::string out = client->out();
        if (!std::regex_search(out, match, counts)) {
            ADD_FAILURE() << "no counts from a client: " << client->describe();
            continue;
        }
        tally.ok += std::stoi(match[1]);
        tally.rate_limited += std::stoi(match[2]);
        tally.failed += std::stoi(match[3]);
    }
    return tally;
}

TEST(RedisRateBudgetTest, ThreeProcessesShareOneRpmWithNo429sAndUseAtLeast95PercentOfIt) {
    if (!RedisServer::available()) GTEST_SKIP() << "needs " << redis_server_binary;
    // A low limit, so that a slow machine (a sanitizer build) still reaches
    // it: the clients only need about 45 calls a second between them.
    constexpr int kRpm = 120;
    constexpr double kSeconds = 3;
    RedisServer redis;  // a fresh one: the budget starts full

    // Unshared, the three overrun the simulator's limit: the test can fail.
    std::unique_ptr<Process> control_sim;
    const Tally unshared = three_clients(start_sim(control_sim, kRpm), "none", kRpm, kSeconds);
    EXPECT_GT(unshared.rate_limited, 0);

    std::unique_ptr<Process> sim;
    const std::string base_url = start_sim(sim, kRpm);
    const auto started = SteadyClock::now();
    const Tally shared = three_clients(base_url, redis.url(), kRpm, kSeconds);
    const double elapsed = std::chrono::duration<double>(SteadyClock::now() - started).count();
    EXPECT_EQ(shared.rate_limited, 0);
    EXPECT_EQ(shared.failed, 0);
    // A full minute's bucket at the start (less the 1% headroom), then the
    // rate, over the clients' time.
    const double allowed = kRpm * 0.99 + kRpm * kSeconds / 60.0;
    EXPECT_GE(shared.ok, 0.95 * allowed) << shared.ok << " calls in " << elapsed << " s";
    EXPECT_LE(shared.ok, kRpm + kRpm * elapsed / 60.0 + 1) << "more than the limit lets through";
}

}  // namespace
