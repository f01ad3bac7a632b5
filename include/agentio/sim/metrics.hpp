// metrics.hpp: Metrics, the simulator's counters, rendered for GET /metrics.
//
// Prometheus text exposition format 0.0.4. Names start with agentio_sim_:
//   requests_total{route,status}            responses sent (streams count
//                                           when their head goes out)
//   prompt_tokens_total, completion_tokens_total
//   rate_limited_total{limit="requests"|"tokens"}   429s from the limits
//   faults_total{kind="429"|"500"|"503"|"reset"|"stall"|"malformed"}
//   streams_active                          streamed replies in progress
//   request_duration_seconds{route}         histogram, from the request's
//                                           head to its last byte handed to
//                                           the socket
// Every family is always present, with zeros, so a scrape's shape does not
// depend on what traffic came first. Series come out in a fixed order.
// Single-threaded, like the loop that owns it.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "agentio/core/clock.hpp"
#include "agentio/sim/fault.hpp"

namespace agentio::sim {

class Metrics {
public:
    // Upper bounds of the latency buckets, in seconds (+Inf is implied).
    static constexpr std::array<double, 14> kBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                      1,     2.5,  5,     10,   30,  60,   120};

    void count_response(std::string_view route, int status);
    void observe_duration(std::string_view route, Duration duration);
    void add_tokens(std::int64_t prompt, std::int64_t completion) noexcept;
    void count_rate_limited(std::string_view limit_type);
    void count_fault(Fault fault) noexcept;
    void stream_started() noexcept { ++streams_active_; }
    void stream_ended() noexcept { --streams_active_; }

    std::uint64_t responses(std::string_view route, int status) const;
    std::int64_t streams_active() const noexcept { return streams_active_; }

    // The exposition text.
    std::string render() const;

private:
    struct Histogram {
        std::array<std::uint64_t, kBuckets.size()> counts{};  // not cumulative
        double sum = 0;
        std::uint64_t count = 0;
    };

    // Orders (route, status) keys whatever string type holds the route, so a
    // lookup by string_view does not build a string.
    struct KeyLess {
        using is_transparent = void;
        template <class A, class B>
        bool operator()(const A& a, const B& b) const noexcept {
            const std::string_view ra(a.first), rb(b.first);
            return ra < rb || (ra == rb && a.second < b.second);
        }
    };

    std::map<std::pair<std::string, int>, std::uint64_t, KeyLess> responses_;
    std::map<std::string, Histogram, std::less<>> durations_;
    std::uint64_t prompt_tokens_ = 0;
    std::uint64_t completion_tokens_ = 0;
    std::uint64_t limited_requests_ = 0;
    std::uint64_t limited_tokens_ = 0;
    std::array<std::uint64_t, 7> faults_{};  // by Fault
    std::int64_t streams_active_ = 0;
};

}  // namespace agentio::sim
