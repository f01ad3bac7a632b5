// metrics.cpp: the counters and their Prometheus text, in a fixed order.
#include "agentio/sim/metrics.hpp"

#include <fmt/format.h>

#include <chrono>

namespace agentio::sim {

namespace {

constexpr Fault kFaultKinds[] = {Fault::status_429, Fault::status_500, Fault::status_503,
                                 Fault::reset,      Fault::stall,      Fault::malformed};

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
    fmt::format_to(std::back_inserter(out), "# HELP agentio_sim_{} {}\n# TYPE agentio_sim_{} {}\n", name, help, name, type);
}

}  // namespace

void Metrics::count_response(std::string_view route, int status) {
    auto it = responses_.find(std::pair<std::string_view, int>(route, status));
    if (it == responses_.end()) it = responses_.emplace(std::pair<std::string, int>(route, status), 0).first;
    ++it->second;
}

void Metrics::observe_duration(std::string_view route, Duration duration) {
    auto it = durations_.find(route);
    if (it == durations_.end()) it = durations_.emplace(std::string(route), Histogram{}).first;
    Histogram& histogram = it->second;
    const double seconds = std::chrono::duration<double>(duration).count();
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        if (seconds <= kBuckets[i]) {
            ++histogram.counts[i];
            break;
        }
    }
    histogram.sum += seconds;
    ++histogram.count;
}

void Metrics::add_tokens(std::int64_t prompt, std::int64_t completion) noexcept {
    prompt_tokens_ += static_cast<std::uint64_t>(prompt > 0 ? prompt : 0);
    completion_tokens_ += static_cast<std::uint64_t>(completion > 0 ? completion : 0);
}

void Metrics::count_rate_limited(std::string_view limit_type) {
    if (limit_type == "tokens") ++limited_tokens_;
    else ++limited_requests_;
}

void Metrics::count_fault(Fault fault) noexcept { ++faults_[static_cast<std::size_t>(fault)]; }

std::uint64_t Metrics::responses(std::string_view route, int status) const {
    const auto it = responses_.find(std::pair<std::string_view, int>(route, status));
    return it == responses_.end() ? 0 : it->second;
}

std::string Metrics::render() const {
    std::string out;
    out.reserve(4096);
    auto line = std::back_inserter(out);

    family(out, "requests_total", "counter", "Responses sent, by route and status.");
    for (const auto& [key, count] : responses_)
        fmt::format_to(line, "agentio_sim_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", key.first, key.second, count);

    family(out, "prompt_tokens_total", "counter", "Prompt tokens of the requests served.");
    fmt::format_to(line, "agentio_sim_prompt_tokens_total {}\n", prompt_tokens_);
    family(out, "completion_tokens_total", "counter", "Completion tokens generated.");
    fmt::format_to(line, "agentio_sim_completion_tokens_total {}\n", completion_tokens_);

    family(out, "rate_limited_total", "counter", "Requests refused with 429 by the RPM or TPM limit.");
    fmt::format_to(line, "agentio_sim_rate_limited_total{{limit=\"requests\"}} {}\n", limited_requests_);
    fmt::format_to(line, "agentio_sim_rate_limited_total{{limit=\"tokens\"}} {}\n", limited_tokens_);

    family(out, "faults_total", "counter", "Faults injected, by kind.");
    for (const Fault kind : kFaultKinds)
        fmt::format_to(line, "agentio_sim_faults_total{{kind=\"{}\"}} {}\n", fault_name(kind),
                       faults_[static_cast<std::size_t>(kind)]);

    family(out, "streams_active", "gauge", "Streamed replies in progress.");
    fmt::format_to(line, "agentio_sim_streams_active {}\n", streams_active_);

    family(out, "request_duration_seconds", "histogram", "From a request's head to the last byte of its response.");
    for (const auto& [route, histogram] : durations_) {
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < kBuckets.size(); ++i) {
            cumulative += histogram.counts[i];
            fmt::format_to(line, "agentio_sim_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", route,
                           kBuckets[i], cumulative);
        }
        fmt::format_to(line, "agentio_sim_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", route,
                       histogram.count);
        fmt::format_to(line, "agentio_sim_request_duration_seconds_sum{{route=\"{}\"}} {}\n", route, histogram.sum);
        fmt::format_to(line, "agentio_sim_request_duration_seconds_count{{route=\"{}\"}} {}\n", route, histogram.count);
    }
    return out;
}

}  // namespace agentio::sim
