// retry_policy.cpp: the retry decision and the wait before a retry.
//
// Kept to the letter of the openai-python SDK (_base_client.py), including
// its quirks, because servers tune their headers for that client:
// - `x-should-retry` must be exactly "true" or "false"; anything else falls
//   through to the status rule;
// - an unreadable `retry-after-ms` falls back to `retry-after`;
// - an HTTP-date `retry-after` counts whole seconds from now, truncated
//   towards zero (so a date less than a second ahead means "no advice");
// - advice outside (0, 60] seconds is ignored in favour of the backoff.
#include "agentio/llm/retry_policy.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string_view>

#include "agentio/http/headers.hpp"

namespace agentio::llm {

namespace {

// A finite decimal number filling the whole text (Python's float() on what
// servers send; "inf" and "nan" are not advice).
std::optional<double> parse_number(std::string_view text) {
    text = http::trim_ows(text);
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    if (text.empty()) return std::nullopt;
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
    return value;
}

std::optional<Duration> seconds_to_duration(double seconds) {
    // Beyond a few centuries the value is nonsense; refuse it rather than overflow.
    if (std::abs(seconds) > 1e10) return std::nullopt;
    return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
}

std::optional<int> parse_int(std::string_view text) {
    if (text.empty() || text.size() > 9 || text.front() < '0' || text.front() > '9') return std::nullopt;
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

std::optional<unsigned> month_number(std::string_view name) {
    static constexpr std::array<std::string_view, 12> kMonths{"jan", "feb", "mar", "apr", "may", "jun",
                                                              "jul", "aug", "sep", "oct", "nov", "dec"};
    if (name.size() != 3) return std::nullopt;
    for (unsigned i = 0; i < kMonths.size(); ++i)
        if (http::iequals(name, kMonths[i])) return i + 1;
    return std::nullopt;
}

// "08:49:37" -> seconds since midnight.
std::optional<int> parse_clock(std::string_view text) {
    if (text.size() != 8 || text[2] != ':' || text[5] != ':') return std::nullopt;
    const auto h = parse_int(text.substr(0, 2));
    const auto m = parse_int(text.substr(3, 2));
    const auto s = parse_int(text.substr(6, 2));
    if (!h || !m || !s || *h > 23 || *m > 59 || *s > 60) return std::nullopt;
    return *h * 3600 + *m * 60 + *s;
}

// Splits on runs of spaces.
template <std::size_t N>
bool split_words(std::string_view text, std::array<std::string_view, N>& words) {
    std::size_t count = 0;
    while (true) {
        while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
        if (text.empty()) break;
        if (count == N) return false;
        const std::size_t space = text.find(' ');
        words[count++] = text.substr(0, space);
        text = space == std::string_view::npos ? std::string_view{} : text.substr(space);
    }
    return count == N;
}

// The three forms RFC 9110 5.6.7 asks recipients to accept:
//   IMF-fixdate  "Sun, 06 Nov 1994 08:49:37 GMT"
//   RFC 850      "Sunday, 06-Nov-94 08:49:37 GMT"
//   asctime      "Sun Nov  6 08:49:37 1994"
// The weekday is not checked against the date (senders get it wrong and it
// adds nothing).
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) {
    text = http::trim_ows(text);
    int day = 0;
    int year = 0;
    std::optional<unsigned> month;
    std::optional<int> clock;
    const std::size_t comma = text.find(',');
    if (comma != std::string_view::npos) {
        std::string_view rest = text.substr(comma + 1);
        std::array<std::string_view, 5> fix;  // 06 Nov 1994 08:49:37 GMT
        if (split_words(rest, fix)) {
            if (!http::iequals(fix[4], "GMT")) return std::nullopt;
            const auto d = parse_int(fix[0]);
            const auto y = parse_int(fix[2]);
            if (!d || !y || fix[2].size() != 4) return std::nullopt;
            day = *d;
            year = *y;
            month = month_number(fix[1]);
            clock = parse_clock(fix[3]);
        } else {
            std::array<std::string_view, 3> rfc850;  // 06-Nov-94 08:49:37 GMT
            if (!split_words(rest, rfc850) || !http::iequals(rfc850[2], "GMT")) return std::nullopt;
            const std::string_view date = rfc850[0];
            if (date.size() != 9 || date[2] != '-' || date[6] != '-') return std::nullopt;
            const auto d = parse_int(date.substr(0, 2));
            const auto y = parse_int(date.substr(7, 2));
            if (!d || !y) return std::nullopt;
            day = *d;
            // Two-digit years as Python's email.utils reads them (the SDK's
            // parser): 69..99 are 19xx, 00..68 are 20xx.
            year = *y > 68 ? 1900 + *y : 2000 + *y;
            month = month_number(date.substr(3, 3));
            clock = parse_clock(rfc850[1]);
        }
    } else {
        std::array<std::string_view, 5> asc;  // Sun Nov  6 08:49:37 1994
        if (!split_words(text, asc)) return std::nullopt;
        const auto d = parse_int(asc[2]);
        const auto y = parse_int(asc[4]);
        if (!d || !y || asc[4].size() != 4) return std::nullopt;
        day = *d;
        year = *y;
        month = month_number(asc[1]);
        clock = parse_clock(asc[3]);
    }
    if (!month || !clock) return std::nullopt;
    const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{*month},
                                           std::chrono::day{static_cast<unsigned>(day)}};
    if (day < 1 || !date.ok()) return std::nullopt;
    return std::chrono::sys_days{date} + std::chrono::seconds{*clock};
}

}  // namespace

std::optional<Duration> parse_retry_after(const http::Headers& headers, std::chrono::system_clock::time_point now) {
    if (auto ms = headers.get("retry-after-ms")) {
        if (auto value = parse_number(*ms)) return seconds_to_duration(*value / 1000.0);
    }
    auto value = headers.get("retry-after");
    if (!value) return std::nullopt;
    if (auto seconds = parse_number(*value)) return seconds_to_duration(*seconds);
    auto date = parse_http_date(*value);
    if (!date) return std::nullopt;
    return std::chrono::duration_cast<std::chrono::seconds>(*date - now);  // truncates towards zero
}

bool RetryPolicy::should_retry(int status, const http::Headers& headers) const {
    if (auto advice = headers.get("x-should-retry")) {
        if (*advice == "true") return true;
        if (*advice == "false") return false;
    }
    return status == 408 || status == 409 || status == 429 || status >= 500;
}

Duration RetryPolicy::delay(int retry, const http::Headers* headers, double random01) const {
    if (headers != nullptr) {
        if (auto advice = parse_retry_after(*headers); advice && *advice > Duration::zero() &&
                                                        *advice <= std::chrono::seconds(60))
            return *advice;
    }
    // 2^retry in floating point: a large retry count saturates at max_delay
    // instead of overflowing a shift.
    const double backoff = std::min(static_cast<double>(initial_delay.count()) * std::pow(2.0, std::max(retry, 0)),
                                    static_cast<double>(max_delay.count()));
    const double factor = 1.0 - jitter * std::clamp(random01, 0.0, 1.0);
    return Duration(static_cast<Duration::rep>(std::max(backoff * factor, 0.0)));
}

}  // namespace agentio::llm
