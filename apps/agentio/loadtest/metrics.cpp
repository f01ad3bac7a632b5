#include "loadtest/metrics.hpp"

#include <cmath>

#include <fmt/core.h>

#include "agentio/core/errors.hpp"

namespace agentio::cli::loadtest {
namespace {

double tpot_ms(const RequestResult& r) {
    return (r.e2el_s - r.ttft_s) / static_cast<double>(r.output_tokens - 1) * 1000.0;
}

nlohmann::json stats(const Distribution& d) {
    return {{"mean", d.mean()}, {"median", d.median()}, {"std", d.stddev()}, {"p90", d.percentile(90)},
            {"p99", d.percentile(99)}, {"count", d.count()}};
}

}  // namespace

Slo parse_slo(const std::vector<std::string>& parts) {
    Slo slo;
    for (const std::string& part : parts) {
        const std::size_t colon = part.find(':');
        if (colon == std::string::npos) throw Error("--goodput: \"" + part + "\" is not NAME:MS");
        const std::string name = part.substr(0, colon);
        double value = 0;
        try {
            std::size_t used = 0;
            value = std::stod(part.substr(colon + 1), &used);
            if (used != part.size() - colon - 1 || !std::isfinite(value) || value <= 0) throw std::invalid_argument("");
        } catch (const std::exception&) {
            throw Error("--goodput: \"" + part + "\": the milliseconds must be a positive number");
        }
        if (name == "ttft") slo.ttft_ms = value;
        else if (name == "tpot") slo.tpot_ms = value;
        else if (name == "e2el") slo.e2el_ms = value;
        else throw Error("--goodput: unknown metric \"" + name + "\" (known: ttft, tpot, e2el)");
    }
    return slo;
}

Summary summarize(const std::vector<RequestResult>& results, double duration_s, const Slo& slo) {
    Summary s;
    s.duration_s = duration_s;
    int good = 0;
    for (const RequestResult& r : results) {
        if (!r.ok) {
            ++s.failed;
            continue;
        }
        ++s.completed;
        s.input_tokens += r.prompt_tokens;
        s.output_tokens += r.output_tokens;
        s.ttft_ms.add(r.ttft_s * 1000);
        s.e2el_ms.add(r.e2el_s * 1000);
        if (r.output_tokens > 1) s.tpot_ms.add(tpot_ms(r));
        for (double gap : r.itl_s) s.itl_ms.add(gap * 1000);
        const bool within = (!slo.ttft_ms || r.ttft_s * 1000 <= *slo.ttft_ms) &&
                            (!slo.e2el_ms || r.e2el_s * 1000 <= *slo.e2el_ms) &&
                            (!slo.tpot_ms || r.output_tokens <= 1 || tpot_ms(r) <= *slo.tpot_ms);
        if (within) ++good;
    }
    const double d = duration_s > 0 ? duration_s : 1e-9;
    s.request_throughput = s.completed / d;
    s.output_throughput = static_cast<double>(s.output_tokens) / d;
    s.total_token_throughput = static_cast<double>(s.input_tokens + s.output_tokens) / d;
    if (slo.any()) s.goodput = good / d;
    return s;
}

nlohmann::json to_json(const Summary& s, const std::vector<RequestResult>& results, const nlohmann::json& config) {
    nlohmann::json requests = nlohmann::json::array();
    for (const RequestResult& r : results)
        requests.push_back({{"ok", r.ok}, {"error", r.error}, {"start_s", r.start_s}, {"ttft_s", r.ttft_s},
                            {"e2el_s", r.e2el_s}, {"itl_s", r.itl_s}, {"prompt_tokens", r.prompt_tokens},
                            {"output_tokens", r.output_tokens}, {"usage_estimated", r.usage_estimated}});
    nlohmann::json out = {{"config", config},
                          {"completed", s.completed},
                          {"failed", s.failed},
                          {"duration_s", s.duration_s},
                          {"total_input_tokens", s.input_tokens},
                          {"total_output_tokens", s.output_tokens},
                          {"request_throughput", s.request_throughput},
                          {"output_throughput", s.output_throughput},
                          {"total_token_throughput", s.total_token_throughput},
                          {"ttft_ms", stats(s.ttft_ms)},
                          {"tpot_ms", stats(s.tpot_ms)},
                          {"itl_ms", stats(s.itl_ms)},
                          {"e2el_ms", stats(s.e2el_ms)},
                          {"requests", std::move(requests)}};
    out["goodput"] = s.goodput ? nlohmann::json(*s.goodput) : nlohmann::json(nullptr);
    // vllm bench serve's names for the same figures, so that its result
    // readers read ours: flat percentiles, and per-request arrays.
    out["duration"] = s.duration_s;
    out["request_goodput"] = out["goodput"];
    for (const auto& [name, distribution] :
         {std::pair{"ttft", &s.ttft_ms}, std::pair{"tpot", &s.tpot_ms}, std::pair{"itl", &s.itl_ms}, std::pair{"e2el", &s.e2el_ms}}) {
        out[fmt::format("mean_{}_ms", name)] = distribution->mean();
        out[fmt::format("median_{}_ms", name)] = distribution->median();
        out[fmt::format("std_{}_ms", name)] = distribution->stddev();
        out[fmt::format("p99_{}_ms", name)] = distribution->percentile(99);
    }
    nlohmann::json input_lens = nlohmann::json::array(), output_lens = nlohmann::json::array(),
                   ttfts = nlohmann::json::array(), itls = nlohmann::json::array(), errors = nlohmann::json::array();
    for (const RequestResult& r : results) {
        input_lens.push_back(r.prompt_tokens);
        output_lens.push_back(r.ok ? r.output_tokens : 0);
        ttfts.push_back(r.ok ? r.ttft_s : 0.0);
        itls.push_back(r.itl_s);
        errors.push_back(r.error);
    }
    out["input_lens"] = std::move(input_lens);
    out["output_lens"] = std::move(output_lens);
    out["ttfts"] = std::move(ttfts);
    out["itls"] = std::move(itls);
    out["errors"] = std::move(errors);
    for (const char* key : {"num_prompts", "request_rate", "burstiness", "max_concurrency"})
        if (config.contains(key)) out[key] = config[key];
    if (config.contains("model")) out["model_id"] = config["model"];
    return out;
}

std::string table(const Summary& s) {
    std::string out = "============ Serving Benchmark Result ============\n";
    const auto row = [&out](const std::string& name, const std::string& value) {
        out += fmt::format("{:<40}{:>10}\n", name, value);
    };
    row("Successful requests:", std::to_string(s.completed));
    row("Failed requests:", std::to_string(s.failed));
    row("Benchmark duration (s):", fmt::format("{:.2f}", s.duration_s));
    row("Total input tokens:", std::to_string(s.input_tokens));
    row("Total generated tokens:", std::to_string(s.output_tokens));
    row("Request throughput (req/s):", fmt::format("{:.2f}", s.request_throughput));
    if (s.goodput) row("Request goodput (req/s):", fmt::format("{:.2f}", *s.goodput));
    row("Output token throughput (tok/s):", fmt::format("{:.2f}", s.output_throughput));
    row("Total token throughput (tok/s):", fmt::format("{:.2f}", s.total_token_throughput));
    const auto block = [&](const char* title, const char* name, const Distribution& d) {
        out += fmt::format("{:-^50}\n", std::string(" ") + title + " ");
        row(fmt::format("Mean {} (ms):", name), fmt::format("{:.2f}", d.mean()));
        row(fmt::format("Median {} (ms):", name), fmt::format("{:.2f}", d.median()));
        row(fmt::format("P90 {} (ms):", name), fmt::format("{:.2f}", d.percentile(90)));
        row(fmt::format("P99 {} (ms):", name), fmt::format("{:.2f}", d.percentile(99)));
    };
    block("Time to First Token", "TTFT", s.ttft_ms);
    block("Time per Output Token (excl. 1st token)", "TPOT", s.tpot_ms);
    block("Inter-token Latency", "ITL", s.itl_ms);
    block("End-to-end Latency", "E2EL", s.e2el_ms);
    out += std::string(50, '=') + "\n";
    return out;
}

}  // namespace agentio::cli::loadtest
