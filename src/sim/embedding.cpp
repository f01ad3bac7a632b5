// embedding.cpp: seeded unit vectors.
#include "agentio/sim/embedding.hpp"

#include <cmath>

#include "agentio/sim/prng.hpp"

namespace agentio::sim {

std::vector<float> embed(std::uint64_t seed, std::string_view model, std::string_view input, int dimensions) {
    const auto size = static_cast<std::size_t>(dimensions < 1 ? 1 : dimensions);
    Rng rng(Hasher(seed).add("embedding").add(model).add(input).value());
    std::vector<double> raw(size);
    double norm = 0;
    for (double& x : raw) {
        x = 2 * rng.uniform() - 1;
        norm += x * x;
    }
    // An all-zero draw is impossible in practice, but a unit vector must come out.
    if (norm > 0) {
        norm = std::sqrt(norm);
    } else {
        raw[0] = 1;
        norm = 1;
    }
    std::vector<float> vector(size);
    for (std::size_t i = 0; i < size; ++i) vector[i] = static_cast<float>(raw[i] / norm);
    return vector;
}

}  // namespace agentio::sim
