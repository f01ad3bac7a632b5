// latency.hpp: LatencySampler, the delays of one reply under a LatencyModel.
//
// Each delay is drawn uniformly from [d * (1 - spread), d * (1 + spread)]
// (spread clamped to [0, 1], so a delay is never negative). The draws come
// from the reply's own seed, in order: first the time to first token, then
// one inter-token gap per further token. So the plain reply, which waits for
// the whole sum, takes exactly as long as the same reply streamed.
#pragma once

#include <cstdint>

#include "agentio/core/clock.hpp"
#include "agentio/sim/config.hpp"
#include "agentio/sim/prng.hpp"

namespace agentio::sim {

class LatencySampler {
public:
    LatencySampler(const LatencyModel& model, std::uint64_t seed) noexcept;

    Duration time_to_first_token() noexcept { return draw(model_.time_to_first_token); }
    Duration inter_token() noexcept { return draw(model_.inter_token); }
    // The time from the request to its last token: the first-token delay and
    // tokens - 1 gaps (a reply of 0 tokens still waits for its first).
    Duration total(int tokens) noexcept;

private:
    Duration draw(Duration mean) noexcept;

    LatencyModel model_;
    Rng rng_;
};

}  // namespace agentio::sim
