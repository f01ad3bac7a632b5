// latency.cpp: drawing the delays of the latency model.
#include "agentio/sim/latency.hpp"

#include <algorithm>

namespace agentio::sim {

LatencySampler::LatencySampler(const LatencyModel& model, std::uint64_t seed) noexcept : model_(model), rng_(seed) {
    model_.spread = std::clamp(model_.spread, 0.0, 1.0);
    if (!(model_.spread == model_.spread)) model_.spread = 0;  // NaN
}

Duration LatencySampler::draw(Duration mean) noexcept {
    if (mean <= Duration::zero()) return Duration::zero();
    const double factor = 1.0 + model_.spread * (2.0 * rng_.uniform() - 1.0);
    return Duration(static_cast<Duration::rep>(static_cast<double>(mean.count()) * factor));
}

Duration LatencySampler::total(int tokens) noexcept {
    Duration sum = time_to_first_token();
    for (int i = 1; i < tokens; ++i) sum += inter_token();
    return sum;
}

}  // namespace agentio::sim
