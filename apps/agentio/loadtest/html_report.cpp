#include "loadtest/html_report.hpp"

namespace agentio::cli::loadtest {
namespace {

// The page around the data. The script reads window.RESULT.
constexpr const char* kHead = R"HTML(<!doctype html>
<html><head><meta charset="utf-8"><title>agentio bench</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 20px; } h2 { font-size: 15px; margin: 18px 0 6px; }
table { border-collapse: collapse; } td, th { padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: right; }
td:first-child, th:first-child { text-align: left; }
.plots { display: flex; flex-wrap: wrap; gap: 18px; }
figure { margin: 0; } figcaption { font-weight: 600; margin-bottom: 4px; }
svg { background: #fafafa; border: 1px solid #e4e4e4; }
</style></head><body>
<h1>agentio bench</h1>
<div id="summary"></div>
<div class="plots">
<figure><figcaption>TTFT CDF (ms)</figcaption><svg id="cdf-ttft" width="420" height="260"></svg></figure>
<figure><figcaption>TPOT CDF (ms)</figcaption><svg id="cdf-tpot" width="420" height="260"></svg></figure>
<figure><figcaption>E2EL CDF (ms)</figcaption><svg id="cdf-e2el" width="420" height="260"></svg></figure>
<figure><figcaption>TTFT histogram (ms)</figcaption><svg id="hist-ttft" width="420" height="260"></svg></figure>
<figure><figcaption>Throughput per second (requests, output tokens / 10)</figcaption><svg id="throughput" width="420" height="260"></svg></figure>
</div>
<script>window.RESULT = )HTML";

constexpr const char* kTail = R"HTML(;</script>
<script>
(function () {
  const R = window.RESULT, NS = "http://www.w3.org/2000/svg";
  const W = 420, H = 260, L = 48, B = 28, T = 10, Rm = 10;
  function el(svg, name, attrs, text) {
    const e = document.createElementNS(NS, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    svg.appendChild(e); return e;
  }
  function axes(svg, xmax, ymax) {
    el(svg, "line", {x1: L, y1: H - B, x2: W - Rm, y2: H - B, stroke: "#555"});
    el(svg, "line", {x1: L, y1: T, x2: L, y2: H - B, stroke: "#555"});
    for (let i = 0; i <= 4; i++) {
      const x = L + (W - L - Rm) * i / 4, y = H - B - (H - B - T) * i / 4;
      el(svg, "text", {x: x, y: H - 8, "font-size": 10, "text-anchor": "middle"}, (xmax * i / 4).toPrecision(3));
      el(svg, "text", {x: L - 4, y: y + 3, "font-size": 10, "text-anchor": "end"}, (ymax * i / 4).toPrecision(3));
    }
  }
  const sx = (x, xmax) => L + (W - L - Rm) * (xmax > 0 ? x / xmax : 0);
  const sy = (y, ymax) => H - B - (H - B - T) * (ymax > 0 ? y / ymax : 0);
  function cdf(id, values) {
    const svg = document.getElementById(id), v = values.slice().sort((a, b) => a - b);
    const xmax = v.length ? v[v.length - 1] : 1;
    axes(svg, xmax, 1);
    let d = "";
    v.forEach((x, i) => { d += (i ? "L" : "M") + sx(x, xmax).toFixed(1) + "," + sy((i + 1) / v.length, 1).toFixed(1); });
    if (d) el(svg, "path", {d: d, fill: "none", stroke: "#2a6fdb", "stroke-width": 2});
    svg.setAttribute("data-drawn", "true");
  }
  function histogram(id, values, bins) {
    const svg = document.getElementById(id);
    const xmax = values.reduce((m, x) => Math.max(m, x), 0) || 1, counts = new Array(bins).fill(0);
    values.forEach(x => counts[Math.min(bins - 1, Math.floor(x / xmax * bins))]++);
    const ymax = counts.reduce((m, c) => Math.max(m, c), 1);
    axes(svg, xmax, ymax);
    counts.forEach((c, i) => {
      const x0 = sx(xmax * i / bins, xmax), x1 = sx(xmax * (i + 1) / bins, xmax);
      el(svg, "rect", {x: x0 + 1, y: sy(c, ymax), width: Math.max(1, x1 - x0 - 2), height: sy(0, ymax) - sy(c, ymax), fill: "#2a6fdb"});
    });
    svg.setAttribute("data-drawn", "true");
  }
  function throughput(id, requests) {
    const svg = document.getElementById(id), done = {}, tokens = {};
    let last = 0;
    requests.filter(r => r.ok).forEach(r => {
      const s = Math.floor(r.start_s + r.e2el_s); last = Math.max(last, s);
      done[s] = (done[s] || 0) + 1; tokens[s] = (tokens[s] || 0) + r.output_tokens / 10;
    });
    let ymax = 1;
    for (let s = 0; s <= last; s++) ymax = Math.max(ymax, done[s] || 0, tokens[s] || 0);
    axes(svg, last + 1, ymax);
    [[done, "#2a6fdb"], [tokens, "#d9822b"]].forEach(([series, color]) => {
      let d = "";
      for (let s = 0; s <= last; s++) d += (s ? "L" : "M") + sx(s + 0.5, last + 1).toFixed(1) + "," + sy(series[s] || 0, ymax).toFixed(1);
      el(svg, "path", {d: d, fill: "none", stroke: color, "stroke-width": 2});
    });
    svg.setAttribute("data-drawn", "true");
  }
  const ok = R.requests.filter(r => r.ok);
  const rows = [["Successful requests", R.completed], ["Failed requests", R.failed],
    ["Duration (s)", R.duration_s.toFixed(2)], ["Request throughput (req/s)", R.request_throughput.toFixed(2)],
    ["Output token throughput (tok/s)", R.output_throughput.toFixed(1)],
    ["Total token throughput (tok/s)", R.total_token_throughput.toFixed(1)],
    ["Goodput (req/s)", R.goodput === null ? "-" : R.goodput.toFixed(2)]];
  let html = "<table><tr><th>metric</th><th>value</th></tr>" + rows.map(r => "<tr><td>" + r[0] + "</td><td>" + r[1] + "</td></tr>").join("");
  html += "</table><h2>Latency (ms)</h2><table><tr><th></th><th>mean</th><th>median</th><th>p90</th><th>p99</th></tr>";
  ["ttft_ms", "tpot_ms", "itl_ms", "e2el_ms"].forEach(k => {
    const s = R[k]; html += "<tr><td>" + k.replace("_ms", "").toUpperCase() + "</td>" +
      [s.mean, s.median, s.p90, s.p99].map(x => "<td>" + x.toFixed(2) + "</td>").join("") + "</tr>";
  });
  document.getElementById("summary").innerHTML = html + "</table>";
  cdf("cdf-ttft", ok.map(r => r.ttft_s * 1000));
  cdf("cdf-tpot", ok.filter(r => r.output_tokens > 1).map(r => (r.e2el_s - r.ttft_s) / (r.output_tokens - 1) * 1000));
  cdf("cdf-e2el", ok.map(r => r.e2el_s * 1000));
  histogram("hist-ttft", ok.map(r => r.ttft_s * 1000), 30);
  throughput("throughput", R.requests);
})();
</script></body></html>
)HTML";

}  // namespace

std::string html_report(const nlohmann::json& result) {
    // No '<' at all inside the <script> element: "</script>" would end it
    // early and "<!--" would change how it is parsed. In JSON text a '<'
    // can only stand inside a string, where \u003c means the same.
    const std::string json = result.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::string data;
    data.reserve(json.size());
    for (const char c : json) {
        if (c == '<') data += "\\u003c";
        else data += c;
    }
    return std::string(kHead) + data + kTail;
}

}  // namespace agentio::cli::loadtest
