#include "validators.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>

namespace agentio::cli {
namespace {

// The whole of `text` as a number (inf and nan included), or nothing.
std::optional<double> number_of(const std::string& text) {
    if (text.empty()) return std::nullopt;
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size() || errno == ERANGE) return std::nullopt;
    return value;
}

CLI::Validator checking(std::string wanted, std::function<bool(double)> fits) {
    return CLI::Validator(
        [wanted, fits](std::string& text) -> std::string {
            const std::optional<double> value = number_of(text);
            if (value && fits(*value)) return {};
            return fmt::format("{} is not {}", text.empty() ? "\"\"" : text, wanted);
        },
        "", "");
}

}  // namespace

CLI::Validator positive_number() {
    return checking("a number > 0", [](double v) { return std::isfinite(v) && v > 0; });
}

CLI::Validator number_in(double low, double high) {
    return checking(fmt::format("a number from {:g} to {:g}", low, high),
                    [low, high](double v) { return std::isfinite(v) && v >= low && v <= high; });
}

CLI::Validator seconds() {
    return checking("a number of seconds from 0.001 to 1e6", [](double v) { return std::isfinite(v) && v >= 1e-3 && v <= 1e6; });
}

CLI::Validator milliseconds() {
    return checking("a number of milliseconds from 0 to 1e9", [](double v) { return std::isfinite(v) && v >= 0 && v <= 1e9; });
}

CLI::Validator positive_or_inf() {
    return checking("a number > 0 or inf", [](double v) { return !std::isnan(v) && v > 0; });
}

Duration from_seconds(double seconds) {
    return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
}

Duration from_milliseconds(double milliseconds) {
    return std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::milli>(milliseconds));
}

}  // namespace agentio::cli
