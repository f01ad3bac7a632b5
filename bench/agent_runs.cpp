// agent_runs: N concurrent agent runs from one process, the workload of the
// agent benchmark (bench/compare/run_agents.py; its twin on the OpenAI Agents
// SDK is bench/compare/agents_twin.mjs).
//
//     agent_runs --url http://127.0.0.1:PORT/v1 --runs 1000
//
// Each run: one agent with two tools (`lookup`, `check`) that sleep 50 ms,
// against `agentio sim --script bench/compare/agents/script.jsonl`, which
// answers three turns of two parallel tool calls and then the final text.
// Prints one JSON line: runs, ok, failed, seconds (wall, from the first run's
// start to the last one's end), cpu_seconds and peak_rss_mib (this process).
#include <agentio/agentio.hpp>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace agentio;
using namespace std::chrono_literals;

namespace {

struct Step {
    int step = 0;
    static auto describe() { return agent::fields(agent::field("step", &Step::step, "Which step")); }
};

agent::Tool sleeping_tool(const std::string& name) {
    return agent::Tool::from(name, "Does part of a step (" + name + ")", [name](Step args) -> Task<std::string> {
        co_await sleep(50ms);
        co_return "result of step " + std::to_string(args.step) + " from " + name;
    });
}

Task<int> run_all(std::string url, int runs) {
    llm::ClientOptions options;
    options.base_url = std::move(url);
    options.api_key = "sk-bench";
    options.http.proxy = http::ProxyConfig{};
    options.retry.max_retries = 0;
    // Every run's call at once, each on its own connection (as Node's fetch
    // does): the point is the concurrency.
    options.max_concurrency = 0;
    options.http.max_connections_per_origin = static_cast<std::size_t>(runs);
    llm::Client client(options);
    const agent::Agent worker{.name = "worker",
                              .instructions = "Do the three steps with your tools.",
                              .model = "sim-small",
                              .tools = {sleeping_tool("lookup"), sleeping_tool("check")}};
    std::vector<Task<agent::RunResult>> all;
    all.reserve(static_cast<std::size_t>(runs));
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < runs; ++i) all.push_back(agent::run(client, worker, "Do the three steps."));
    Task<std::vector<Outcome<agent::RunResult>>> gathering = gather(return_exceptions, std::move(all));
    std::vector<Outcome<agent::RunResult>> results = co_await std::move(gathering);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    int ok = 0;
    std::string first_error;
    for (Outcome<agent::RunResult>& result : results) {
        if (result && result.value().final_output == "All three steps are done." && result.value().turns == 4) ++ok;
        else if (first_error.empty()) first_error = result ? "unexpected output: " + result.value().final_output : describe(result.error());
    }
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    if (!first_error.empty()) std::fprintf(stderr, "agent_runs: %s\n", first_error.c_str());
    std::printf("{\"runs\": %d, \"ok\": %d, \"failed\": %d, \"seconds\": %.4f, \"cpu_seconds\": %.3f, \"peak_rss_mib\": %.1f}\n",
                runs, ok, runs - ok, seconds, cpu, static_cast<double>(usage.ru_maxrss) / 1024.0);
    co_return ok == runs ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    std::string url;
    int runs = 1000;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--url") url = argv[i + 1];
        else if (flag == "--runs") runs = std::atoi(argv[i + 1]);
    }
    if (url.empty() || runs < 1) {
        std::fprintf(stderr, "usage: agent_runs --url BASE_URL [--runs N]\n");
        return 2;
    }
    return run(run_all(url, runs));
}
