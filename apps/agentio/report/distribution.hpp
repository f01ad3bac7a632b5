// distribution.hpp: samples of one quantity (a latency, a token count) and
// their summary statistics, for the batch summary and the load benchmark.
//
// Percentiles interpolate linearly between the two nearest ranks, as numpy's
// default does, so figures match what `vllm bench serve` reports for the
// same samples. An empty distribution reports 0 for every statistic rather
// than throwing: a run where every request failed still prints its table.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <vector>

namespace agentio::cli {

class Distribution {
public:
    void add(double value) {
        values_.push_back(value);
        sorted_ = false;
    }

    std::size_t count() const noexcept { return values_.size(); }
    bool empty() const noexcept { return values_.empty(); }

    double sum() const noexcept { return std::accumulate(values_.begin(), values_.end(), 0.0); }
    double mean() const noexcept { return empty() ? 0.0 : sum() / static_cast<double>(count()); }
    double min() const { return empty() ? 0.0 : sorted().front(); }
    double max() const { return empty() ? 0.0 : sorted().back(); }
    double median() const { return percentile(50); }

    // `p` in [0, 100].
    double percentile(double p) const {
        if (empty()) return 0.0;
        const std::vector<double>& v = sorted();
        const double rank = std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(v.size() - 1);
        const auto below = static_cast<std::size_t>(std::floor(rank));
        const std::size_t above = std::min(below + 1, v.size() - 1);
        return v[below] + (v[above] - v[below]) * (rank - static_cast<double>(below));
    }

    double stddev() const noexcept {
        if (count() < 2) return 0.0;
        const double m = mean();
        double squares = 0;
        for (double x : values_) squares += (x - m) * (x - m);
        return std::sqrt(squares / static_cast<double>(count()));  // population, as numpy.std
    }

    // In ascending order.
    const std::vector<double>& values() const { return sorted(); }

private:
    const std::vector<double>& sorted() const {
        if (!sorted_) {
            std::sort(values_.begin(), values_.end());
            sorted_ = true;
        }
        return values_;
    }

    mutable std::vector<double> values_;
    mutable bool sorted_ = true;
};

}  // namespace agentio::cli
