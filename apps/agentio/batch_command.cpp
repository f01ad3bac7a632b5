// batch_command.cpp: `agentio batch IN.jsonl -o OUT.jsonl`, the crash-safe
// batch processor.
//
// The run, step by step: check the paths; read and check every input line
// (nothing is sent if one is bad); open the output, keeping the lines a
// previous run finished and cutting a torn last one; then `--concurrency`
// workers, under one task group, take the remaining lines in order, each call
// writing its line the moment it ends (or, with --ordered, as soon as every
// earlier line is written). A killed run therefore loses only calls in
// flight, and re-running the same command redoes exactly those.
//
// Ctrl-C (or SIGTERM) stops admitting lines and lets calls in flight finish;
// a second one cancels the workers' group (their lines are not written, so a
// re-run redoes them). Either way the output is whole lines and the run says
// how to resume.
#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "agentio/core/capture.hpp"
#include "agentio/core/create_task.hpp"
#include "agentio/core/errors.hpp"
#include "agentio/core/run.hpp"
#include "agentio/core/sleep.hpp"
#include "agentio/core/task_group.hpp"
#include "agentio/llm/client.hpp"
#include "agentio/net/signals.hpp"
#include "agentio/sim/server.hpp"
#include "batch/input.hpp"
#include "batch/line_writer.hpp"
#include "batch/output.hpp"
#include "batch/report.hpp"
#include "batch/result_line.hpp"
#include "batch/resume_hint.hpp"
#include "batch/trace.hpp"
#include "commands.hpp"
#include "endpoint.hpp"
#include "progress.hpp"
#include "validators.hpp"

namespace agentio::cli {
namespace {

using namespace std::chrono_literals;

struct BatchFlags {
    std::string input;
    std::string output;
    EndpointFlags endpoint;  // --model: for lines that name none
    std::size_t concurrency = 64;
    std::optional<double> rpm;
    std::optional<double> tpm;
    int max_retries = 2;
    std::optional<double> timeout_s;
    std::optional<double> first_token_timeout_s;
    bool stream = false;
    bool ordered = false;
    bool skip_invalid = false;
    bool retry_failed = false;
    std::string trace;
    double sim_ttft_ms = 300;
    double sim_itl_ms = 10;
};

void check_paths(const BatchFlags& flags) {
    if (batch::OutputFile::is_same_file(flags.output, flags.input))
        throw Error("the output " + flags.output + " is the input file; give -o another path");
    if (!flags.trace.empty() && (flags.trace == flags.output || batch::OutputFile::is_same_file(flags.trace, flags.input) ||
                                 batch::OutputFile::is_same_file(flags.trace, flags.output)))
        throw Error("the trace " + flags.trace + " would overwrite the input or the output; give --trace another path");
}

// Every bad line is named; unless --skip-invalid, none is sent (exit 2).
std::optional<int> refuse_bad_lines(const batch::Input& input, const BatchFlags& flags) {
    for (const std::string& problem : input.problems) fmt::print(stderr, "{}\n", problem);
    if (input.problems.empty()) return std::nullopt;
    if (!flags.skip_invalid) {
        fmt::print(stderr, "agentio batch: {} invalid line(s); nothing was sent (fix them, or pass --skip-invalid)\n",
                   input.problems.size());
        return exit_bad_usage;
    }
    fmt::print(stderr, "agentio batch: skipping {} invalid line(s)\n", input.problems.size());
    return std::nullopt;
}

// The output, opened and locked, with what a previous run left in it.
batch::OutputFile open_output(const BatchFlags& flags, const batch::Input& input, batch::Existing& found) {
    std::unordered_set<std::string> input_ids;  // --retry-failed redoes failures of this input only
    if (flags.retry_failed)
        for (const batch::Item& item : input.items) input_ids.insert(item.custom_id);
    batch::OutputFile output = batch::OutputFile::open(flags.output, found, flags.retry_failed ? &input_ids : nullptr);
    if (found.repaired) fmt::print(stderr, "agentio batch: {}: removed a torn last line (it is redone)\n", flags.output);
    if (found.dropped > 0)
        fmt::print(stderr, "agentio batch: {}: removed {} failed line(s) to redo them (--retry-failed)\n", flags.output,
                   found.dropped);
    return output;
}

// The input lines the output does not hold yet, in input order.
std::vector<batch::Item> remaining_items(batch::Input& input, const batch::Existing& found, const BatchFlags& flags) {
    const std::size_t total = input.items.size();
    std::vector<batch::Item> todo;
    for (batch::Item& item : input.items)
        if (!found.done.count(item.custom_id)) todo.push_back(std::move(item));
    const std::size_t already = total - todo.size();
    if (already > 0) fmt::print(stderr, "agentio batch: resuming: {} of {} lines already in {}\n", already, total, flags.output);
    // Lines of another input: kept (they are someone's results), but said,
    // since a resume that matched them would skip the wrong work.
    if (found.done.size() > already)
        fmt::print(stderr, "agentio batch: {} line(s) in {} have a custom_id that is not in {} (kept as they are)\n",
                   found.done.size() - already, flags.output, flags.input);
    return todo;
}

int nothing_to_do(const BatchFlags& flags, const batch::Existing& found) {
    if (found.failed == 0) {
        fmt::print(stderr, "agentio batch: nothing to do: every line is done\n");
        return exit_done;
    }
    fmt::print(stderr, "agentio batch: nothing to do, but {} line(s) in {} record a failure; --retry-failed redoes them\n",
               found.failed, flags.output);
    return exit_some_failed;
}

llm::ClientOptions client_options(const BatchFlags& flags, std::size_t slots) {
    llm::ClientOptions options = llm::ClientOptions::from_env();
    options.retry.max_retries = flags.max_retries;
    if (flags.rpm) options.rate_limits.requests_per_minute = *flags.rpm;
    if (flags.tpm) options.rate_limits.tokens_per_minute = *flags.tpm;
    // The per-attempt timeout (10 min) bounds a server that never answers;
    // a total one would also count the limiter's wait, which --rpm makes long.
    options.timeouts.total.reset();
    if (flags.timeout_s) options.timeouts.total = from_seconds(*flags.timeout_s);
    if (flags.first_token_timeout_s) options.timeouts.first_token = from_seconds(*flags.first_token_timeout_s);
    options.http.max_connections_per_origin = slots;
    return options;
}

// What the workers share while the run goes on.
struct Run {
    const BatchFlags& flags;
    std::vector<batch::Item> items;  // the lines still to do, in input order
    llm::Client& client;
    batch::LineWriter& writer;
    batch::Tally& tally;
    std::optional<batch::TraceWriter>& trace;
    std::size_t next = 0;                 // the next item to admit
    bool stopping = false;                // no more admissions: Ctrl-C, a failed write, a bug
    bool interrupted = false;             // a first Ctrl-C came
    bool cancelled = false;               // a second one cancelled the calls in flight
    TaskGroup* workers = nullptr;         // while they run
    std::exception_ptr internal_error{};  // a line that could not be made, or a worker's bug
};

// One input line: the call, then its result line, then the reporting.
Task<> one_call(Run& run, std::size_t index, int slot, Semaphore::Permit place) {
    const batch::Item& item = run.items[index];
    const auto delivery = run.flags.stream ? llm::Client::Delivery::Streamed : llm::Client::Delivery::Whole;
    // Named fields, not a structured binding: g++ 12 can destroy a binding's
    // object twice inside a coroutine.
    llm::Recorded<llm::ChatResponse> call = co_await run.client.chat_recorded(item.request, delivery);
    Outcome<llm::ChatResponse>& reply = call.outcome;
    const llm::RequestRecord& record = call.record;
    // A second Ctrl-C: this line is not written, a re-run redoes it.
    if (reply.cancelled()) std::rethrow_exception(reply.error());
    const std::exception_ptr error = reply.error();
    // The result line first: it is what the run is for; the rest is reporting.
    std::optional<std::string> line;
    try {
        line = error ? batch::failure_line(item, error) : batch::success_line(item, reply.value(), record);
    } catch (...) {
        if (!run.internal_error) run.internal_error = std::current_exception();
        run.stopping = true;
    }
    run.writer.finished(index, std::move(line), std::move(place));
    if (run.writer.error()) run.stopping = true;
    run.tally.add(record, batch::outcome_label(record, error), !error);
    if (run.trace) {
        run.trace->add(slot, item.custom_id, record);
        if (!run.trace->failure().empty()) {
            fmt::print(stderr, "\nagentio batch: {} (the output is not affected)\n", run.trace->failure());
            run.trace.reset();
        }
    }
}

Task<> worker(Run& run, int slot) {
    while (!run.stopping && run.next < run.items.size()) {
        Semaphore::Permit place = co_await run.writer.reserve();
        if (run.stopping || run.next >= run.items.size()) break;
        co_await one_call(run, run.next++, slot, std::move(place));
    }
}

// First signal (already blocked by the caller): stop admitting; second:
// cancel the calls in flight.
Task<> watch_signals(Task<int> first, Run& run) {
    co_await std::move(first);
    run.interrupted = true;
    run.stopping = true;
    fmt::print(stderr, "\nagentio batch: stopping: letting the calls in flight finish (Ctrl-C again to cancel them)\n");
    Task<int> second = net::wait_for_signal({SIGINT, SIGTERM});  // g++ 12: no braced list inside co_await
    co_await std::move(second);
    run.cancelled = true;
    if (run.workers) run.workers->cancel();
}

// The workers under one group, with the progress line and the signal
// watcher beside them for exactly as long.
Task<> process(Run& run, std::size_t slots, Task<int> first_signal, TimePoint start) {
    std::function<std::string(Duration)> progress_line = [&run](Duration elapsed) { return run.tally.progress_line(elapsed); };
    co_await task_group([&](TaskGroup& watchers) -> Task<> {
        watchers.create_task(show_progress(std::move(progress_line), "batch", start), "batch progress");
        watchers.create_task(watch_signals(std::move(first_signal), run), "batch signals");
        try {
            co_await task_group([&](TaskGroup& workers) -> Task<> {
                run.workers = &workers;
                for (std::size_t slot = 0; slot < slots; ++slot)
                    workers.create_task(worker(run, static_cast<int>(slot)), "batch worker");
                co_return;
            });
        } catch (const ExceptionGroup& bugs) {  // one_call keeps every call's own error: this is ours
            if (!run.internal_error) run.internal_error = bugs.exceptions().front();
        }
        run.workers = nullptr;
        watchers.cancel();
    });
}

// The end of the run: what was done, and how to go on if something was not.
int conclude(const Run& run, const BatchFlags& flags, const batch::OutputFile& output, std::size_t skipped,
             std::size_t out_of_turn, Duration elapsed) {
    fmt::print(stderr, "{}", run.tally.summary(elapsed));
    fmt::print(stderr, "  output       {} ({} lines written this run)\n", flags.output, output.lines_written());
    if (run.trace) fmt::print(stderr, "  trace        {} (open in https://ui.perfetto.dev)\n", flags.trace);
    if (skipped > 0) fmt::print(stderr, "  skipped      {} invalid input line(s) (--skip-invalid)\n", skipped);
    if (out_of_turn > 0)
        fmt::print(stderr, "agentio batch: {} finished line(s) were written out of input order, behind calls that were cancelled\n",
                   out_of_turn);
    if (run.internal_error) fmt::print(stderr, "agentio batch: {}\n", describe(run.internal_error));
    if (run.writer.error()) {
        fmt::print(stderr, "agentio batch: {}\n", describe(run.writer.error()));
        fmt::print(stderr, "agentio batch: every line written is whole; free space, then resume with:\n  {}\n",
                   batch::resume_command());
        return exit_some_failed;
    }
    const std::size_t unwritten = run.items.size() - static_cast<std::size_t>(output.lines_written());
    if (unwritten > 0) {
        fmt::print(stderr, "agentio batch: interrupted with {} line(s) not done; resume with:\n  {}\n", unwritten,
                   batch::resume_command());
        return exit_some_failed;
    }
    if (run.interrupted || run.cancelled) fmt::print(stderr, "agentio batch: interrupted, but every line was already done\n");
    return run.tally.failed() > 0 || run.internal_error ? exit_some_failed : exit_done;
}

Task<int> run_batch(BatchFlags flags) {
    // Blocked before anything starts, so no Ctrl-C falls between the cracks.
    Task<int> first_signal = net::wait_for_signal({SIGINT, SIGTERM});
    // A file size limit (ulimit -f) is then EFBIG from write(), reported
    // like a full disk, instead of a silent kill.
    std::signal(SIGXFSZ, SIG_IGN);

    check_paths(flags);
    // A named endpoint has no default model: a line without one is refused
    // here rather than sent to fail, thousands of times over.
    batch::Input input = batch::read_input(flags.input, flags.endpoint.model_or_default());
    if (const std::optional<int> refused = refuse_bad_lines(input, flags)) co_return *refused;
    batch::Existing found;
    batch::OutputFile output = open_output(flags, input, found);
    const std::size_t total = input.items.size();
    std::vector<batch::Item> todo = remaining_items(input, found, flags);
    if (todo.empty()) co_return nothing_to_do(flags, found);

    const std::size_t slots = std::min(flags.concurrency, todo.size());
    llm::ClientOptions options = client_options(flags, slots);
    sim::Config simulated;
    simulated.latency.time_to_first_token = from_milliseconds(flags.sim_ttft_ms);
    simulated.latency.inter_token = from_milliseconds(flags.sim_itl_ms);
    std::optional<sim::Server> simulator = co_await resolve_endpoint(options, flags.endpoint, simulated, "batch");
    llm::Client client(options);  // refuses a bad base URL before it is named
    if (!simulator) fmt::print(stderr, "agentio batch: sending to {}\n", options.base_url);

    const TimePoint start = EventLoop::current()->now();
    std::optional<batch::TraceWriter> trace;
    if (!flags.trace.empty()) trace.emplace(flags.trace, start, static_cast<int>(slots));
    batch::Tally tally(total, total - todo.size());
    batch::LineWriter writer(output, flags.ordered, 4 * slots);
    Run run{.flags = flags, .items = std::move(todo), .client = client, .writer = writer, .tally = tally, .trace = trace};
    fmt::print(stderr, "agentio batch: {} lines to do, {} at a time{}\n", run.items.size(), slots,
               flags.stream ? ", streamed" : "");

    co_await process(run, slots, std::move(first_signal), start);
    const std::size_t out_of_turn = writer.write_held_out_of_turn();
    const Duration elapsed = EventLoop::current()->now() - start;
    clear_progress_line();
    fmt::print(stderr, "agentio batch: {}\n", tally.progress_line(elapsed));
    if (trace) {
        trace->close();
        if (!trace->failure().empty()) fmt::print(stderr, "agentio batch: {}\n", trace->failure());
    }
    if (simulator) co_await simulator->shutdown();
    co_return conclude(run, flags, output, input.problems.size(), out_of_turn, elapsed);
}

int run_batch_command(const BatchFlags& flags) {
    try {
        return agentio::run(run_batch(flags));
    } catch (const std::exception& e) {
        fmt::print(stderr, "agentio batch: {}\n", e.what());
        return exit_bad_usage;
    }
}

Subcommand add_batch_command(CLI::App& app) {
    auto flags = std::make_shared<BatchFlags>();
    CLI::App* sub = app.add_subcommand("batch", "Run a JSONL file of chat requests, crash-safe and resumable");
    sub->add_option("input", flags->input, "Input JSONL: OpenAI Batch API lines, or {\"prompt\": ...} / {\"messages\": ...}")
        ->required()
        ->check(CLI::ExistingFile);
    sub->add_option("-o,--output", flags->output, "Output JSONL (OpenAI Batch output format); appended, resumable")
        ->required();
    flags->endpoint.add_options(*sub, "Model for lines that name none");
    sub->add_option("--concurrency", flags->concurrency, "Requests in flight at once")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
    sub->add_option("--rpm", flags->rpm, "Requests per minute the client allows itself")->check(positive_number());
    sub->add_option("--tpm", flags->tpm, "Tokens per minute the client allows itself")->check(positive_number());
    sub->add_option("--max-retries", flags->max_retries, "Retries per request")->capture_default_str()->check(CLI::Range(0, 100));
    sub->add_option("--timeout", flags->timeout_s,
                    "Seconds per request, retries and rate-limit waits included (default: none; each attempt gets 600)")
        ->check(seconds());
    sub->add_option("--first-token-timeout", flags->first_token_timeout_s, "Seconds to the first token (streaming)")
        ->check(seconds());
    sub->add_flag("--stream", flags->stream, "Stream each reply (time to first token is measured)");
    sub->get_option("--first-token-timeout")->needs("--stream");
    sub->add_flag("--ordered", flags->ordered, "Write output lines in input order");
    sub->add_flag("--skip-invalid", flags->skip_invalid, "Skip invalid input lines instead of refusing to start");
    sub->add_flag("--retry-failed", flags->retry_failed, "Redo the lines a previous run wrote as failed");
    sub->add_option("--trace", flags->trace, "Write a Chrome trace (Perfetto) of the run");
    sub->add_option("--sim-ttft-ms", flags->sim_ttft_ms, "Embedded simulator: time to first token")
        ->capture_default_str()
        ->check(milliseconds());
    sub->add_option("--sim-itl-ms", flags->sim_itl_ms, "Embedded simulator: time between tokens")
        ->capture_default_str()
        ->check(milliseconds());
    sub->footer(
        "Examples:\n"
        "  agentio batch examples/prompts.jsonl -o out.jsonl                 # the embedded simulator\n"
        "  agentio batch in.jsonl -o out.jsonl --base-url https://api.openai.com/v1 --rpm 500 --stream\n"
        "  (after a crash or Ctrl-C, run the same command again: finished lines are kept;\n"
        "   add --retry-failed to redo the lines that failed)\n"
        "Exit codes: 0 all lines succeeded, 1 some failed or the run was interrupted, 2 bad usage or input");
    Subcommand command;
    command.app = sub;
    command.run = [flags] { return run_batch_command(*flags); };
    command.examples = {"agentio batch examples/prompts.jsonl -o out.jsonl --trace trace.json"};
    return command;
}

const Registration batch_registration{10, add_batch_command};

}  // namespace
}  // namespace agentio::cli
