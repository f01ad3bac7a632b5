// html_report.hpp: a load test as one self-contained HTML file.
//
// No network and no external script: the result JSON is embedded and a
// small inline script draws each plot into inline SVG (latency CDFs of TTFT,
// TPOT and E2EL, a TTFT histogram, throughput per second). Each plot's SVG
// gets data-drawn="true" once drawn, which the test checks in a real
// browser.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace agentio::cli::loadtest {

std::string html_report(const nlohmann::json& result);

}  // namespace agentio::cli::loadtest
