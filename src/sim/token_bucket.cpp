// token_bucket.cpp: the continuous refill, kept as a fractional level.
#include "agentio/sim/token_bucket.hpp"

#include <algorithm>
#include <cmath>

namespace agentio::sim {

namespace {

// Tolerance on the level: a level short of n by less than this counts as n,
// so a wait computed by time_until() is always long enough despite rounding.
constexpr double kSlack = 1e-6;

}  // namespace

TokenBucket::TokenBucket(std::int64_t capacity, Duration period, TimePoint now) noexcept
    : capacity_(std::max<std::int64_t>(capacity, 1)),
      period_(period > Duration::zero() ? period : Duration(1)),
      level_(static_cast<double>(capacity_)),
      updated_(now) {}

void TokenBucket::refill(TimePoint now) noexcept {
    if (now <= updated_) return;
    const double elapsed = static_cast<double>((now - updated_).count());
    level_ = std::min(static_cast<double>(capacity_),
                      level_ + elapsed * static_cast<double>(capacity_) / static_cast<double>(period_.count()));
    updated_ = now;
}

std::int64_t TokenBucket::available(TimePoint now) noexcept {
    refill(now);
    return static_cast<std::int64_t>(std::floor(level_ + kSlack));
}

bool TokenBucket::try_take(std::int64_t n, TimePoint now) noexcept {
    refill(now);
    if (level_ + kSlack < static_cast<double>(n)) return false;
    level_ = std::max(0.0, level_ - static_cast<double>(n));
    return true;
}

std::optional<Duration> TokenBucket::time_until(std::int64_t n, TimePoint now) noexcept {
    if (n > capacity_) return std::nullopt;
    refill(now);
    const double missing = static_cast<double>(n) - level_;
    if (missing <= kSlack) return Duration::zero();
    const double ns = std::ceil(missing * static_cast<double>(period_.count()) / static_cast<double>(capacity_));
    return Duration(static_cast<Duration::rep>(ns));
}

Duration TokenBucket::time_until_full(TimePoint now) noexcept {
    return time_until(capacity_, now).value_or(Duration::zero());
}

}  // namespace agentio::sim
