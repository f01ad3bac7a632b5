// metrics.hpp: a load test's figures, defined as `vllm bench serve` defines
// them so that the two can be compared.
//
//   TTFT  request sent -> first content token
//   TPOT  (E2EL - TTFT) / (output tokens - 1), per request with > 1 token
//   ITL   every gap between successive content chunks, all requests pooled
//   E2EL  request sent -> last byte
// Throughputs divide by the benchmark's duration (first send to last end);
// goodput counts the requests that met every given SLO.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/distribution.hpp"

namespace agentio::cli::loadtest {

struct RequestResult {
    bool ok = false;
    std::string error;
    double start_s = 0;  // from the benchmark's start
    double ttft_s = 0;
    double e2el_s = 0;
    std::vector<double> itl_s;
    std::int64_t prompt_tokens = 0;
    std::int64_t output_tokens = 0;
    bool usage_estimated = false;  // the server reported no usage; the counts are the client's estimate
};

// Service-level objectives in milliseconds; unset ones are not checked.
struct Slo {
    std::optional<double> ttft_ms, tpot_ms, e2el_ms;
    bool any() const { return ttft_ms || tpot_ms || e2el_ms; }
};

// "ttft:300 tpot:50 e2el:2000" (any subset). Throws agentio::Error naming
// the bad part.
Slo parse_slo(const std::vector<std::string>& parts);

struct Summary {
    int completed = 0;
    int failed = 0;
    double duration_s = 0;
    std::int64_t input_tokens = 0;
    std::int64_t output_tokens = 0;
    double request_throughput = 0;      // completed / s
    double output_throughput = 0;       // output tokens / s
    double total_token_throughput = 0;  // input + output tokens / s
    std::optional<double> goodput;      // requests / s within every SLO
    Distribution ttft_ms, tpot_ms, itl_ms, e2el_ms;
};

Summary summarize(const std::vector<RequestResult>& results, double duration_s, const Slo& slo);

// Everything, for --json and the HTML report.
nlohmann::json to_json(const Summary& summary, const std::vector<RequestResult>& results, const nlohmann::json& config);

// The table printed at the end of a run.
std::string table(const Summary& summary);

}  // namespace agentio::cli::loadtest
