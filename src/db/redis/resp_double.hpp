// resp_double.hpp (internal): a double as Redis writes one, in a RESP3
// double or as RESP2 text (a ZSCORE): "3.5", "1e10", "inf", "+inf", "-inf",
// "nan". Read in place, without copying the text.
#pragma once

#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>

namespace agentio::db::redis::detail {

inline std::optional<double> resp_double(std::string_view text) {
    if (text == "inf" || text == "+inf") return HUGE_VAL;
    if (text == "-inf") return -HUGE_VAL;
    if (text == "nan" || text == "-nan") return std::nan("");
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace agentio::db::redis::detail
