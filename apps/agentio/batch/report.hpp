// report.hpp: what a batch run tells its user while it runs and at the end.
//
// Tally counts finished calls; progress_line() is the one-line live status
// (redrawn in place on a terminal, logged every few seconds elsewhere);
// summary() is the table printed at the end. All figures come from the
// llm::RequestRecord of each call, so they are the client's own measurements.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "agentio/core/clock.hpp"
#include "agentio/llm/request_record.hpp"
#include "report/distribution.hpp"

namespace agentio::cli::batch {

class Tally {
public:
    Tally(std::size_t total, std::size_t already_done) : total_(total), already_done_(already_done) {}

    // One finished call; `outcome` is "200" or the failure's code.
    void add(const llm::RequestRecord& record, const std::string& outcome, bool ok);

    std::size_t finished() const noexcept { return finished_; }
    std::size_t failed() const noexcept { return failed_; }

    // "812/2000 done | 96.4 req/s | 11.2k tok/s | 0 errors | 0 429s | ETA 12s"
    std::string progress_line(Duration elapsed) const;
    // The end-of-run table.
    std::string summary(Duration elapsed) const;

private:
    std::size_t total_;
    std::size_t already_done_;
    std::size_t finished_ = 0;
    std::size_t failed_ = 0;
    std::int64_t tokens_in_ = 0;
    std::int64_t tokens_out_ = 0;
    std::int64_t retries_ = 0;
    std::int64_t rate_limited_ = 0;  // 429 answers, retried or not
    double cost_ = 0;
    Duration rate_limit_wait_{};
    std::map<std::string, std::size_t> by_outcome_;
    Distribution latency_ms_;
    Distribution ttft_ms_;
};

}  // namespace agentio::cli::batch
