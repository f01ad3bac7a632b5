// bench_command.cpp: `agentio bench`, a load test for any OpenAI-compatible
// endpoint (the embedded simulator by default), measured as `vllm bench
// serve` measures (loadtest/metrics.hpp).
//
// Requests go out on a seeded schedule (loadtest/schedule.hpp), at most
// --max-concurrency at once; each is streamed, and the times of its first
// token and of every content chunk are taken on arrival. A request that
// fails counts as failed and the run goes on: the exit code says whether
// any failed.
#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "agentio/core/create_task.hpp"
#include "agentio/core/gather.hpp"
#include "agentio/core/run.hpp"
#include "agentio/core/semaphore.hpp"
#include "agentio/core/sleep.hpp"
#include "agentio/llm/client.hpp"
#include "agentio/sim/server.hpp"
#include "commands.hpp"
#include "endpoint.hpp"
#include "progress.hpp"
#include "validators.hpp"
#include "loadtest/dataset.hpp"
#include "loadtest/html_report.hpp"
#include "loadtest/metrics.hpp"
#include "loadtest/schedule.hpp"

namespace agentio::cli {
namespace {

// Bad flags or files, found before any request is sent: exit 2.
struct UsageError : Error {
    using Error::Error;
};

struct BenchFlags {
    EndpointFlags endpoint;
    int num_prompts = 200;
    double request_rate = std::numeric_limits<double>::infinity();
    double burstiness = 1.0;
    int max_concurrency = 0;  // 0: no limit
    int input_len = 64;
    int output_len = 128;
    double request_timeout_s = 600;
    double range_ratio = 0.0;
    std::uint64_t seed = 0;
    std::vector<std::string> goodput;
    std::vector<std::string> dataset{"random"};  // NAME [FILE]
    bool ignore_eos = false;
    std::string json_path;
    std::string html_path;
};

double since(TimePoint start) {
    return std::chrono::duration<double>(EventLoop::current()->now() - start).count();
}

// Requests finished so far, for the progress line.
struct Finished {
    std::size_t done = 0;
    std::size_t failed = 0;
};

std::string progress_line(const Finished& finished, int total, Duration elapsed) {
    const double seconds = std::max(std::chrono::duration<double>(elapsed).count(), 1e-3);
    const double rate = static_cast<double>(finished.done) / seconds;
    const double left = static_cast<double>(static_cast<std::size_t>(total) - finished.done);
    return fmt::format("{}/{} done | {:.1f} req/s | {} failed | ETA {}", finished.done, total, rate, finished.failed,
                       finished.done == 0 ? std::string("-") : fmt::format("{:.0f}s", left / std::max(rate, 1e-9)));
}

Task<> one_request(llm::Client& client, llm::ChatRequest request, double send_at, TimePoint start,
                   Semaphore* slots, loadtest::RequestResult& result, Finished& finished) {
    const double wait = send_at - since(start);
    if (wait > 0) co_await sleep(from_seconds(wait));
    std::optional<Semaphore::Permit> permit;
    if (slots) permit.emplace(co_await slots->acquire());
    const TimePoint sent = EventLoop::current()->now();
    result.start_s = since(start);
    try {
        llm::ChatStream stream = co_await client.chat_stream(std::move(request));
        std::optional<TimePoint> last;
        while (const llm::ChatChunk* chunk = co_await stream.next()) {
            if (chunk->content().empty()) continue;
            const TimePoint now = EventLoop::current()->now();
            if (!last) result.ttft_s = std::chrono::duration<double>(now - sent).count();
            else result.itl_s.push_back(std::chrono::duration<double>(now - *last).count());
            last = now;
        }
        result.e2el_s = std::chrono::duration<double>(EventLoop::current()->now() - sent).count();
        // The server's usage, else the client's estimate (which the JSON marks).
        const llm::RequestRecord& record = stream.record();
        result.prompt_tokens = record.usage.prompt_tokens;
        result.output_tokens = record.usage.completion_tokens;
        result.usage_estimated = !record.usage_reported;
        // As vllm: a reply without content has no first token to time.
        if (last) result.ok = true;
        else result.error = "the reply had no content to time (tool calls or a refusal only?)";
    } catch (const std::exception& e) {
        result.error = e.what();
    }
    ++finished.done;
    if (!result.ok) ++finished.failed;
}

// "-" names standard output.
constexpr std::string_view kStdout = "-";

// Checked before the run, so that a path that cannot be written is said at
// once, not after the whole benchmark; opened for appending, so that a run
// that fails leaves an earlier report as it was.
void check_writable(const std::string& path) {
    if (path == kStdout) return;
    std::ofstream file(path, std::ios::binary | std::ios::app);
    if (!file) throw UsageError("cannot write " + path + ": " + std::strerror(errno));
}

void write_report(const std::string& path, const std::string& text) {
    if (path == kStdout) {
        fmt::print("{}\n", text);
        std::fflush(stdout);
        return;
    }
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << text;
    if (!file.flush()) throw Error("cannot write " + path + ": " + std::strerror(errno));
    fmt::print(stderr, "agentio bench: wrote {}\n", path);
}

Task<int> bench(BenchFlags flags, loadtest::Slo slo) {
    if (!flags.json_path.empty() && flags.json_path == flags.html_path)
        throw UsageError("--json and --html name the same file, " + flags.json_path);
    if (!flags.json_path.empty()) check_writable(flags.json_path);
    if (!flags.html_path.empty()) check_writable(flags.html_path);
    std::string model;
    try {
        model = flags.endpoint.required_model();
    } catch (const Error& e) {
        throw UsageError(e.what());
    }
    // Every request is made before the clock starts, as vllm does: building
    // them must not delay the first sends; a bad dataset is said before
    // anything is sent.
    // Member by member: g++ 12 miscompiles braced initializers of strings in a coroutine.
    loadtest::DatasetOptions dataset;
    dataset.kind = flags.dataset.front();
    if (flags.dataset.size() > 1) dataset.path = flags.dataset[1];
    dataset.num_prompts = flags.num_prompts;
    dataset.input_len = flags.input_len;
    dataset.output_len = flags.output_len;
    dataset.range_ratio = flags.range_ratio;
    dataset.seed = flags.seed;
    dataset.model = model;
    if (dataset.kind != "random" && dataset.path.empty())
        throw UsageError("--dataset " + dataset.kind + " needs a file: --dataset " + dataset.kind + " FILE");
    if (dataset.kind == "random" && !dataset.path.empty()) throw UsageError("--dataset random takes no file");
    std::vector<llm::ChatRequest> prompts;
    try {
        prompts = loadtest::load_requests(dataset);
    } catch (const loadtest::DatasetError& e) {
        throw UsageError(e.what());
    }
    llm::ClientOptions options = llm::ClientOptions::from_env();
    std::optional<sim::Server> simulator = co_await resolve_endpoint(options, flags.endpoint, sim::Config(), "bench");
    options.retry.max_retries = 0;  // a load test measures the server, not our retries
    // No retries and no limiter here: the whole call is the request that
    // --request-timeout bounds, streaming included.
    options.timeouts.attempt.reset();
    options.timeouts.total = from_seconds(flags.request_timeout_s);
    options.http.max_connections_per_origin =
        flags.max_concurrency > 0 ? static_cast<std::size_t>(flags.max_concurrency) : static_cast<std::size_t>(flags.num_prompts);
    llm::Client client(options);

    const std::vector<double> times = loadtest::send_times(flags.num_prompts, flags.request_rate, flags.burstiness, flags.seed);
    std::unique_ptr<Semaphore> slots;
    if (flags.max_concurrency > 0) slots = std::make_unique<Semaphore>(flags.max_concurrency);
    std::vector<loadtest::RequestResult> results(static_cast<std::size_t>(flags.num_prompts));
    for (llm::ChatRequest& request : prompts)
        if (flags.ignore_eos) request.extra["ignore_eos"] = true;
    std::vector<Task<>> requests;
    const TimePoint start = EventLoop::current()->now();
    Finished finished;
    for (std::size_t i = 0; i < prompts.size(); ++i)
        requests.push_back(one_request(client, std::move(prompts[i]), times[i], start, slots.get(), results[i], finished));
    fmt::print(stderr, "agentio bench: {} requests ({}), rate {}, burstiness {}, max concurrency {}\n", flags.num_prompts,
               dataset.path.empty() ? dataset.kind : dataset.kind + " " + dataset.path,
               std::isfinite(flags.request_rate) ? fmt::format("{:g}/s", flags.request_rate) : "inf", flags.burstiness,
               flags.max_concurrency > 0 ? std::to_string(flags.max_concurrency) : "unlimited");
    const int total = flags.num_prompts;
    std::function<std::string(Duration)> line = [&finished, total](Duration elapsed) {
        return progress_line(finished, total, elapsed);
    };
    TaskHandle<> showing = create_task(show_progress(std::move(line), "bench", start), "bench progress");
    co_await gather(std::move(requests));
    const double duration = since(start);
    showing.cancel();
    try {
        co_await showing;
    } catch (const CancelledError&) {
    }
    clear_progress_line();
    if (simulator) co_await simulator->shutdown();

    const loadtest::Summary summary = loadtest::summarize(results, duration, slo);
    // With a report on standard output, the table goes to stderr.
    const bool report_to_stdout = flags.json_path == kStdout || flags.html_path == kStdout;
    fmt::print(report_to_stdout ? stderr : stdout, "{}", loadtest::table(summary));
    nlohmann::json config = {{"base_url", options.base_url},      {"model", model},
                                   {"num_prompts", flags.num_prompts},  {"request_rate", std::isfinite(flags.request_rate) ? nlohmann::json(flags.request_rate) : nlohmann::json("inf")},
                                   {"burstiness", flags.burstiness},    {"max_concurrency", flags.max_concurrency},
                                   {"input_len", flags.input_len},      {"output_len", flags.output_len},
                                   {"seed", flags.seed}};
    config["dataset"] = dataset.kind;
    if (!dataset.path.empty()) config["dataset_path"] = dataset.path;
    config["ignore_eos"] = flags.ignore_eos;
    const nlohmann::json json = loadtest::to_json(summary, results, config);
    // Replace, not throw, on bytes that are not UTF-8 (an error page's text).
    if (!flags.json_path.empty()) write_report(flags.json_path, json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    if (!flags.html_path.empty()) write_report(flags.html_path, loadtest::html_report(json));
    if (summary.failed > 0) {
        for (const auto& r : results)
            if (!r.ok) {
                fmt::print(stderr, "agentio bench: {} of {} requests failed; the first: {}\n", summary.failed,
                           flags.num_prompts, r.error);
                break;
            }
        co_return exit_some_failed;
    }
    co_return exit_done;
}

Subcommand add_bench_command(CLI::App& app) {
    auto flags = std::make_shared<BenchFlags>();
    CLI::App* sub = app.add_subcommand("bench", "Load-test an OpenAI-compatible endpoint (TTFT, TPOT, ITL, E2EL, goodput)");
    flags->endpoint.add_options(*sub, "Model");
    sub->add_option("--num-prompts", flags->num_prompts, "Requests to send")->capture_default_str()->check(CLI::Range(1, 10000000));
    sub->add_option("--request-rate", flags->request_rate, "Requests per second (default: inf, all at once)")
        ->check(positive_or_inf());
    sub->add_option("--burstiness", flags->burstiness, "Gamma shape of the gaps (1: Poisson)")
        ->capture_default_str()
        ->check(positive_number());
    sub->add_option("--max-concurrency", flags->max_concurrency, "Requests in flight at once (default: no limit)")
        ->check(CLI::Range(1, 1000000));
    sub->add_option("--input-len", flags->input_len, "Prompt length, in tokens")->capture_default_str()->check(CLI::Range(1, 1000000));
    sub->add_option("--output-len", flags->output_len, "max_completion_tokens per request")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000000));
    sub->add_option("--range-ratio", flags->range_ratio, "Lengths drawn from [len*(1-r), len*(1+r)]")
        ->capture_default_str()
        ->check(number_in(0, 1));
    sub->add_option("--request-timeout", flags->request_timeout_s, "Seconds a request may take before it counts as failed")
        ->capture_default_str()
        ->check(seconds());
    sub->add_option("--seed", flags->seed, "Seed of the prompts and the schedule")->capture_default_str();
    sub->add_option("--dataset", flags->dataset,
                    "The requests: random (made-up prompts of --input-len tokens), jsonl FILE (as agentio batch reads "
                    "it), sharegpt FILE (ShareGPT JSON, as vllm samples it)")
        ->expected(1, 2)
        ->capture_default_str();
    sub->add_flag("--ignore-eos", flags->ignore_eos,
                  "Ask for exactly max_tokens tokens per reply (vLLM's ignore_eos; the simulator honours it)");
    sub->add_option("--goodput", flags->goodput, "SLOs in ms, e.g. ttft:300 tpot:50 e2el:2000")->expected(1, 3);
    sub->add_option("--json", flags->json_path, "Write the result (and every request's timings) as JSON (-: standard output)");
    sub->add_option("--html", flags->html_path, "Write a self-contained HTML report with plots (-: standard output)");
    sub->footer(
        "Examples:\n"
        "  agentio bench --num-prompts 500 --request-rate 50 --html report.html\n"
        "  agentio bench --base-url http://localhost:8000/v1 --model my-model --max-concurrency 64 --goodput ttft:500 tpot:50\n"
        "Exit codes: 0 every request succeeded, 1 some failed, 2 bad usage");
    Subcommand command;
    command.app = sub;
    command.run = [flags] {
        try {
            loadtest::Slo slo;
            try {
                slo = loadtest::parse_slo(flags->goodput);
            } catch (const Error& e) {
                throw UsageError(e.what());
            }
            return agentio::run(bench(*flags, slo));
        } catch (const UsageError& e) {
            fmt::print(stderr, "agentio bench: {}\n", e.what());
            return static_cast<int>(exit_bad_usage);
        } catch (const std::exception& e) {
            fmt::print(stderr, "agentio bench: {}\n", e.what());
            return static_cast<int>(exit_some_failed);
        }
    };
    command.examples = {"agentio bench --num-prompts 200 --request-rate 20 --html report.html"};
    return command;
}

const Registration bench_registration{20, add_bench_command};

}  // namespace
}  // namespace agentio::cli
