// rate_limit_headers.cpp: reading the x-ratelimit-* headers and the Go
// durations their reset values are written in.
//
// A header that is absent or unreadable leaves its field unset: the limiter
// then simply has less to go on, which is never worse than acting on a
// misread number.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string_view>

#include "agentio/http/headers.hpp"

#include "agentio/llm/rate_limiter.hpp"

namespace agentio::llm {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Nanoseconds per unit, for the units Go's time.ParseDuration knows; 0 if
// `unit` is none of them.
std::int64_t unit_nanoseconds(std::string_view unit) {
    if (unit == "ns") return 1;
    if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") return 1'000;  // micro sign, Greek mu
    if (unit == "ms") return 1'000'000;
    if (unit == "s") return 1'000'000'000;
    if (unit == "m") return 60'000'000'000;
    if (unit == "h") return 3'600'000'000'000;
    return 0;
}

std::optional<std::int64_t> parse_count(std::optional<std::string_view> value) {
    if (!value) return std::nullopt;
    const std::string_view text = http::trim_ows(*value);
    if (text.empty() || !is_digit(text.front())) return std::nullopt;
    std::int64_t count = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
    if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return count;
}

// A reset value: a Go duration, or (as some compatible servers send) a bare
// number of seconds.
std::optional<Duration> parse_reset(std::optional<std::string_view> value) {
    if (!value) return std::nullopt;
    const std::string_view text = http::trim_ows(*value);
    if (auto duration = parse_go_duration(text)) return duration;
    if (text.empty() || !is_digit(text.front())) return std::nullopt;
    double seconds = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (error != std::errc{} || end != text.data() + text.size() || !std::isfinite(seconds) || seconds > 1e9)
        return std::nullopt;
    return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
}

}  // namespace

// Go's grammar without the sign: ([0-9]*(\.[0-9]*)?unit)+ with at least one
// digit per number, or the lone "0". Integer and fraction parts are summed
// in integer nanoseconds, so "1m30.123s" is exact; digits beyond the
// nanosecond are dropped (as Go does).
std::optional<Duration> parse_go_duration(std::string_view text) {
    if (text == "0") return Duration::zero();
    if (text.empty()) return std::nullopt;
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    std::int64_t total = 0;
    while (!text.empty()) {
        // The number.
        std::size_t i = 0;
        std::uint64_t whole = 0;
        bool digits = false;
        bool too_big = false;
        for (; i < text.size() && is_digit(text[i]); ++i, digits = true) {
            if (whole > (static_cast<std::uint64_t>(kMax) - 9) / 10) too_big = true;
            else whole = whole * 10 + static_cast<std::uint64_t>(text[i] - '0');
        }
        std::uint64_t fraction = 0;  // the first 18 fraction digits
        std::uint64_t scale = 1;     // 10^(digits kept)
        if (i < text.size() && text[i] == '.') {
            for (++i; i < text.size() && is_digit(text[i]); ++i, digits = true) {
                if (scale >= 1'000'000'000'000'000'000ULL) continue;
                fraction = fraction * 10 + static_cast<std::uint64_t>(text[i] - '0');
                scale *= 10;
            }
        }
        if (!digits || too_big) return std::nullopt;
        // The unit: everything up to the next digit or '.'.
        std::size_t unit_end = i;
        while (unit_end < text.size() && !is_digit(text[unit_end]) && text[unit_end] != '.') ++unit_end;
        const std::int64_t unit = unit_nanoseconds(text.substr(i, unit_end - i));
        if (unit == 0) return std::nullopt;
        text.remove_prefix(unit_end);

        if (whole > static_cast<std::uint64_t>(kMax / unit)) return std::nullopt;
        std::int64_t part = static_cast<std::int64_t>(whole) * unit;
        // fraction * unit may exceed 64 bits (18 digits times an hour).
        const auto fraction_ns = static_cast<std::int64_t>(static_cast<unsigned __int128>(fraction) *
                                                            static_cast<unsigned __int128>(unit) / scale);
        if (part > kMax - fraction_ns) return std::nullopt;
        part += fraction_ns;
        if (total > kMax - part) return std::nullopt;
        total += part;
    }
    return Duration(total);
}

RateLimitHeaders parse_rate_limit_headers(const http::Headers& headers) {
    RateLimitHeaders parsed;
    parsed.limit_requests = parse_count(headers.get("x-ratelimit-limit-requests"));
    parsed.limit_tokens = parse_count(headers.get("x-ratelimit-limit-tokens"));
    parsed.remaining_requests = parse_count(headers.get("x-ratelimit-remaining-requests"));
    parsed.remaining_tokens = parse_count(headers.get("x-ratelimit-remaining-tokens"));
    parsed.reset_requests = parse_reset(headers.get("x-ratelimit-reset-requests"));
    parsed.reset_tokens = parse_reset(headers.get("x-ratelimit-reset-tokens"));
    return parsed;
}

}  // namespace agentio::llm
