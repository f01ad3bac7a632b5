// batch_command.cpp: `agentio batch IN.jsonl -o OUT.jsonl`, the crash-safe
// batch processor.
//
// The run: read and check every input line (nothing is sent if one is bad);
// open the output, keeping the lines a previous run finished and cutting a
// torn last one; then `--concurrency` workers take the remaining lines in
// order, each call writing its line the moment it ends (or, with --ordered,
// as soon as every earlier line is written). A killed run therefore loses
// only calls in flight, and re-running the same command redoes exactly those.
//
// Ctrl-C (or SIGTERM) stops admitting lines and lets calls in flight finish;
// a second one cancels them (their lines are not written, so a re-run redoes
// them). Either way the output is whole lines and the run says how to resume.
#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

#include "agentio/core/capture.hpp"
#include "agentio/core/create_task.hpp"
#include "agentio/core/errors.hpp"
#include "agentio/core/run.hpp"
#include "agentio/core/semaphore.hpp"
#include "agentio/core/sleep.hpp"
#include "agentio/llm/client.hpp"
#include "agentio/net/signals.hpp"
#include "agentio/sim/server.hpp"
#include "batch/input.hpp"
#include "batch/output.hpp"
#include "batch/report.hpp"
#include "batch/result_line.hpp"
#include "batch/trace.hpp"
#include "commands.hpp"
#include "endpoint.hpp"
#include "validators.hpp"

namespace agentio::cli {
namespace {

using namespace std::chrono_literals;

struct BatchFlags {
    std::string input;
    std::string output;
    std::string base_url;
    std::string api_key;
    std::string model;  // empty: each line's own, or the simulator's model
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

// `arg` as the shell reads it back.
std::string shell_quoted(const std::string& arg) {
    const bool plain = !arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                             "0123456789-_./=:,+@%") == std::string::npos;
    if (plain) return arg;
    std::string quoted = "'";
    for (const char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

// The command line as typed, to tell the user how to resume; an API key
// given as a flag is shown as $OPENAI_API_KEY, never in clear (and the
// hint says to set it).
std::string own_command_line() {
    std::ifstream file("/proc/self/cmdline", std::ios::binary);
    std::vector<std::string> args;
    for (std::string arg; std::getline(file, arg, '\0');) args.push_back(std::move(arg));
    std::string line;
    bool key_hidden = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const bool key_value = i > 0 && args[i - 1] == "--api-key";
        const bool key_flag = args[i].starts_with("--api-key=");
        key_hidden = key_hidden || key_value || key_flag;
        if (!line.empty()) line += ' ';
        line += key_value ? "\"$OPENAI_API_KEY\"" : key_flag ? "--api-key=\"$OPENAI_API_KEY\"" : shell_quoted(args[i]);
    }
    if (key_hidden) line += "\n  (with OPENAI_API_KEY set to the key given with --api-key)";
    return line;
}

// Everything the workers share.
struct Run {
    const BatchFlags& flags;
    std::vector<batch::Item> items;  // the lines still to do, in input order
    llm::Client& client;
    batch::OutputFile& output;
    batch::Tally& tally;
    std::optional<batch::TraceWriter>& trace;
    std::size_t next = 0;       // the next item to admit
    bool stopping = false;      // no more admissions (Ctrl-C, or the output failed)
    std::exception_ptr write_error{};
    std::exception_ptr internal_error{};  // a line that could not be made; the run stops
    // --ordered: a line is admitted only with a permit, given back when its
    // line is written, so lines finished ahead of a slow one wait in memory
    // in bounded number (and a kill loses few finished calls).
    std::unique_ptr<Semaphore> window{};
    struct Held {
        std::optional<std::string> line;  // none: nothing to write (a re-run redoes it)
        Semaphore::Permit permit;
    };
    std::map<std::size_t, Held> held{};  // by item index
    std::size_t next_to_write = 0;
};

void append(Run& run, const std::string& line) {
    if (run.write_error) return;
    try {
        run.output.append(line);
    } catch (...) {
        run.write_error = std::current_exception();
        run.stopping = true;
    }
}

// Every finished call comes here, with a line or without one, so that
// --ordered moves past it either way and the window never stalls.
void write_line(Run& run, std::size_t index, std::optional<std::string> line, Semaphore::Permit permit) {
    if (!run.flags.ordered) {
        if (line) append(run, *line);
        return;
    }
    run.held.emplace(index, Run::Held{std::move(line), std::move(permit)});
    for (auto it = run.held.begin(); it != run.held.end() && it->first == run.next_to_write;
         it = run.held.erase(it), ++run.next_to_write)
        if (it->second.line) append(run, *it->second.line);
}

// --ordered, after calls were cancelled: the lines that finished behind one
// that never will are written anyway, out of turn; a paid-for reply is
// worth more than the order, and a re-run redoes only the missing lines.
std::size_t write_held_out_of_order(Run& run) {
    std::size_t written = 0;
    for (auto& [index, held] : run.held) {
        if (!held.line) continue;
        append(run, *held.line);
        if (!run.write_error) ++written;
    }
    run.held.clear();
    return written;
}

// One line's reply: the whole body, or the stream assembled with --stream.
Task<llm::ChatResponse> reply_to(Run& run, const batch::Item& item, llm::RequestRecord& record) {
    if (!run.flags.stream) co_return co_await run.client.chat(item.request, record);
    llm::ChatStream stream = co_await run.client.chat_stream(item.request, record);
    while (co_await stream.next()) {
    }
    co_return stream.response();
}

Task<> one_call(Run& run, std::size_t index, int slot, Semaphore::Permit permit) {
    const batch::Item& item = run.items[index];
    llm::RequestRecord record;
    Outcome<llm::ChatResponse> reply = co_await capture(reply_to(run, item, record));
    // A second Ctrl-C: this line is not written, a re-run redoes it.
    if (reply.cancelled()) std::rethrow_exception(reply.error());
    const std::exception_ptr error = reply.error();
    const bool ok = !error;
    // The result line first: it is what the run is for; the rest is reporting.
    std::optional<std::string> line;
    try {
        line = ok ? batch::success_line(item, reply.value(), record) : batch::failure_line(item, error);
    } catch (...) {
        if (!run.internal_error) run.internal_error = std::current_exception();
        run.stopping = true;
    }
    write_line(run, index, std::move(line), std::move(permit));
    run.tally.add(record, batch::outcome_label(record, error), ok);
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
        Semaphore::Permit permit;
        if (run.window) {
            permit = co_await run.window->acquire();
            if (run.stopping || run.next >= run.items.size()) break;
        }
        co_await one_call(run, run.next++, slot, std::move(permit));
    }
}

Task<> show_progress(const Run& run, TimePoint start, bool terminal) {
    const Duration every = terminal ? 250ms : 5s;
    for (;;) {
        co_await sleep(every);
        const std::string line = run.tally.progress_line(EventLoop::current()->now() - start);
        if (terminal) fmt::print(stderr, "\r\033[2K{}", line);
        else fmt::print(stderr, "agentio batch: {}\n", line);
        std::fflush(stderr);
    }
}

// First signal (already blocked by the caller): stop admitting; second:
// cancel the calls in flight.
Task<> watch_signals(Task<int> first, Run& run, std::vector<TaskHandle<>>& workers, bool& interrupted) {
    co_await std::move(first);
    interrupted = true;
    run.stopping = true;
    fmt::print(stderr, "\nagentio batch: stopping: letting the calls in flight finish (Ctrl-C again to cancel them)\n");
    Task<int> second = net::wait_for_signal({SIGINT, SIGTERM});  // g++ 12: no braced list inside co_await
    co_await std::move(second);
    for (TaskHandle<>& w : workers) w.cancel();
}

Task<int> run_batch(BatchFlags flags) {
    // Blocked before anything starts, so no Ctrl-C falls between the cracks.
    Task<int> first_signal = net::wait_for_signal({SIGINT, SIGTERM});
    // A file size limit (ulimit -f) is then EFBIG from write(), reported
    // like a full disk, instead of a silent kill.
    std::signal(SIGXFSZ, SIG_IGN);

    if (batch::OutputFile::is_same_file(flags.output, flags.input))
        throw Error("the output " + flags.output + " is the input file; give -o another path");
    if (!flags.trace.empty() && (flags.trace == flags.output || batch::OutputFile::is_same_file(flags.trace, flags.input) ||
                                 batch::OutputFile::is_same_file(flags.trace, flags.output)))
        throw Error("the trace " + flags.trace + " would overwrite the input or the output; give --trace another path");
    // A real endpoint has no default model: a line without one is refused
    // here rather than sent to fail, thousands of times over.
    const std::string default_model = !flags.model.empty() ? flags.model : endpoint_named(flags.base_url) ? "" : "sim-small";
    batch::Input input = batch::read_input(flags.input, default_model);
    for (const std::string& problem : input.problems) fmt::print(stderr, "{}\n", problem);
    if (!input.problems.empty()) {
        if (!flags.skip_invalid) {
            fmt::print(stderr, "agentio batch: {} invalid line(s); nothing was sent (fix them, or pass --skip-invalid)\n",
                       input.problems.size());
            co_return exit_bad_usage;
        }
        fmt::print(stderr, "agentio batch: skipping {} invalid line(s)\n", input.problems.size());
    }

    batch::Existing found;
    std::unordered_set<std::string> input_ids;  // --retry-failed redoes failures of this input only
    if (flags.retry_failed)
        for (const batch::Item& item : input.items) input_ids.insert(item.custom_id);
    batch::OutputFile output = batch::OutputFile::open(flags.output, found, flags.retry_failed ? &input_ids : nullptr);
    if (found.repaired) fmt::print(stderr, "agentio batch: {}: removed a torn last line (it is redone)\n", flags.output);
    if (found.dropped > 0)
        fmt::print(stderr, "agentio batch: {}: removed {} failed line(s) to redo them (--retry-failed)\n", flags.output,
                   found.dropped);
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
    if (todo.empty()) {
        if (found.failed == 0) {
            fmt::print(stderr, "agentio batch: nothing to do: every line is done\n");
            co_return exit_done;
        }
        fmt::print(stderr, "agentio batch: nothing to do, but {} line(s) in {} record a failure; --retry-failed redoes them\n",
                   found.failed, flags.output);
        co_return exit_some_failed;
    }

    llm::ClientOptions options = llm::ClientOptions::from_env();
    sim::Config simulated;
    simulated.latency.time_to_first_token = from_milliseconds(flags.sim_ttft_ms);
    simulated.latency.inter_token = from_milliseconds(flags.sim_itl_ms);
    std::optional<sim::Server> simulator =
        co_await resolve_endpoint(options, flags.base_url, flags.api_key, simulated, "batch");
    if (!simulator) fmt::print(stderr, "agentio batch: sending to {}\n", options.base_url);
    options.retry.max_retries = flags.max_retries;
    if (flags.rpm) options.rate_limits.requests_per_minute = *flags.rpm;
    if (flags.tpm) options.rate_limits.tokens_per_minute = *flags.tpm;
    // The per-attempt timeout (10 min) bounds a server that never answers;
    // a total one would also count the limiter's wait, which --rpm makes long.
    options.timeouts.total.reset();
    if (flags.timeout_s) options.timeouts.total = from_seconds(*flags.timeout_s);
    if (flags.first_token_timeout_s) options.timeouts.first_token = from_seconds(*flags.first_token_timeout_s);
    const std::size_t slots = std::min(flags.concurrency, todo.size());
    options.http.max_connections_per_origin = slots;
    llm::Client client(options);

    const TimePoint start = EventLoop::current()->now();
    std::optional<batch::TraceWriter> trace;
    if (!flags.trace.empty()) trace.emplace(flags.trace, start, static_cast<int>(slots));
    batch::Tally tally(total, already);
    Run run{.flags = flags, .items = std::move(todo), .client = client, .output = output, .tally = tally, .trace = trace};
    if (flags.ordered) run.window = std::make_unique<Semaphore>(4 * slots);
    fmt::print(stderr, "agentio batch: {} lines to do, {} at a time{}\n", run.items.size(), slots,
               flags.stream ? ", streamed" : "");

    std::vector<TaskHandle<>> workers;
    for (std::size_t slot = 0; slot < slots; ++slot)
        workers.push_back(create_task(worker(run, static_cast<int>(slot)), "batch worker"));
    const bool terminal = ::isatty(STDERR_FILENO) == 1;
    TaskHandle<> progress = create_task(show_progress(run, start, terminal), "batch progress");
    bool interrupted = false;
    TaskHandle<> signals =
        create_task(watch_signals(std::move(first_signal), run, workers, interrupted), "batch signals");

    bool cancelled = false;
    for (TaskHandle<>& w : workers) {
        try {
            co_await w;
        } catch (const CancelledError&) {
            cancelled = true;
        } catch (...) {  // a worker's own bug; the others still finish
            if (!run.internal_error) run.internal_error = std::current_exception();
            run.stopping = true;
        }
    }
    const std::size_t out_of_turn = write_held_out_of_order(run);
    progress.cancel();
    signals.cancel();
    const Duration elapsed = EventLoop::current()->now() - start;
    if (terminal) fmt::print(stderr, "\r\033[2K");
    fmt::print(stderr, "agentio batch: {}\n", tally.progress_line(elapsed));
    if (trace) {
        trace->close();
        if (!trace->failure().empty()) fmt::print(stderr, "agentio batch: {}\n", trace->failure());
    }
    if (simulator) co_await simulator->shutdown();

    fmt::print(stderr, "{}", tally.summary(elapsed));
    fmt::print(stderr, "  output       {} ({} lines written this run)\n", flags.output, output.lines_written());
    if (trace) fmt::print(stderr, "  trace        {} (open in https://ui.perfetto.dev)\n", flags.trace);
    if (!input.problems.empty())
        fmt::print(stderr, "  skipped      {} invalid input line(s) (--skip-invalid)\n", input.problems.size());
    if (out_of_turn > 0)
        fmt::print(stderr, "agentio batch: {} finished line(s) were written out of input order, behind calls that were cancelled\n",
                   out_of_turn);
    if (run.internal_error) fmt::print(stderr, "agentio batch: {}\n", describe(run.internal_error));
    const std::size_t unwritten = run.items.size() - static_cast<std::size_t>(output.lines_written());
    if (run.write_error) {
        fmt::print(stderr, "agentio batch: {}\n", describe(run.write_error));
        fmt::print(stderr, "agentio batch: every line written is whole; free space, then resume with:\n  {}\n",
                   own_command_line());
        co_return exit_some_failed;
    }
    if (unwritten > 0) {
        fmt::print(stderr, "agentio batch: interrupted with {} line(s) not done; resume with:\n  {}\n", unwritten,
                   own_command_line());
        co_return exit_some_failed;
    }
    if (interrupted || cancelled) fmt::print(stderr, "agentio batch: interrupted, but every line was already done\n");
    co_return tally.failed() > 0 || run.internal_error ? exit_some_failed : exit_done;
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
    sub->add_option("--base-url", flags->base_url, "API base URL (else OPENAI_BASE_URL, else the embedded simulator)");
    sub->add_option("--api-key", flags->api_key, "API key (else OPENAI_API_KEY)");
    sub->add_option("--model", flags->model, "Model for lines that name none (default: the simulator's, sim-small)");
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

const Registration registration{10, add_batch_command};

}  // namespace
}  // namespace agentio::cli
