// tracing.hpp: a run's spans, their names and parents, and their export to
// a Perfetto file and to an OTLP/HTTP collector stand-in, on the virtual clock.
#include <agentio/agent/tracing.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "agent/scripted_agent.hpp"

using namespace agentio;
using namespace agentio::testkit;
using namespace std::chrono_literals;
using namespace std::string_literals;
using agent::Json;
using ::testing::HasSubstr;

namespace {

// The spans of one run, by operation.
std::multimap<std::string, agent::SpanRecord> by_operation(const std::vector<agent::SpanRecord>& spans) {
    std::multimap<std::string, agent::SpanRecord> found;
    for (const agent::SpanRecord& span : spans) found.emplace(span.attributes.value("gen_ai.operation.name", ""), span);
    return found;
}

std::vector<agent::SpanRecord> named(const std::multimap<std::string, agent::SpanRecord>& spans, const std::string& operation) {
    std::vector<agent::SpanRecord> found;
    for (auto [it, end] = spans.equal_range(operation); it != end; ++it) found.push_back(it->second);
    return found;
}

// A traced run of `agent` against `script`, with a collector stand-in on the
// same server receiving what flush() posts.
struct TracedRun {
    std::vector<agent::SpanRecord> spans;
    std::vector<std::string> posted;  // bodies of POST /v1/traces
    std::optional<std::string> flush_error;

    TracedRun(std::shared_ptr<Script> script, const agent::Agent& agent, agent::TraceOptions options = {},
              bool collector = true) {
        http::ServerOptions server_options;
        server_options.report_handler_errors = false;
        std::vector<std::string>* bodies = &posted;
        with_http_server(
            server_options,
            [&](http::Server& server) {
                add_routes(server, script);
                if (collector)
                    server.route("POST", "/v1/traces", [bodies](http::Request& request) { return collect(bodies, request); });
            },
            [&](http::Server& server) -> Task<> {
                llm::Client client(options_for(server));
                agent::TraceOptions configured = options;
                if (configured.otlp_endpoint == "here") configured.otlp_endpoint = "http://127.0.0.1:" + std::to_string(server.port());
                agent::Tracer tracer(configured);
                agent::RunOptions run_options;
                run_options.tracer = &tracer;
                Task<agent::RunResult> running = agent::run(client, agent, "Go."s, run_options);
                co_await capture(std::move(running));
                spans = tracer.pending();
                Task<> flushing = tracer.flush();
                Outcome<void> flushed = co_await capture(std::move(flushing));
                if (!flushed) flush_error = describe(flushed.error());
            },
            virtual_clock());
    }

    static Task<http::Response> collect(std::vector<std::string>* bodies, http::Request& request) {
        bodies->push_back(co_await request.text());
        co_return http::Response::json("{}", 200);
    }
};

}  // namespace

TEST(AgentTracingTest, ARunIsAnAgentSpanWithItsModelCallsAndToolsUnderIt) {
    auto script = std::make_shared<Script>();
    script->answers = {calls({{"slow", R"({"seconds":2})"}, {"fast", R"({"seconds":1})"}}), says("Both done.", 20)};
    std::vector<std::string> log;
    const agent::Agent worker{.name = "worker", .model = "gpt-4o", .tools = {sleeper("slow", log), sleeper("fast", log)}};
    const TracedRun traced(script, worker);
    const auto spans = by_operation(traced.spans);
    ASSERT_EQ(spans.size(), 5u);

    const std::vector<agent::SpanRecord> agents = named(spans, "invoke_agent");
    ASSERT_EQ(agents.size(), 1u);
    const agent::SpanRecord& root = agents[0];
    EXPECT_EQ(root.name, "invoke_agent worker");
    EXPECT_TRUE(root.parent_span_id.empty());
    EXPECT_EQ(root.attributes["gen_ai.agent.name"], "worker");
    EXPECT_EQ(root.attributes["gen_ai.usage.input_tokens"], 25);  // 10 + 15
    EXPECT_EQ(root.end - root.start, 2s);

    const std::vector<agent::SpanRecord> chats = named(spans, "chat");
    ASSERT_EQ(chats.size(), 2u);
    for (const agent::SpanRecord& chat : chats) {
        EXPECT_EQ(chat.name, "chat gpt-4o");
        EXPECT_EQ(chat.parent_span_id, root.context.span_id);
        EXPECT_EQ(chat.context.trace_id, root.context.trace_id);
        EXPECT_EQ(chat.attributes["gen_ai.request.model"], "gpt-4o");
        EXPECT_EQ(chat.attributes["gen_ai.response.model"], "gpt-4o-mini");
        EXPECT_EQ(chat.attributes["gen_ai.response.id"], "chatcmpl-1");
        EXPECT_EQ(chat.attributes["gen_ai.usage.output_tokens"], 5);
    }

    const std::vector<agent::SpanRecord> tools = named(spans, "execute_tool");
    ASSERT_EQ(tools.size(), 2u);
    std::map<std::string, Duration> took;
    for (const agent::SpanRecord& tool : tools) {
        EXPECT_EQ(tool.parent_span_id, root.context.span_id);
        EXPECT_EQ(tool.attributes["gen_ai.tool.type"], "function");
        EXPECT_EQ(tool.start, tools[0].start) << "the calls of one turn start together";
        took[tool.attributes["gen_ai.tool.name"]] = tool.end - tool.start;
    }
    EXPECT_EQ(took["slow"], 2s);
    EXPECT_EQ(took["fast"], 1s);
}

TEST(AgentTracingTest, AnAgentCalledAsAToolIsTracedUnderThatToolsSpan) {
    auto script = std::make_shared<Script>();
    script->answers = {calls({{"ask_helper", R"({"input":"hi"})"}}), says("Hello from the helper."), says("Done.")};
    const agent::Agent helper{.name = "helper"};
    const agent::Agent boss{.name = "boss", .tools = {helper.as_tool("ask_helper", "Asks the helper")}};
    const auto spans = by_operation(TracedRun(script, boss).spans);
    const std::vector<agent::SpanRecord> agents = named(spans, "invoke_agent"), tools = named(spans, "execute_tool");
    ASSERT_EQ(agents.size(), 2u);
    ASSERT_EQ(tools.size(), 1u);
    const agent::SpanRecord& nested = agents[0].name == "invoke_agent helper" ? agents[0] : agents[1];
    EXPECT_EQ(nested.name, "invoke_agent helper");
    EXPECT_EQ(nested.parent_span_id, tools[0].context.span_id);
    EXPECT_EQ(nested.context.trace_id, tools[0].context.trace_id);
}

TEST(AgentTracingTest, AFailedToolAndAHandoffAreSpansToo) {
    auto script = std::make_shared<Script>();
    script->answers = {calls({{"missing_argument", "{}"}, {"transfer_to_billing", "{}"}}), says("Billing here.")};
    std::vector<std::string> log;
    auto billing = std::make_shared<const agent::Agent>(agent::Agent{.name = "billing"});
    const agent::Agent triage{.name = "triage", .tools = {sleeper("missing_argument", log)}, .handoffs = {{billing}}};
    const auto spans = by_operation(TracedRun(script, triage).spans);
    const std::vector<agent::SpanRecord> tools = named(spans, "execute_tool"), handoffs = named(spans, "handoff"),
                                         agents = named(spans, "invoke_agent");
    ASSERT_EQ(tools.size(), 1u);
    EXPECT_EQ(tools[0].attributes["error.type"], "tool_error");
    EXPECT_FALSE(tools[0].error.empty());
    ASSERT_EQ(handoffs.size(), 1u);
    EXPECT_EQ(handoffs[0].attributes["agentio.handoff.from"], "triage");
    EXPECT_EQ(handoffs[0].attributes["agentio.handoff.to"], "billing");
    ASSERT_EQ(agents.size(), 2u);
    EXPECT_EQ(agents[0].context.trace_id, agents[1].context.trace_id);
}

TEST(AgentTracingTest, FlushWritesAPerfettoFileAndPostsOtlpJson) {
    const std::filesystem::path file = std::filesystem::temp_directory_path() / ("agentio-trace-" + std::to_string(::getpid()) + ".json");
    auto script = std::make_shared<Script>();
    script->answers = {calls({{"slow", R"({"seconds":2})"}, {"fast", R"({"seconds":1})"}}), says("Both done.")};
    std::vector<std::string> log;
    const agent::Agent worker{.name = "worker", .tools = {sleeper("slow", log), sleeper("fast", log)}};
    const TracedRun traced(script, worker, {.perfetto_file = file.string(), .otlp_endpoint = "here"});
    EXPECT_FALSE(traced.flush_error) << *traced.flush_error;

    const Json events = Json::parse(std::ifstream(file));  // the tracer is gone: the array is closed
    ASSERT_EQ(events.size(), 5u);
    std::map<std::string, int> track_of;
    for (const Json& event : events) {
        EXPECT_EQ(event["ph"], "X");
        track_of[event["name"]] = event["tid"];
    }
    EXPECT_NE(track_of["execute_tool slow"], track_of["execute_tool fast"]) << "overlapping siblings get their own tracks";
    std::filesystem::remove(file);

    ASSERT_EQ(traced.posted.size(), 1u);
    const Json otlp = Json::parse(traced.posted[0]);
    const Json& resource = otlp["resourceSpans"][0];
    EXPECT_EQ(resource["resource"]["attributes"][0], Json::parse(R"({"key":"service.name","value":{"stringValue":"agentio"}})"));
    const Json& spans = resource["scopeSpans"][0]["spans"];
    ASSERT_EQ(spans.size(), 5u);
    int children = 0;
    for (const Json& span : spans) {
        EXPECT_EQ(span["traceId"].get<std::string>().size(), 32u);
        EXPECT_EQ(span["spanId"].get<std::string>().size(), 16u);
        EXPECT_GE(std::stoll(span["endTimeUnixNano"].get<std::string>()), std::stoll(span["startTimeUnixNano"].get<std::string>()));
        children += span.contains("parentSpanId");
        if (span["name"] == "chat gpt-4o-mini") {
            EXPECT_EQ(span["kind"], 3);
            bool has_tokens = false;
            for (const Json& attribute : span["attributes"])
                if (attribute["key"] == "gen_ai.usage.input_tokens") has_tokens = attribute["value"] == Json::parse(R"({"intValue":"10"})");
            EXPECT_TRUE(has_tokens) << span.dump();
        }
    }
    EXPECT_EQ(children, 4);
}

TEST(AgentTracingTest, ACollectorThatIsNotThereIsAnErrorNamingItsUrl) {
    auto script = std::make_shared<Script>();
    script->answers = {says("Done.")};
    const agent::Agent worker{.name = "worker"};
    const TracedRun traced(script, worker, {.otlp_endpoint = "here"}, /*collector=*/false);
    ASSERT_TRUE(traced.flush_error);
    EXPECT_THAT(*traced.flush_error, HasSubstr("/v1/traces: HTTP 404"));
}
