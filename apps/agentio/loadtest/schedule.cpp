#include "loadtest/schedule.hpp"

#include <cmath>
#include <random>

namespace agentio::cli::loadtest {

std::vector<double> send_times(int requests, double rate, double burstiness, std::uint64_t seed) {
    std::vector<double> times(static_cast<std::size_t>(std::max(requests, 0)), 0.0);
    if (!std::isfinite(rate) || rate <= 0) return times;
    std::mt19937_64 random(seed);
    std::gamma_distribution<double> gap(burstiness, 1.0 / (rate * burstiness));
    double at = 0;
    for (double& t : times) {
        t = at;
        at += gap(random);
    }
    return times;
}

}  // namespace agentio::cli::loadtest
