// report.cpp: the progress line and the summary table.
#include "batch/report.hpp"

#include <fmt/core.h>

#include <chrono>
#include <cmath>

namespace agentio::cli::batch {
namespace {

double ms(Duration d) { return std::chrono::duration<double, std::milli>(d).count(); }
double seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

std::string compact(double x) {
    if (x >= 1e6) return fmt::format("{:.1f}M", x / 1e6);
    if (x >= 1e4) return fmt::format("{:.1f}k", x / 1e3);
    return fmt::format("{:.0f}", x);
}

std::string duration_text(double s) {
    if (s < 60) return fmt::format("{:.0f}s", s);
    if (s < 3600) {
        const auto whole = static_cast<long>(s);
        return fmt::format("{}m{:02}s", whole / 60, whole % 60);
    }
    return fmt::format("{:.1f}h", s / 3600);
}

}  // namespace

void Tally::add(const llm::RequestRecord& record, const std::string& outcome, bool ok) {
    ++finished_;
    if (!ok) ++failed_;
    ++by_outcome_[outcome];
    tokens_in_ += record.usage.prompt_tokens;
    tokens_out_ += record.usage.completion_tokens;
    retries_ += record.retries;
    for (const llm::RetryRecord& retry : record.retry_log)
        if (retry.status == 429) ++rate_limited_;
    if (record.status == 429) ++rate_limited_;
    cost_ += record.cost;
    rate_limit_wait_ += record.rate_limit_wait;
    if (ok) {
        latency_ms_.add(ms(record.end_to_end));
        if (record.time_to_first_token) ttft_ms_.add(ms(*record.time_to_first_token));
    }
}

std::string Tally::progress_line(Duration elapsed) const {
    const double s = std::max(seconds(elapsed), 1e-3);
    const double rate = static_cast<double>(finished_) / s;
    const std::size_t left = total_ - already_done_ - finished_;
    const std::string eta = finished_ == 0 ? "-" : duration_text(static_cast<double>(left) / std::max(rate, 1e-9));
    return fmt::format("{}/{} done | {:.1f} req/s | {} tok/s | {} errors | {} 429s | ETA {}", already_done_ + finished_,
                       total_, rate, compact(static_cast<double>(tokens_in_ + tokens_out_) / s), failed_, rate_limited_,
                       eta);
}

std::string Tally::summary(Duration elapsed) const {
    const double s = std::max(seconds(elapsed), 1e-3);
    std::string out = fmt::format("\n{} requests in {:.1f} s ({:.1f} req/s){}\n", finished_, s,
                                  static_cast<double>(finished_) / s,
                                  already_done_ ? fmt::format(", {} already done before this run", already_done_) : "");
    out += "  status      ";
    for (const auto& [outcome, count] : by_outcome_) out += fmt::format(" {}: {}", outcome, count);
    out += "\n";
    out += fmt::format("  {:<12} {:>9} {:>9} {:>9} {:>9}\n", "", "p50", "p90", "p99", "mean");
    out += fmt::format("  {:<12} {:>7.0f}ms {:>7.0f}ms {:>7.0f}ms {:>7.0f}ms\n", "latency", latency_ms_.percentile(50),
                       latency_ms_.percentile(90), latency_ms_.percentile(99), latency_ms_.mean());
    if (!ttft_ms_.empty())
        out += fmt::format("  {:<12} {:>7.0f}ms {:>7.0f}ms {:>7.0f}ms {:>7.0f}ms\n", "first token", ttft_ms_.percentile(50),
                           ttft_ms_.percentile(90), ttft_ms_.percentile(99), ttft_ms_.mean());
    out += fmt::format("  tokens       in {} / out {} ({} tok/s)\n", tokens_in_, tokens_out_,
                       compact(static_cast<double>(tokens_in_ + tokens_out_) / s));
    out += fmt::format("  cost         ${:.4f}\n", cost_);
    out += fmt::format("  retries      {} ({} answered 429)\n", retries_, rate_limited_);
    out += fmt::format("  rate limit   {:.1f} s waited in all\n", seconds(rate_limit_wait_));
    return out;
}

}  // namespace agentio::cli::batch
