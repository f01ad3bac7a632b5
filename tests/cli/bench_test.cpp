// agentio bench: the schedule, the metrics as vllm defines them, the SLO
// flags, and a run end to end whose HTML report is drawn by a real browser.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

#include "agentio/core/errors.hpp"
#include "cli/run_agentio.hpp"
#include "loadtest/html_report.hpp"
#include "loadtest/metrics.hpp"
#include "loadtest/schedule.hpp"

namespace fs = std::filesystem;
using agentio::testkit::CommandResult;
using agentio::testkit::read_file;
using agentio::testkit::run_agentio;
using agentio::testkit::Streams;
using namespace agentio::cli;

namespace {

double mean_gap(const std::vector<double>& times) { return times.back() / static_cast<double>(times.size() - 1); }

double gap_variance(const std::vector<double>& times) {
    const double m = mean_gap(times);
    double sum = 0;
    for (std::size_t i = 1; i < times.size(); ++i) sum += (times[i] - times[i - 1] - m) * (times[i] - times[i - 1] - m);
    return sum / static_cast<double>(times.size() - 1);
}

// `agentio bench ARGS` against the embedded simulator: its exit code, and
// what it printed in `output`.
int bench(const std::string& args, std::string& output) {
    const CommandResult result = run_agentio("bench " + args, "", Streams::merged, 120);
    output = result.out;
    return result.code;
}

}  // namespace

TEST(BenchScheduleTest, GapsAverageOneOverTheRateAndBurstinessOnlyChangesTheirSpread) {
    const auto poisson = loadtest::send_times(20000, 50, 1.0, 7);
    const auto bursty = loadtest::send_times(20000, 50, 0.25, 7);
    const auto regular = loadtest::send_times(20000, 50, 8.0, 7);
    EXPECT_NEAR(mean_gap(poisson), 0.02, 0.001);
    EXPECT_NEAR(mean_gap(bursty), 0.02, 0.001);
    EXPECT_NEAR(mean_gap(regular), 0.02, 0.001);
    // Gamma(shape k, scale 1/(R k)) has variance 1/(R^2 k).
    EXPECT_NEAR(gap_variance(poisson), 0.0004, 0.00004);
    EXPECT_GT(gap_variance(bursty), 3 * gap_variance(poisson));
    EXPECT_LT(gap_variance(regular), gap_variance(poisson) / 4);
    EXPECT_EQ(loadtest::send_times(100, 50, 1.0, 7), loadtest::send_times(100, 50, 1.0, 7));
    EXPECT_NE(loadtest::send_times(100, 50, 1.0, 7), loadtest::send_times(100, 50, 1.0, 8));
    const auto at_once = loadtest::send_times(10, std::numeric_limits<double>::infinity(), 1.0, 7);
    EXPECT_EQ(at_once, std::vector<double>(10, 0.0));
}

TEST(BenchMetricsTest, TpotItlThroughputAndGoodputAsVllmComputesThem) {
    std::vector<loadtest::RequestResult> results(3);
    results[0] = {true, "", 0.0, 0.100, 0.500, {0.1, 0.1, 0.1, 0.1}, 10, 5};  // TPOT (0.5-0.1)/4 = 100 ms
    results[1] = {true, "", 0.5, 0.300, 0.400, {0.1}, 20, 2};                // TPOT 100 ms, TTFT 300 ms
    results[2] = {false, "boom", 1.0, 0, 0, {}, 0, 0};
    loadtest::Slo slo = loadtest::parse_slo({"ttft:200", "tpot:150"});
    const loadtest::Summary s = loadtest::summarize(results, 2.0, slo);
    EXPECT_EQ(s.completed, 2);
    EXPECT_EQ(s.failed, 1);
    EXPECT_DOUBLE_EQ(s.request_throughput, 1.0);
    EXPECT_DOUBLE_EQ(s.output_throughput, 3.5);
    EXPECT_DOUBLE_EQ(s.total_token_throughput, 18.5);
    EXPECT_DOUBLE_EQ(s.tpot_ms.mean(), 100.0);
    EXPECT_EQ(s.itl_ms.count(), 5u);  // pooled over requests
    EXPECT_DOUBLE_EQ(s.ttft_ms.median(), 200.0);
    ASSERT_TRUE(s.goodput);
    EXPECT_DOUBLE_EQ(*s.goodput, 0.5);  // the second request missed the TTFT SLO
    const nlohmann::json json = loadtest::to_json(s, results, {{"seed", 0}});
    EXPECT_EQ(json["completed"], 2);
    EXPECT_EQ(json["requests"].size(), 3u);
    EXPECT_DOUBLE_EQ(json["e2el_ms"]["mean"].get<double>(), 450.0);
}

TEST(BenchMetricsTest, GoodputFlagsAreCheckedAndNamed) {
    EXPECT_FALSE(loadtest::parse_slo({}).any());
    EXPECT_EQ(*loadtest::parse_slo({"e2el:2000"}).e2el_ms, 2000.0);
    for (const char* bad : {"ttft", "ttft:abc", "ttft:-5", "speed:10"}) {
        try {
            loadtest::parse_slo({bad});
            ADD_FAILURE() << bad << " was accepted";
        } catch (const agentio::Error& e) {
            EXPECT_NE(std::string(e.what()).find("--goodput"), std::string::npos) << e.what();
        }
    }
}

// A page that loads the report in a frame and measures it from outside, as
// the browser laid it out: for each chart, whether its data lies within its
// plot area, whether every label lies within the chart, and the tick labels.
constexpr const char* kReportChecker = R"HTML(<!doctype html><html><body><pre id="out">pending</pre>
<iframe id="report" src="r.html" width="1400" height="3000"></iframe>
<script>
document.getElementById("report").addEventListener("load", () => {
  const doc = document.getElementById("report").contentDocument;
  const charts = [];
  for (const svg of doc.querySelectorAll("svg.chart")) {
    const frame = svg.querySelector("rect.frame").getBoundingClientRect();
    const box = svg.getBoundingClientRect();
    const data = [...svg.querySelectorAll(".data")];
    const within = (b, outer) => b.left >= outer.left - 1.5 && b.top >= outer.top - 1.5 &&
                                 b.right <= outer.right + 1.5 && b.bottom <= outer.bottom + 1.5;
    charts.push({
      title: svg.parentNode.querySelector("figcaption").textContent,
      drawn: svg.getAttribute("data-drawn"),
      data: data.length,
      data_within_axes: data.length > 0 && data.every(d => within(d.getBoundingClientRect(), frame)),
      labels_within_chart: [...svg.querySelectorAll("text")].every(t => within(t.getBoundingClientRect(), box)),
      ticks: [...svg.querySelectorAll("text.tick")].map(t => t.textContent),
    });
  }
  document.getElementById("out").textContent = JSON.stringify({
    charts: charts, background: getComputedStyle(doc.body).backgroundColor,
    settings: doc.getElementById("settings").textContent, summary: doc.getElementById("summary").textContent});
});
</script></body></html>)HTML";

// The checker's findings: Chromium renders the page and prints its DOM.
nlohmann::json check_report_in_chromium(const fs::path& dir, const std::string& extra_flags) {
    std::ofstream(dir / "check.html") << kReportChecker;
    const std::string render = "timeout 120 chromium --headless --no-sandbox --disable-gpu --allow-file-access-from-files "
                               "--virtual-time-budget=10000 " + extra_flags + " --dump-dom file://" +
                               (dir / "check.html").string() + " > " + (dir / "dom").string() + " 2>/dev/null";
    if (std::system(render.c_str()) != 0) return nullptr;
    const std::string dom = read_file(dir / "dom");
    const std::size_t open = dom.find("<pre id=\"out\">"), close = dom.find("</pre>", open);
    if (open == std::string::npos || close == std::string::npos) return nullptr;
    std::string text = dom.substr(open + 14, close - open - 14);
    for (const auto& [entity, c] : {std::pair{"&lt;", "<"}, std::pair{"&gt;", ">"}, std::pair{"&amp;", "&"}})
        for (std::size_t at = text.find(entity); at != std::string::npos; at = text.find(entity, at + 1))
            text.replace(at, std::strlen(entity), c);
    return nlohmann::json::parse(text, nullptr, false);
}

TEST(BenchCommandTest, ARunWritesJsonAndAnHtmlReportWhoseChartsDrawWithinTheirAxesInChromium) {
    const fs::path dir = fs::temp_directory_path() / ("agentio-bench-test-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string command = "env -u OPENAI_BASE_URL timeout 120 " + std::string(AGENTIO_BIN) +
                                " bench --num-prompts 50 --request-rate 100 --max-concurrency 10 --output-len 20 --json " +
                                (dir / "r.json").string() + " --html " + (dir / "r.html").string() + " > " +
                                (dir / "out").string() + " 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << read_file(dir / "out");
    const nlohmann::json result = nlohmann::json::parse(read_file(dir / "r.json"));
    EXPECT_EQ(result["completed"], 50);
    EXPECT_EQ(result["failed"], 0);
    for (const auto& request : result["requests"]) {
        EXPECT_GE(request["ttft_s"].get<double>(), 0.2);  // the simulator's 300 ms, minus its 20% spread
        EXPECT_GE(request["e2el_s"].get<double>(), request["ttft_s"].get<double>());
    }
    EXPECT_NE(read_file(dir / "out").find("Mean TTFT (ms):"), std::string::npos);
    const std::string page = read_file(dir / "r.html");
    for (const char* fetch : {"<script src", "<link", "@import", "url(", "<img"})
        EXPECT_EQ(page.find(fetch), std::string::npos) << "the report loads nothing from elsewhere: " << fetch;
    EXPECT_NE(page.find("prefers-color-scheme: dark"), std::string::npos);

    // The report must draw in a real browser (./dev installs Debian's chromium).
    ASSERT_EQ(std::system("command -v chromium > /dev/null"), 0) << "chromium is not installed (./dev installs it)";
    const nlohmann::json light = check_report_in_chromium(dir, "");
    ASSERT_TRUE(light.is_object()) << read_file(dir / "dom");
    std::set<std::string> titles;
    for (const auto& chart : light["charts"]) {
        const std::string title = chart["title"];
        titles.insert(title);
        EXPECT_EQ(chart["drawn"], "true") << title;
        EXPECT_TRUE(chart["data_within_axes"].get<bool>()) << title << ": data outside the axes: " << chart.dump();
        EXPECT_TRUE(chart["labels_within_chart"].get<bool>()) << title << ": a label is cut off: " << chart.dump();
        EXPECT_GE(chart["ticks"].size(), 4u) << title;
        for (const auto& tick : chart["ticks"]) {
            const std::string label = tick;
            EXPECT_EQ(label.find_first_of("eE"), std::string::npos) << title << ": " << label;
            EXPECT_EQ(label.find("NaN"), std::string::npos) << title;
        }
    }
    for (const char* expected : {"TTFT CDF", "TPOT CDF", "ITL CDF", "E2EL CDF", "TTFT histogram", "TPOT histogram",
                                 "ITL histogram", "E2EL histogram", "Requests completed per second",
                                 "Output tokens per second", "Requests in flight"})
        EXPECT_EQ(titles.count(expected), 1u) << expected;
    // The run's settings and summary are on the page, not only in its data.
    for (const char* setting : {"sim-small", "request rate", "max concurrency", "10", "output length"})
        EXPECT_NE(light["settings"].get<std::string>().find(setting), std::string::npos) << setting;
    EXPECT_NE(light["summary"].get<std::string>().find("successful requests50"), std::string::npos) << light["summary"];

    // Dark when the reader prefers it.
    const nlohmann::json dark = check_report_in_chromium(dir, "--force-dark-mode");
    ASSERT_TRUE(dark.is_object()) << read_file(dir / "dom");
    EXPECT_EQ(light["background"], "rgb(255, 255, 255)");
    EXPECT_EQ(dark["background"], "rgb(21, 24, 28)");

    // And a screenshot of it renders.
    const std::string shot = "timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars "
                             "--window-size=1400,2400 --screenshot=" + (dir / "report.png").string() + " file://" +
                             (dir / "r.html").string() + " > /dev/null 2>&1";
    ASSERT_EQ(std::system(shot.c_str()), 0);
    EXPECT_GT(fs::file_size(dir / "report.png"), 20'000u);
    fs::remove_all(dir);
}

TEST(BenchCommandTest, AnInfiniteRateIsAcceptedAndBadNumbersOrPathsAreRefusedBeforeAnyRequest) {
    std::string output;
    EXPECT_EQ(bench("--num-prompts 5 --request-rate inf --output-len 3", output), 0) << output;
    EXPECT_NE(output.find("rate inf"), std::string::npos) << output;

    EXPECT_EQ(bench("--request-rate nan", output), 2);
    EXPECT_NE(output.find("--request-rate: nan is not a number > 0 or inf"), std::string::npos) << output;
    EXPECT_EQ(bench("--burstiness 0", output), 2);
    EXPECT_NE(output.find("--burstiness: 0 is not a number > 0"), std::string::npos) << output;
    EXPECT_EQ(bench("--goodput ttft:inf", output), 2);
    EXPECT_NE(output.find("ttft:inf"), std::string::npos) << output;
    EXPECT_EQ(bench("--json /nonexistent-dir/r.json", output), 2);
    EXPECT_NE(output.find("cannot write /nonexistent-dir/r.json: No such file or directory"), std::string::npos) << output;
    EXPECT_EQ(output.find("requests, rate"), std::string::npos) << output;  // nothing was sent
    EXPECT_EQ(bench("--base-url http://127.0.0.1:1/v1 --num-prompts 1", output), 2);
    EXPECT_NE(output.find("no --model: an endpoint named by --base-url has no default model"), std::string::npos) << output;
    EXPECT_EQ(output.find("requests, rate"), std::string::npos) << output;
}

TEST(BenchCommandTest, JsonToStandardOutputIsTheReportAloneWithTheTableOnStderr) {
    const CommandResult r = run_agentio("bench --num-prompts 4 --output-len 3 --json -", "", Streams::separate, 120);
    EXPECT_EQ(r.code, 0) << r.err;
    const nlohmann::json report = nlohmann::json::parse(r.out, nullptr, false);
    ASSERT_FALSE(report.is_discarded()) << r.out.substr(0, 500);
    EXPECT_EQ(report["completed"], 4) << r.out.substr(0, 500);
    EXPECT_NE(r.err.find("Successful requests"), std::string::npos) << r.err;  // the table
}

// The report of `bench ARGS --json -`, or a discarded value when the run failed.
nlohmann::json bench_report(const std::string& args, CommandResult& r) {
    r = run_agentio("bench " + args + " --json -", "", Streams::separate, 120);
    return nlohmann::json::parse(r.out, nullptr, false);
}

std::string write_scratch(const std::string& name, const std::string& text) {
    const std::filesystem::path path = agentio::testkit::scratch_path(name);
    std::ofstream(path) << text;
    return path.string();
}

TEST(BenchCommandTest, IgnoreEosGivesEveryReplyExactlyItsOutputLengthAndTheJsonHasVllmsNames) {
    CommandResult r;
    const nlohmann::json report = bench_report("--num-prompts 6 --output-len 17 --ignore-eos", r);
    ASSERT_FALSE(report.is_discarded()) << r.err;
    EXPECT_EQ(report["completed"], 6);
    EXPECT_EQ(report["output_lens"], nlohmann::json::array({17, 17, 17, 17, 17, 17}));
    for (const char* key : {"duration", "request_throughput", "mean_ttft_ms", "median_tpot_ms", "p99_itl_ms", "std_e2el_ms",
                            "input_lens", "ttfts", "itls", "errors", "num_prompts", "model_id"})
        EXPECT_TRUE(report.contains(key)) << key;
}

TEST(BenchCommandTest, RandomPromptsAreExactlyTheirInputLengthInTokensOfTheModelsEncoding) {
    CommandResult r;
    const nlohmann::json report = bench_report("--num-prompts 5 --input-len 64 --output-len 3", r);
    ASSERT_FALSE(report.is_discarded()) << r.err;
    // The simulator counts the prompt with the model's encoding, as the API
    // does: the text's 64 tokens plus the chat framing (3 per message, 1 for
    // "user", 3 priming the reply).
    EXPECT_EQ(report["input_lens"], nlohmann::json::array({71, 71, 71, 71, 71}));
    const nlohmann::json ranged = bench_report("--num-prompts 20 --input-len 100 --output-len 3 --range-ratio 0.5", r);
    ASSERT_FALSE(ranged.is_discarded()) << r.err;
    for (const auto& length : ranged["input_lens"]) {
        EXPECT_GE(length.get<int>(), 50 + 7);
        EXPECT_LE(length.get<int>(), 150 + 7);
    }
}

TEST(BenchCommandTest, AJsonlDatasetSendsItsRequestsInOrderAgainAndAgain) {
    const std::string file = write_scratch(
        "prompts.jsonl",
        R"({"prompt": "one", "max_tokens": 3})" "\n"
        R"({"messages": [{"role": "user", "content": "two"}]})" "\n"
        R"({"custom_id": "x", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "other", "messages": [{"role": "user", "content": "three"}], "max_tokens": 5}})" "\n");
    CommandResult r;
    const nlohmann::json report = bench_report("--dataset jsonl " + file + " --num-prompts 5 --output-len 7 --ignore-eos", r);
    ASSERT_FALSE(report.is_discarded()) << r.err;
    EXPECT_EQ(report["completed"], 5);
    // Each line's own max_tokens, else --output-len; then from the top again.
    EXPECT_EQ(report["output_lens"], nlohmann::json::array({3, 7, 5, 3, 7}));
    EXPECT_NE(r.err.find("(jsonl " + file + ")"), std::string::npos) << r.err;
}

TEST(BenchCommandTest, AShareGptDatasetIsSampledAsVllmSamplesIt) {
    const std::string reply(400, 'r');  // about 100 tokens
    nlohmann::json conversations = nlohmann::json::array();
    conversations.push_back({{"id", "a"}, {"conversations", {{{"from", "human"}, {"value", std::string(200, 'q')}}, {{"from", "gpt"}, {"value", reply}}}}});
    conversations.push_back({{"id", "short"}, {"conversations", {{{"from", "human"}, {"value", "hi"}}, {{"from", "gpt"}, {"value", reply}}}}});
    conversations.push_back({{"id", "alone"}, {"conversations", {{{"from", "human"}, {"value", std::string(200, 'q')}}}}});
    const std::string file = write_scratch("sharegpt.json", conversations.dump());
    CommandResult r;
    const nlohmann::json report = bench_report("--dataset sharegpt " + file + " --num-prompts 3 --ignore-eos", r);
    ASSERT_FALSE(report.is_discarded()) << r.err;
    EXPECT_EQ(report["completed"], 3);
    // Only "a" is usable ("short"'s prompt is under 4 tokens, "alone" has no reply): drawn three times.
    const int out = report["output_lens"][0];
    EXPECT_GE(out, 90);
    EXPECT_LE(out, 110);
    EXPECT_EQ(report["output_lens"], nlohmann::json::array({out, out, out}));
}

TEST(BenchCommandTest, ABadDatasetIsRefusedBeforeAnythingIsSent) {
    const std::string bad_line = write_scratch("bad.jsonl", R"({"prompt": "fine"})" "\n" R"({"nothing": 1})" "\n");
    const std::string not_sharegpt = write_scratch("not_sharegpt.json", R"({"conversations": []})");
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"--dataset jsonl /nonexistent/prompts.jsonl", "/nonexistent/prompts.jsonl"},
        {"--dataset jsonl " + bad_line, bad_line + ":2:"},
        {"--dataset sharegpt " + not_sharegpt, "is not a JSON array of conversations"},
        {"--dataset jsonl", "--dataset jsonl needs a file"},
        {"--dataset pile x.json", "unknown dataset \"pile\""},
    };
    for (const auto& [args, says] : cases) {
        const CommandResult r = run_agentio("bench " + args, "", Streams::separate, 60);
        EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
        EXPECT_NE(r.err.find(says), std::string::npos) << args << "\n" << r.err;
        EXPECT_EQ(r.err.find("requests ("), std::string::npos) << "something was sent: " << r.err;
    }
}

TEST(BenchHtmlReportTest, TextFromTheServerCannotEndOrBendTheScript) {
    const nlohmann::json result = {{"requests", {{{"ok", false}, {"error", "</script><!-- <script>alert(1)</script>"}}}}};
    const std::string html = loadtest::html_report(result);
    const std::size_t data = html.find("window.RESULT = ");
    ASSERT_NE(data, std::string::npos);
    const std::size_t end = html.find("</script>", data);
    const std::string script = html.substr(data, end - data);
    EXPECT_EQ(script.find('<'), std::string::npos) << script;
    EXPECT_NE(script.find("\\u003c/script>"), std::string::npos) << script;
    // And the data is still the same JSON.
    const std::size_t json_at = data + std::string("window.RESULT = ").size();
    EXPECT_EQ(nlohmann::json::parse(html.substr(json_at, html.find(";</script>", json_at) - json_at)), result);
}

TEST(BenchCommandTest, AReplyWithoutContentCountsAsFailedAsVllmCountsIt) {
    // The embedded simulator cannot be scripted, so this runs `agentio sim`
    // with a script whose only reply is a tool call.
    const fs::path dir = fs::temp_directory_path() / ("agentio-bench-tools-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "script.jsonl") << R"({"reply": {"tool_calls": [{"name": "lookup", "arguments": {"q": "x"}}]}})" "\n";
    const std::string sim = "timeout 60 " + std::string(AGENTIO_BIN) + " sim --port 0 --ttft-ms 1 --itl-ms 1 --script " +
                            (dir / "script.jsonl").string() + " > " + (dir / "sim.out").string() + " 2>&1 & echo $! > " +
                            (dir / "sim.pid").string();
    ASSERT_EQ(std::system(sim.c_str()), 0);
    std::string base_url;
    for (int i = 0; i < 500 && base_url.empty(); ++i) {
        const std::string banner = read_file(dir / "sim.out");
        if (const auto at = banner.find("API on "); at != std::string::npos)
            base_url = banner.substr(at + 7, banner.find(' ', at + 7) - at - 7);
        else ::usleep(10000);
    }
    ASSERT_FALSE(base_url.empty()) << read_file(dir / "sim.out");
    std::string output;
    EXPECT_EQ(bench("--base-url " + base_url + " --model sim-small --num-prompts 3 --json " + (dir / "r.json").string(), output), 1) << output;
    const nlohmann::json result = nlohmann::json::parse(read_file(dir / "r.json"));
    EXPECT_EQ(result["completed"], 0);
    EXPECT_EQ(result["failed"], 3);
    EXPECT_NE(result["requests"][0]["error"].get<std::string>().find("no content"), std::string::npos) << result.dump();
    std::system(("kill $(cat " + (dir / "sim.pid").string() + ")").c_str());
    fs::remove_all(dir);
}
