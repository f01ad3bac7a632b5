// schema_scalars.cpp: strings, integers and numbers under their keywords.
//
// Numbers stay small and readable where the bounds allow (a range of 100
// from a lone bound, a multiple among the first 10,000 above the lower
// bound, as few decimals as keep a value inside its bounds), and every
// computation stays finite: a value is never inf or NaN, which JSON cannot
// write.
#include "schema_scalars.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "agentio/sim/detail/pattern_sample.hpp"
#include "agentio/sim/text_generator.hpp"

namespace agentio::sim::detail {

namespace {

constexpr std::int64_t kMaxStringLength = 10'000;
constexpr double kMaxExactInteger = 9007199254740992.0;  // 2^53: beyond, JSON numbers lose integers
constexpr int kPatternTries = 16;

std::string two_digits(std::int64_t n) { return fmt::format("{:02}", n); }

std::string shown(const std::string& path) {
    constexpr std::size_t kShown = 200;
    return path.size() <= kShown ? path : "..." + path.substr(path.size() - kShown);
}

std::optional<double> number_keyword(const Json& schema, const char* key, const std::string& path) {
    const auto found = schema.find(key);
    if (found == schema.end()) return std::nullopt;
    if (!found->is_number()) schema_fail(path, fmt::format("{} must be a number, not {}", key, found->dump()));
    return found->get<double>();
}

struct Bounds {
    std::optional<double> lo;
    std::optional<double> hi;
    bool lo_exclusive = false;
    bool hi_exclusive = false;
};

// The bounds the schema states; either may be absent.
Bounds declared_bounds(const Json& schema, const std::string& path) {
    Bounds b;
    b.lo = number_keyword(schema, "minimum", path);
    b.hi = number_keyword(schema, "maximum", path);
    auto exclusive = [&](const char* key, std::optional<double>& bound, bool& flag, bool lower) {
        const auto found = schema.find(key);
        if (found == schema.end()) return;
        if (found->is_boolean()) {  // draft 4: it qualifies minimum or maximum
            flag = found->get<bool>() && bound.has_value();
            return;
        }
        if (!found->is_number()) schema_fail(path, fmt::format("{} must be a number", key));
        const double v = found->get<double>();
        if (!bound || (lower ? v >= *bound : v <= *bound)) {
            bound = v;
            flag = true;
        }
    };
    exclusive("exclusiveMinimum", b.lo, b.lo_exclusive, true);
    exclusive("exclusiveMaximum", b.hi, b.hi_exclusive, false);
    return b;
}

// The declared bounds, both present: where one is missing, a range of 100
// (or of the other bound's size) from the other, so the number stays small
// and readable where it can.
Bounds bounds(const Json& schema, const std::string& path) {
    Bounds b = declared_bounds(schema, path);
    constexpr double kLargest = std::numeric_limits<double>::max();
    if (!b.lo && !b.hi) {
        b.lo = 0;
        b.hi = 100;
    } else if (!b.lo) {
        b.lo = std::max(-kLargest, *b.hi - std::max(100.0, std::abs(*b.hi)));
    } else if (!b.hi) {
        b.hi = std::min(kLargest, *b.lo + std::max(100.0, std::abs(*b.lo)));
    }
    return b;
}

// "no integer is >= 10 and <= 5"
std::string empty_range(std::string_view kind, const Bounds& b) {
    return fmt::format("no {} is {} {} and {} {}", kind, b.lo_exclusive ? ">" : ">=", *b.lo, b.hi_exclusive ? "<" : "<=", *b.hi);
}

std::optional<double> multiple_of(const Json& schema, const std::string& path) {
    const std::optional<double> m = number_keyword(schema, "multipleOf", path);
    if (m && !(*m > 0)) schema_fail(path, "multipleOf must be a number above 0");
    return m;
}

// The multiples k * step in the bounds, as the range of k (|k| <= 2^53,
// so k * step is computed exactly enough); nullopt if none.
std::optional<std::pair<std::int64_t, std::int64_t>> multiples(const Bounds& b, double step) {
    const double first = std::max(std::ceil(*b.lo / step), -kMaxExactInteger);
    const double last = std::min(std::floor(*b.hi / step), kMaxExactInteger);
    if (!(first <= last)) return std::nullopt;  // NaN included
    auto k_lo = static_cast<std::int64_t>(first);
    auto k_hi = static_cast<std::int64_t>(last);
    if (b.lo_exclusive && static_cast<double>(k_lo) * step <= *b.lo) ++k_lo;
    if (b.hi_exclusive && static_cast<double>(k_hi) * step >= *b.hi) --k_hi;
    if (k_lo > k_hi) return std::nullopt;
    return std::pair{k_lo, k_hi};
}

// Whether `v` is within the bounds that are present.
bool inside(double v, const Bounds& b) {
    return (!b.lo || (b.lo_exclusive ? v > *b.lo : v >= *b.lo)) && (!b.hi || (b.hi_exclusive ? v < *b.hi : v <= *b.hi));
}

// `v` with as few decimals as keep it inside the bounds and (within
// rounding) a multiple of `step`: 0.30000000000000004 comes out 0.3.
double tidy(double v, const Bounds& b, std::optional<double> step) {
    double scale = 1;
    for (int decimals = 0; decimals <= 15; ++decimals, scale *= 10) {
        const double r = std::round(v * scale) / scale;
        if (!std::isfinite(r) || !inside(r, b)) continue;
        if (step ? std::abs(r - v) <= *step * 1e-9 : std::abs(r - v) <= std::abs(*b.hi - *b.lo) * 1e-4) return r;
    }
    return v;
}

}  // namespace

void schema_fail(const std::string& path, const std::string& problem) { throw SchemaError(shown(path) + ": " + problem); }

void schema_unsatisfiable(const std::string& path, const std::string& problem) {
    throw Unsatisfiable(shown(path) + ": " + problem);
}

std::optional<std::int64_t> count_keyword(const Json& schema, const char* key, const std::string& path) {
    const auto found = schema.find(key);
    if (found == schema.end()) return std::nullopt;
    if (!found->is_number() || found->get<double>() < 0 || std::trunc(found->get<double>()) != found->get<double>())
        schema_fail(path, fmt::format("{} must be a non-negative integer, not {}", key, found->dump()));
    const double v = found->get<double>();
    return v > 1e15 ? std::int64_t{1'000'000'000'000'000} : static_cast<std::int64_t>(v);
}

std::string ScalarMaker::word() {
    const auto vocabulary = TextGenerator::vocabulary();
    return std::string(vocabulary[static_cast<std::size_t>(rng_.next() % vocabulary.size())]);
}

std::string ScalarMaker::words(int count) {
    std::string text = word();
    for (int i = 1; i < count; ++i) text += " " + word();
    return text;
}


std::optional<std::string> ScalarMaker::formatted(std::string_view format) {
    const std::int64_t month = rng_.between(1, 12);
    const std::int64_t day = rng_.between(1, 28);
    const std::int64_t hour = rng_.between(0, 23);
    const std::int64_t minute = rng_.between(0, 59);
    const std::string date = "2024-" + two_digits(month) + "-" + two_digits(day);
    const std::string time = two_digits(hour) + ":" + two_digits(minute) + ":00Z";
    if (format == "date") return date;
    if (format == "date-time") return date + "T" + time;
    if (format == "time") return time;
    if (format == "duration") return "P" + std::to_string(day) + "DT" + std::to_string(hour) + "H";
    if (format == "email" || format == "idn-email") return word() + "." + word() + "@example.com";
    if (format == "hostname" || format == "idn-hostname") return word() + ".example.com";
    if (format == "uri" || format == "iri" || format == "uri-reference" || format == "iri-reference" || format == "url")
        return "https://example.com/" + word();
    if (format == "ipv4") return "192.0.2." + std::to_string(rng_.between(1, 254));
    if (format == "ipv6") return fmt::format("2001:db8::{:x}", rng_.between(1, 0xffff));
    if (format == "uuid") {
        std::string hex = fmt::format("{:016x}{:016x}", rng_.next(), rng_.next());
        hex[12] = '4';                              // version 4
        hex[16] = "89ab"[rng_.next() % 4];          // the RFC 4122 variant
        return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
               hex.substr(20, 12);
    }
    return std::nullopt;  // an unknown format asserts nothing
}

std::string ScalarMaker::string(const Json& schema, const std::string& path, bool minimal) {
    const std::int64_t lo = count_keyword(schema, "minLength", path).value_or(0);
    const std::int64_t hi = count_keyword(schema, "maxLength", path).value_or(std::numeric_limits<std::int64_t>::max());
    if (lo > kMaxStringLength) schema_fail(path, fmt::format("minLength above {}", kMaxStringLength));
    if (lo > hi) schema_unsatisfiable(path, fmt::format("minLength {} is above maxLength {}", lo, hi));
    auto fits = [lo, hi](const std::string& text) {
        const auto length = static_cast<std::int64_t>(code_points(text));
        return length >= lo && length <= hi;
    };
    if (const auto pattern = schema.find("pattern"); pattern != schema.end()) {
        if (!pattern->is_string()) schema_fail(path, "pattern must be a string");
        for (int attempt = 0; attempt < kPatternTries; ++attempt) {
            std::string text;
            try {
                text = pattern_sample(pattern->get_ref<const std::string&>(), rng_);
            } catch (const SchemaError& e) {
                schema_fail(path, e.what());
            }
            if (fits(text)) return text;
        }
        schema_unsatisfiable(path, fmt::format("found no string of length {} to {} that matches the pattern", lo, hi));
    }
    if (const auto format = schema.find("format"); format != schema.end() && format->is_string()) {
        if (std::optional<std::string> text = formatted(format->get_ref<const std::string&>())) {
            if (!fits(*text))
                schema_unsatisfiable(path, fmt::format("a {} does not fit minLength {} and maxLength {}",
                                                       format->get<std::string>(), lo, hi));
            return *text;
        }
    }
    std::string text = words(minimal ? 1 : static_cast<int>(rng_.between(1, 3)));
    while (static_cast<std::int64_t>(text.size()) < lo) text += " " + word();
    if (static_cast<std::int64_t>(text.size()) > hi) text.resize(static_cast<std::size_t>(hi));
    return text;
}

// A k from the range: the first when a recursion must end, else one of
// the first 10,000 (a multiple near the lower bound reads better than one
// anywhere in a range of 2^53).
std::int64_t ScalarMaker::pick(std::int64_t lo, std::int64_t hi, bool minimal) {
    if (minimal) return lo;
    return rng_.between(lo, std::min(hi, lo + 10'000));
}

Json ScalarMaker::integer(const Json& schema, const std::string& path, bool minimal) {
    Bounds b = bounds(schema, path);
    // Integers only: an exclusive bound moves to the next integer inside it.
    b.lo = b.lo_exclusive ? std::floor(*b.lo) + 1 : std::ceil(*b.lo);
    b.hi = b.hi_exclusive ? std::ceil(*b.hi) - 1 : std::floor(*b.hi);
    b.lo_exclusive = b.hi_exclusive = false;
    if (*b.lo > kMaxExactInteger || *b.hi < -kMaxExactInteger)
        schema_unsatisfiable(path, "no integer in the bounds is one that JSON numbers hold exactly (|n| <= 2^53)");
    b.lo = std::max(*b.lo, -kMaxExactInteger);
    b.hi = std::min(*b.hi, kMaxExactInteger);
    double step = 1;
    if (const std::optional<double> m = multiple_of(schema, path)) {
        if (std::trunc(*m) == *m) {
            step = *m;
        } else {
            // The smallest integer multiple of m, if a small one exists (0.5 -> 1, 0.4 -> 2).
            step = 0;
            for (int k = 1; k <= 1000 && step == 0; ++k)
                if (const double v = k * *m; std::abs(v - std::round(v)) < 1e-9 && std::round(v) >= 1) step = std::round(v);
            if (step == 0) schema_unsatisfiable(path, fmt::format("no small integer is a multiple of {}", *m));
        }
    }
    if (*b.lo > *b.hi) schema_unsatisfiable(path, empty_range("integer", b));
    const auto range = multiples(b, step);
    if (!range) schema_unsatisfiable(path, fmt::format("no integer from {} to {} is a multiple of {}", *b.lo, *b.hi, step));
    return static_cast<std::int64_t>(static_cast<double>(pick(range->first, range->second, minimal)) * step);
}

Json ScalarMaker::number(const Json& schema, const std::string& path, bool minimal) {
    const Bounds b = bounds(schema, path);
    if (*b.lo > *b.hi || (*b.lo == *b.hi && (b.lo_exclusive || b.hi_exclusive))) schema_unsatisfiable(path, empty_range("number", b));
    if (const std::optional<double> m = multiple_of(schema, path)) {
        const auto range = multiples(b, *m);
        if (!range) schema_unsatisfiable(path, fmt::format("no number from {} to {} is a multiple of {}", *b.lo, *b.hi, *m));
        return tidy(static_cast<double>(pick(range->first, range->second, minimal)) * *m, b, m);
    }
    if (*b.lo == *b.hi) return *b.lo;
    // Somewhere well inside the range; lo * (1 - u) + hi * u cannot overflow.
    const double u = minimal ? 0.5 : 0.1 + 0.8 * rng_.uniform();
    double v = *b.lo * (1 - u) + *b.hi * u;
    if (!inside(v, b)) v = std::nextafter(*b.lo, *b.hi);
    if (!inside(v, b)) schema_unsatisfiable(path, empty_range("number", b));
    return tidy(v, b, std::nullopt);
}

}  // namespace agentio::sim::detail

namespace agentio::sim::detail {

std::optional<Json> admitted_number(const Json& schema, double v, bool integer, const std::string& path) {
    if (!std::isfinite(v)) return std::nullopt;
    const bool whole = std::trunc(v) == v && std::abs(v) <= kMaxExactInteger;
    if (integer && !whole) return std::nullopt;
    if (!inside(v, declared_bounds(schema, path))) return std::nullopt;
    if (const std::optional<double> m = multiple_of(schema, path)) {
        const double k = v / *m;
        if (std::abs(k - std::round(k)) > 1e-9 * std::max(1.0, std::abs(k))) return std::nullopt;
    }
    if (whole) return Json(static_cast<std::int64_t>(v));
    return Json(v);
}

bool takes_offered_string(const Json& schema) { return !schema.contains("pattern") && !schema.contains("format"); }

std::optional<std::string> admitted_string(const Json& schema, std::string text, const std::string& path) {
    const std::int64_t lo = count_keyword(schema, "minLength", path).value_or(0);
    const std::optional<std::int64_t> hi = count_keyword(schema, "maxLength", path);
    if (hi && static_cast<std::int64_t>(code_points(text)) > *hi) {
        // Cut after the hi-th code point: never inside a UTF-8 sequence.
        std::int64_t seen = 0;
        std::size_t end = 0;
        for (; end < text.size(); ++end) {
            if ((static_cast<unsigned char>(text[end]) & 0xC0) != 0x80 && seen++ == *hi) break;
        }
        text.resize(end);
    }
    if (static_cast<std::int64_t>(code_points(text)) < lo) return std::nullopt;
    return text;
}

}  // namespace agentio::sim::detail
