// sim::Metrics: the Prometheus text, with every family present from the
// start and a cumulative histogram.
#include <agentio/sim/metrics.hpp>
#include <gtest/gtest.h>

using namespace agentio;
using namespace std::chrono_literals;

namespace {

bool has_line(const std::string& text, const std::string& line) { return text.find(line + "\n") != std::string::npos; }

TEST(MetricsTest, EveryFamilyIsThereWithZerosBeforeAnyTraffic) {
    const std::string text = sim::Metrics().render();
    for (const char* family : {"requests_total counter", "prompt_tokens_total counter", "completion_tokens_total counter",
                               "rate_limited_total counter", "faults_total counter", "streams_active gauge",
                               "request_duration_seconds histogram"})
        EXPECT_TRUE(has_line(text, std::string("# TYPE agentio_sim_") + family)) << family;
    EXPECT_TRUE(has_line(text, "agentio_sim_prompt_tokens_total 0"));
    EXPECT_TRUE(has_line(text, R"(agentio_sim_rate_limited_total{limit="tokens"} 0)"));
    EXPECT_TRUE(has_line(text, R"(agentio_sim_faults_total{kind="malformed"} 0)"));
}

TEST(MetricsTest, CountersAndTheHistogramMove) {
    sim::Metrics metrics;
    metrics.count_response("/v1/chat/completions", 200);
    metrics.count_response("/v1/chat/completions", 200);
    metrics.count_response("/v1/chat/completions", 429);
    metrics.add_tokens(10, 32);
    metrics.count_rate_limited("requests");
    metrics.count_fault(sim::Fault::stall);
    metrics.stream_started();
    metrics.observe_duration("/v1/chat/completions", 3ms);
    metrics.observe_duration("/v1/chat/completions", 70ms);
    metrics.observe_duration("/v1/chat/completions", 500s);
    EXPECT_EQ(metrics.responses("/v1/chat/completions", 200), 2u);
    const std::string text = metrics.render();
    EXPECT_TRUE(has_line(text, R"(agentio_sim_requests_total{route="/v1/chat/completions",status="200"} 2)")) << text;
    EXPECT_TRUE(has_line(text, R"(agentio_sim_requests_total{route="/v1/chat/completions",status="429"} 1)"));
    EXPECT_TRUE(has_line(text, "agentio_sim_completion_tokens_total 32"));
    EXPECT_TRUE(has_line(text, R"(agentio_sim_rate_limited_total{limit="requests"} 1)"));
    EXPECT_TRUE(has_line(text, R"(agentio_sim_faults_total{kind="stall"} 1)"));
    EXPECT_TRUE(has_line(text, "agentio_sim_streams_active 1"));
    const std::string series = R"(agentio_sim_request_duration_seconds_bucket{route="/v1/chat/completions",le=)";
    EXPECT_TRUE(has_line(text, series + R"("0.005"} 1)")) << text;
    EXPECT_TRUE(has_line(text, series + R"("0.05"} 1)"));
    EXPECT_TRUE(has_line(text, series + R"("0.1"} 2)"));
    EXPECT_TRUE(has_line(text, series + R"("120"} 2)"));
    EXPECT_TRUE(has_line(text, series + R"("+Inf"} 3)"));
    EXPECT_TRUE(has_line(text, R"(agentio_sim_request_duration_seconds_sum{route="/v1/chat/completions"} 500.073)")) << text;
    EXPECT_TRUE(has_line(text, R"(agentio_sim_request_duration_seconds_count{route="/v1/chat/completions"} 3)"));
}

}  // namespace
