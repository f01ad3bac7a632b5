// fault.cpp: mapping one uniform draw onto the configured fault rates.
#include "agentio/sim/fault.hpp"

#include <algorithm>

namespace agentio::sim {

Faults Faults::spread(double rate) {
    const double each = std::clamp(rate, 0.0, 1.0) / 6;
    Faults faults;
    faults.status_429 = faults.status_500 = faults.status_503 = each;
    faults.reset_mid_stream = faults.stall = faults.malformed_chunk = each;
    return faults;
}

Fault pick_fault(const Faults& faults, double u) noexcept {
    const std::pair<double, Fault> kinds[] = {
        {faults.status_429, Fault::status_429}, {faults.status_500, Fault::status_500},
        {faults.status_503, Fault::status_503}, {faults.reset_mid_stream, Fault::reset},
        {faults.stall, Fault::stall},           {faults.malformed_chunk, Fault::malformed},
    };
    double edge = 0;
    for (const auto& [rate, kind] : kinds) {
        // A NaN or negative rate gives its kind nothing.
        if (!(rate > 0)) continue;
        edge += rate;
        if (u < edge) return kind;
    }
    return Fault::none;
}

std::string_view fault_name(Fault fault) noexcept {
    switch (fault) {
        case Fault::status_429: return "429";
        case Fault::status_500: return "500";
        case Fault::status_503: return "503";
        case Fault::reset: return "reset";
        case Fault::stall: return "stall";
        case Fault::malformed: return "malformed";
        case Fault::none: break;
    }
    return "none";
}

}  // namespace agentio::sim
