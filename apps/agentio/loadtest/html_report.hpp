// html_report.hpp: a load test as one self-contained HTML file.
//
// No network and no external script: the page is report.html (beside this
// file), the result JSON is put into it, and its inline script draws every
// chart into inline SVG: CDFs and histograms of TTFT, TPOT, ITL and E2EL,
// requests and output tokens per second, and requests in flight, on axes
// fitted to the data with round ticks, values on hover, and a light and a
// dark theme that follow the reader's preference. Each chart's SVG gets
// data-drawn="true" once drawn; the test renders the page in Chromium and
// checks every chart's data lies within its axes.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace agentio::cli::loadtest {

std::string html_report(const nlohmann::json& result);

}  // namespace agentio::cli::loadtest
