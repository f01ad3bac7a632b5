// `agentio mcp`: inspect and call against the example servers, over stdio
// and over Streamable HTTP, and clear refusals.
#include <gtest/gtest.h>

#include <filesystem>

#include "agentio/llm/json.hpp"
#include "cli/run_agentio.hpp"

namespace {

namespace fs = std::filesystem;
using namespace agentio::testkit;
using Json = agentio::llm::Json;

const std::string kFixtureServer = (fs::path(AGENTIO_BIN).parent_path() / "mcp_conformance_server").string();
const std::string kToolsServer = (fs::path(AGENTIO_BIN).parent_path() / "mcp_server").string();

TEST(McpCommandTest, InspectListsToolsWithSchemasResourcesTemplatesAndPrompts) {
    const CommandResult r = run_agentio("mcp inspect --stdio '" + kFixtureServer + " --stdio'");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("server: agentio-conformance 1.0.0 (MCP 2025-11-25)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("tools (14):"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(R"(    input: {"type":"object","properties":{"prompt":)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("  test://static-text (static-text, text/plain) - A static text resource"), std::string::npos);
    EXPECT_NE(r.out.find("  test://template/{id}/data (template-data)"), std::string::npos);
    EXPECT_NE(r.out.find("  test_prompt_with_arguments(arg1*, arg2*) - A prompt with two arguments"), std::string::npos);
}

TEST(McpCommandTest, InspectJsonIsOneObjectWithTheSchemasAsSent) {
    const CommandResult r = run_agentio("mcp inspect --json --stdio '" + kFixtureServer + " --stdio'");
    ASSERT_EQ(r.code, 0) << r.err;
    const Json out = Json::parse(r.out);
    EXPECT_EQ(out["server"]["name"], "agentio-conformance");
    EXPECT_EQ(out["tools"].size(), 14u);
    EXPECT_EQ(out["resources"].size(), 3u);
    EXPECT_EQ(out["resourceTemplates"][0]["uriTemplate"], "test://template/{id}/data");
    bool saw_2020_12 = false;
    for (const Json& tool : out["tools"])
        if (tool["name"] == "json_schema_2020_12_tool") saw_2020_12 = tool["inputSchema"].contains("$defs");
    EXPECT_TRUE(saw_2020_12);
}

TEST(McpCommandTest, CallPrintsTheResultAndExitsOneOnAToolError) {
    CommandResult r = run_agentio("mcp call --stdio " + kToolsServer + R"( add '{"a":2,"b":3}')");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "5.0\n");
    r = run_agentio("mcp call --json --stdio '" + kFixtureServer + " --stdio' test_error_handling");
    EXPECT_EQ(r.code, 1) << r.err;
    const Json result = Json::parse(r.out);
    EXPECT_EQ(result["isError"], true);
    EXPECT_EQ(result["content"][0]["text"], "This tool intentionally returns an error for testing");
}

TEST(McpCommandTest, CallReachesAStreamableHttpServer) {
    const fs::path dir = scratch_path("mcp-http");
    fs::create_directories(dir);
    const std::string url_file = (dir / "url").string();
    // The server prints its URL, then serves until killed.
    const std::string start = "timeout 60 " + kFixtureServer + " --port 0 > " + url_file + " 2>/dev/null & echo $!";
    FILE* pipe = ::popen(start.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    int pid = 0;
    ASSERT_EQ(std::fscanf(pipe, "%d", &pid), 1);
    ::pclose(pipe);
    std::string url;
    for (int i = 0; i < 200 && url.empty(); ++i) {  // up to 20 s for the URL line
        url = read_file(url_file);
        if (url.empty() || url.back() != '\n') url.clear(), usleep(100000);
    }
    ASSERT_FALSE(url.empty());
    url.pop_back();
    const CommandResult r = run_agentio("mcp call " + url + " test_simple_text");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "This is a simple text response for testing.\n");
    ::kill(pid, SIGTERM);
    fs::remove_all(dir);
}

TEST(McpCommandTest, BadUsageIsExitTwoNamingTheProblem) {
    CommandResult r = run_agentio("mcp call --stdio " + kToolsServer + " add '\"two\"'");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("must be a JSON object"), std::string::npos) << r.err;
    r = run_agentio("mcp call --stdio " + kToolsServer + " add '{oops'");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("not JSON"), std::string::npos) << r.err;
    r = run_agentio("mcp inspect");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("name a server"), std::string::npos) << r.err;
    r = run_agentio("mcp inspect --stdio '\"unterminated'");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("unbalanced"), std::string::npos) << r.err;
}

TEST(McpCommandTest, AServerThatCannotBeReachedIsExitOneSayingWhy) {
    const CommandResult r = run_agentio("mcp inspect --stdio /nonexistent/mcp-server");
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("/nonexistent/mcp-server"), std::string::npos) << r.err;
}
}  // namespace
