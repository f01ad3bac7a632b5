// embedding.hpp: the simulator's embedding of a text: a deterministic unit
// vector.
//
// The components come from a generator seeded by a hash of (seed, model,
// input), so equal inputs embed equally and different ones (almost surely)
// do not. A shorter vector is the start of a longer one, renormalised (as
// with the API's `dimensions` on models trained for it), so cosine
// similarities stay comparable across dimensions. The vectors carry no
// meaning: similar texts are not closer than others.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace agentio::sim {

// A vector of `dimensions` (>= 1) floats whose Euclidean norm is 1 (to float
// precision).
std::vector<float> embed(std::uint64_t seed, std::string_view model, std::string_view input, int dimensions);

}  // namespace agentio::sim
