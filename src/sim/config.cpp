// config.cpp: the questions a Config answers about model names.
#include "agentio/sim/config.hpp"

#include <algorithm>

namespace agentio::sim {

std::vector<std::string> Config::listed_models() const {
    if (!models.empty()) return models;
    std::vector<std::string> listed(std::begin(kListedModels), std::end(kListedModels));
    for (const auto& [name, profile] : model_profiles)
        if (std::find(listed.begin(), listed.end(), name) == listed.end()) listed.push_back(name);
    return listed;
}

const LatencyModel& Config::latency_for(std::string_view model) const {
    const auto profile = model_profiles.find(model);
    return profile == model_profiles.end() ? latency : profile->second.latency;
}

}  // namespace agentio::sim
