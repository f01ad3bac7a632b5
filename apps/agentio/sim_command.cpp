// sim_command.cpp: `agentio sim`, the OpenAI-compatible simulator as a
// standalone server.
//
// Its first line on stdout names the base URL (with the port actually bound,
// for --port 0) and is flushed at once: scripts and tests read the port from
// it. It serves until SIGINT or SIGTERM, then shuts down gracefully and exits
// 0. The signals are blocked before the server starts, so a signal sent as
// soon as that line is read is never lost. The API key is never printed.
//
// Any model name is served unless --models lists the ones to serve;
// --model-profile gives one model its own latency ("gpt-4o:500ms,30ms").
#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agentio/core/run.hpp"
#include "agentio/net/signals.hpp"
#include "agentio/sim/config.hpp"
#include "agentio/sim/server.hpp"
#include "agentio/sim/tool_policy.hpp"
#include "commands.hpp"
#include "validators.hpp"

namespace agentio::cli {

namespace {

// One flag per kind of fault, in the order help and the banner list them.
struct FaultKind {
    const char* flag;
    const char* label;  // in the banner
    double sim::Faults::*rate;
    const char* help;
};
constexpr FaultKind fault_kinds[] = {
    {"--fault-429", "429", &sim::Faults::status_429, "Fraction of requests answered 429"},
    {"--fault-500", "500", &sim::Faults::status_500, "Fraction of requests answered 500"},
    {"--fault-503", "503", &sim::Faults::status_503, "Fraction of requests answered 503"},
    {"--fault-reset", "reset", &sim::Faults::reset_mid_stream, "Fraction of streams whose connection is reset midway"},
    {"--fault-stall", "stall", &sim::Faults::stall, "Fraction of responses that stop sending without closing"},
    {"--fault-malformed", "malformed", &sim::Faults::malformed_chunk, "Fraction of streams with a chunk that is not JSON"},
};
constexpr std::size_t fault_kind_count = std::size(fault_kinds);

double to_ms(Duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

// The flags as given. CLI11 writes straight into `config` where the types
// agree; the rest is carried over by finish_config().
struct SimFlags {
    sim::Config config;
    int port = 8000;
    double ttft_ms = to_ms(config.latency.time_to_first_token);
    double itl_ms = to_ms(config.latency.inter_token);
    std::int64_t rpm = 0;
    std::int64_t tpm = 0;
    double fault_rate = 0;
    std::array<double, fault_kind_count> fault_rates{};
    std::string api_key;
    std::vector<std::string> models;    // comma-separated lists, one per --models
    std::vector<std::string> profiles;  // NAME:TTFT,ITL each
    std::string tool_policy = "auto";

    // Whether a flag was given at all is what sets a limit or a fault kind.
    CLI::Option* rpm_option = nullptr;
    CLI::Option* tpm_option = nullptr;
    std::array<CLI::Option*, fault_kind_count> fault_options{};
};

// A delay as --model-profile writes it: "300ms", "0.02s", or a bare number
// of milliseconds (as --ttft-ms reads it); 0 to 1e9 ms.
std::optional<Duration> duration_of(std::string_view text) {
    double scale = 1;  // to milliseconds
    if (text.size() > 2 && text.substr(text.size() - 2) == "ms") {
        text.remove_suffix(2);
    } else if (text.size() > 1 && text.back() == 's') {
        text.remove_suffix(1);
        scale = 1000;
    }
    if (text.empty()) return std::nullopt;
    const std::string number(text);
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(number.c_str(), &end);
    if (end != number.c_str() + number.size() || errno == ERANGE || !std::isfinite(value)) return std::nullopt;
    const double ms = value * scale;
    if (!(ms >= 0 && ms <= 1e9)) return std::nullopt;
    return from_milliseconds(ms);
}

// "NAME:TTFT,ITL" into the profile of NAME. The name ends at the last ':',
// so names with colons ("ft:gpt-4o-mini:acme::abc123") work.
std::pair<std::string, sim::ModelProfile> parse_profile(const std::string& text, const sim::LatencyModel& defaults) {
    const std::size_t colon = text.rfind(':');
    const std::size_t comma = text.find(',', colon == std::string::npos ? 0 : colon);
    const auto wrong = [&text](const std::string& why) {
        return CLI::ValidationError("--model-profile",
                                    fmt::format("\"{}\": {} (expected NAME:TTFT,ITL, e.g. gpt-4o:500ms,30ms)", text, why));
    };
    if (colon == std::string::npos || colon == 0 || comma == std::string::npos) throw wrong("not NAME:TTFT,ITL");
    const std::optional<Duration> ttft = duration_of(std::string_view(text).substr(colon + 1, comma - colon - 1));
    const std::optional<Duration> itl = duration_of(std::string_view(text).substr(comma + 1));
    if (!ttft || !itl) throw wrong("a delay is not a duration from 0 to 1e9 ms (300ms, 0.3s or 300)");
    sim::ModelProfile profile;
    profile.latency = defaults;
    profile.latency.time_to_first_token = *ttft;
    profile.latency.inter_token = *itl;
    return {text.substr(0, colon), profile};
}

// Called by CLI11 once the subcommand's flags are parsed: checks that span
// flags, then the config. A CLI::ValidationError here exits 2 like any
// other bad flag.
void finish_config(SimFlags& flags) {
    sim::Config& config = flags.config;
    if (config.output.min_tokens > config.output.max_tokens)
        throw CLI::ValidationError("--min-tokens",
                                   fmt::format("{} is above --max-tokens {}", config.output.min_tokens,
                                               config.output.max_tokens));
    config.port = static_cast<std::uint16_t>(flags.port);
    config.latency.time_to_first_token = from_milliseconds(flags.ttft_ms);
    config.latency.inter_token = from_milliseconds(flags.itl_ms);
    if (flags.rpm_option->count() > 0) config.limits.requests_per_minute = flags.rpm;
    if (flags.tpm_option->count() > 0) config.limits.tokens_per_minute = flags.tpm;

    // --fault-rate spreads over every kind; a per-kind flag then overrides its kind.
    const Duration stall_for = config.faults.stall_for;
    config.faults = sim::Faults::spread(flags.fault_rate);
    config.faults.stall_for = stall_for;
    for (std::size_t i = 0; i < fault_kind_count; ++i)
        if (flags.fault_options[i]->count() > 0) config.faults.*fault_kinds[i].rate = flags.fault_rates[i];

    const std::optional<sim::ToolPolicy> policy = sim::parse_tool_policy(flags.tool_policy);
    if (!policy)
        throw CLI::ValidationError("--tool-policy",
                                   fmt::format("\"{}\" is not a tool policy (expected auto, none or all)", flags.tool_policy));
    config.tool_policy = *policy;

    // An empty key (an exported but empty AGENTIO_SIM_API_KEY) means none.
    if (!flags.api_key.empty()) config.api_key = flags.api_key;

    config.models.clear();
    for (const std::string& list : flags.models) {
        for (std::size_t start = 0;;) {
            const std::size_t comma = std::min(list.find(',', start), list.size());
            const std::string name = list.substr(start, comma - start);
            if (name.empty())
                throw CLI::ValidationError(
                    "--models", fmt::format("\"{}\" names an empty model (names are separated by commas)", list));
            if (std::find(config.models.begin(), config.models.end(), name) == config.models.end()) config.models.push_back(name);
            if (comma == list.size()) break;
            start = comma + 1;
        }
    }
    config.model_profiles.clear();
    for (const std::string& text : flags.profiles) {
        auto [name, profile] = parse_profile(text, config.latency);
        if (!config.models.empty() && std::find(config.models.begin(), config.models.end(), name) == config.models.end())
            throw CLI::ValidationError("--model-profile", fmt::format("\"{}\" is not among --models, so it is never served", name));
        config.model_profiles[name] = profile;  // a later profile of the same name wins
    }
}

std::string limit_text(const std::optional<std::int64_t>& limit) {
    return limit ? fmt::format("{}", *limit) : std::string("unlimited");
}

std::string banner(const sim::Server& server) {
    const sim::Config& config = server.config();
    std::string text = fmt::format(
        "agentio sim: serving OpenAI-compatible API on {} (ttft {:g}ms, itl {:g}ms, rpm {}, tpm {}", server.base_url(),
        to_ms(config.latency.time_to_first_token), to_ms(config.latency.inter_token),
        limit_text(config.limits.requests_per_minute), limit_text(config.limits.tokens_per_minute));
    std::string faults;
    for (const FaultKind& kind : fault_kinds)
        if (const double rate = config.faults.*kind.rate; rate > 0)
            faults += fmt::format("{}{} {:g}%", faults.empty() ? "" : " ", kind.label, 100 * rate);
    if (!faults.empty()) text += fmt::format(", faults {}", faults);
    if (!config.models.empty()) text += fmt::format(", models {}", fmt::join(config.models, ","));
    for (const auto& [name, profile] : config.model_profiles)
        text += fmt::format(", {}: ttft {:g}ms itl {:g}ms", name, to_ms(profile.latency.time_to_first_token),
                            to_ms(profile.latency.inter_token));
    if (!config.script_path.empty()) text += fmt::format(", script {}", config.script_path);
    if (config.tool_policy != sim::ToolPolicy::automatic)
        text += fmt::format(", tool policy {}", sim::tool_policy_name(config.tool_policy));
    if (config.api_key) text += ", API key required";
    text += ")";
    return text;
}

Task<int> serve(sim::Config config) {
    // Blocked now, before the port is announced (see the file comment).
    Task<int> stop = net::wait_for_signal({SIGINT, SIGTERM});

    std::optional<sim::Server> server;
    std::exception_ptr failure;
    try {
        server.emplace(co_await sim::Server::start(std::move(config)));
    } catch (...) {
        failure = std::current_exception();
    }
    if (failure) {
        try {
            std::rethrow_exception(failure);
        } catch (const std::exception& e) {
            fmt::print(stderr, "agentio sim: cannot start: {}\n", e.what());
        }
        co_return exit_bad_usage;
    }

    fmt::print("{}\n", banner(*server));
    std::fflush(stdout);

    const int signal = co_await std::move(stop);
    co_await server->shutdown();
    const sim::Stats stats = server->stats();
    fmt::print("agentio sim: {}, stopped after {} requests ({} completed, {} rate limited, {} faults injected)\n",
               signal == SIGINT ? "SIGINT" : "SIGTERM", stats.requests, stats.completed, stats.rate_limited,
               stats.faults);
    std::fflush(stdout);
    co_return exit_done;
}

Subcommand add_sim_command(CLI::App& app) {
    auto flags = std::make_shared<SimFlags>();
    sim::Config& config = flags->config;
    CLI::App* sub = app.add_subcommand("sim", "Serve the OpenAI-compatible simulator (chat, embeddings, models)");
    // A flag given twice takes its last value, so a wrapper script's defaults can be overridden.
    sub->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);

    sub->add_option("--host", config.host, "Address to listen on")->capture_default_str();
    sub->add_option("--port", flags->port, "Port to listen on (0: a free one, printed on start)")
        ->capture_default_str()
        ->check(CLI::Range(0, 65535));
    sub->add_option("--seed", config.seed, "Seed for the generated text, lengths, latencies and faults")
        ->capture_default_str();
    sub->add_option("--ttft-ms", flags->ttft_ms, "Time to first token, in milliseconds")
        ->capture_default_str()
        ->check(milliseconds());
    sub->add_option("--itl-ms", flags->itl_ms, "Time between tokens, in milliseconds")
        ->capture_default_str()
        ->check(milliseconds());
    sub->add_option("--spread", config.latency.spread, "Each delay is drawn from [d*(1-spread), d*(1+spread)]")
        ->capture_default_str()
        ->check(number_in(0, 1));
    sub->add_option("--min-tokens", config.output.min_tokens, "Shortest reply when the request sets no limit")
        ->capture_default_str()
        ->check(positive_number());
    sub->add_option("--max-tokens", config.output.max_tokens, "Longest reply when the request sets no limit")
        ->capture_default_str()
        ->check(positive_number());
    flags->rpm_option = sub->add_option("--rpm", flags->rpm, "Requests per minute before 429s (default: unlimited)")
                            ->check(positive_number());
    flags->tpm_option = sub->add_option("--tpm", flags->tpm, "Tokens per minute before 429s (default: unlimited)")
                            ->check(positive_number());

    const CLI::Validator fraction = number_in(0, 1);
    sub->add_option("--fault-rate", flags->fault_rate, "Fraction of requests given a fault, spread over every kind")
        ->check(fraction);
    for (std::size_t i = 0; i < fault_kind_count; ++i)
        flags->fault_options[i] =
            sub->add_option(fault_kinds[i].flag, flags->fault_rates[i], fault_kinds[i].help)->check(fraction);

    sub->add_option("--models", flags->models,
                    "Serve only these model names (comma-separated; repeatable), others get 404 model_not_found "
                    "(default: any name, echoed back)")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    sub->add_option("--model-profile", flags->profiles,
                    "NAME:TTFT,ITL: that model's own latency, e.g. gpt-4o:500ms,30ms (a bare number is ms; repeatable)")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    sub->add_option("--embedding-dimensions", config.embedding_dimensions,
                    "Length of an embedding when the request sets no `dimensions`")
        ->capture_default_str()
        ->check(CLI::Range(1, sim::kMaxEmbeddingDimensions));
    sub->add_option("--context-length", config.context_length,
                    "Prompt plus max_tokens allowed per request; more gets 400 context_length_exceeded")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    sub->add_option("--script", config.script_path, "JSONL file of scripted replies (tool calls included)")
        ->check(CLI::ExistingFile);
    sub->add_option("--tool-policy", flags->tool_policy,
                    "When a request offers tools: auto calls the ones the last user message names (arguments from "
                    "its numbers and quoted text), none never calls, all calls every tool; scripted replies win")
        ->capture_default_str();
    // No default shown, and never echoed: the key is a secret.
    sub->add_option("--api-key", flags->api_key, "Require `Authorization: Bearer KEY` (else 401)")
        ->envname("AGENTIO_SIM_API_KEY");

    sub->footer(
        "Routes: /v1/chat/completions (plain and streaming), /v1/embeddings, /v1/models, /health, /metrics.\n"
        "Any model name is served (gpt-4o-mini, text-embedding-3-small, ...) unless --models restricts them.\n"
        "Chat honours n (1-128 choices) and response_format (json_object; json_schema: a reply that validates\n"
        "against the schema). Embeddings are lexical: texts that share words are close by cosine similarity.\n"
        "With tools offered, the simulator calls the tools the last user message names (--tool-policy auto),\n"
        "and after their results answers with each result's text verbatim.\n"
        "Replies are deterministic for a seed. Serves until SIGINT or SIGTERM, then stops gracefully.\n"
        "\n"
        "Examples:\n"
        "  agentio sim\n"
        "  agentio sim --port 0 --ttft-ms 50 --itl-ms 5\n"
        "  agentio sim --rpm 60 --tpm 40000 --fault-rate 0.05\n"
        "  agentio sim --models gpt-4o-mini,text-embedding-3-small --model-profile gpt-4o-mini:200ms,10ms\n"
        "  agentio sim --script replies.jsonl --api-key sk-test\n"
        "  agentio sim --tool-policy none\n"
        "\n"
        "Exit codes: 0 stopped by SIGINT/SIGTERM, 2 bad flags or the server cannot start (port, script).");
    sub->callback([flags] { finish_config(*flags); });

    Subcommand command;
    command.app = sub;
    command.run = [flags] { return agentio::run(serve(flags->config)); };
    command.examples = {"agentio sim --port 8000 --ttft-ms 50 --itl-ms 5    # then OPENAI_BASE_URL=http://127.0.0.1:8000/v1"};
    return command;
}

const Registration sim_registration{30, add_sim_command};

}  // namespace

}  // namespace agentio::cli
