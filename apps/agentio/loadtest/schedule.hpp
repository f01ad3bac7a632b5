// schedule.hpp: when each request of a load test is sent.
//
// As `vllm bench serve` does: with a finite rate R, the gaps between
// requests are drawn from a gamma distribution with shape B (burstiness)
// and scale 1/(R*B), so their mean is 1/R whatever B; B = 1 is a Poisson
// process, B < 1 burstier, B > 1 more regular. An infinite rate sends
// everything at once. Seeded: the same seed gives the same schedule.
#pragma once

#include <cstdint>
#include <vector>

namespace agentio::cli::loadtest {

// Send times in seconds from the start, one per request, non-decreasing.
std::vector<double> send_times(int requests, double rate, double burstiness, std::uint64_t seed);

}  // namespace agentio::cli::loadtest
