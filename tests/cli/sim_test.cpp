// agentio sim's --tool-policy: a bad value is refused (exit 2, a message
// naming the flag and the choices), and the built binary's policy decides
// whether the tools a request offers are called (real processes on
// loopback, the official wire format through llm::Client).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "agentio/core/run.hpp"
#include "agentio/llm/client.hpp"
#include "cli/run_agentio.hpp"

namespace fs = std::filesystem;
using namespace agentio;
using agentio::testkit::CommandResult;
using agentio::testkit::read_file;
using agentio::testkit::run_agentio;
using agentio::testkit::SimProcess;
using agentio::testkit::Streams;

namespace {

// `agentio sim ARGS`, stdout and stderr together.
CommandResult sim_command(const std::string& args) { return run_agentio("sim " + args, "", Streams::merged, 20); }

// `agentio sim` answering fast (1 ms to the first token and between tokens).
SimProcess fast_sim(std::vector<std::string> args) {
    for (const char* flag : {"--ttft-ms", "1", "--itl-ms", "1"}) args.push_back(flag);
    return SimProcess(args);
}

// One chat completion that offers a weather tool and asks for the weather.
llm::ChatResponse ask_weather(const std::string& base_url) {
    return agentio::run([](std::string base_url) -> Task<llm::ChatResponse> {
        llm::ClientOptions options;
        options.base_url = base_url;
        options.api_key = "sk-test";
        options.http.proxy = http::ProxyConfig{};
        llm::Client client(options);
        llm::ChatRequest request;
        request.model = "sim-small";
        request.messages = {llm::Message::user("What's the weather in 'Paris'?")};
        llm::Tool weather;
        weather.name = "get_weather";
        weather.description = "Get the current weather for a city";
        weather.parameters = llm::Json::parse(R"({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]})");
        llm::Tool joke;
        joke.name = "tell_joke";
        joke.description = "Tell a joke";
        request.tools = {weather, joke};
        co_return co_await client.chat(std::move(request));
    }(base_url));
}

}  // namespace

TEST(SimCommandTest, ABadToolPolicyIsExitTwoWithAMessageNamingTheFlagAndTheChoices) {
    const CommandResult bad = sim_command("--port 0 --tool-policy sometimes");
    EXPECT_EQ(bad.code, 2) << bad.out;
    EXPECT_NE(bad.out.find("--tool-policy"), std::string::npos) << bad.out;
    EXPECT_NE(bad.out.find("\"sometimes\""), std::string::npos) << bad.out;
    EXPECT_NE(bad.out.find("auto, none or all"), std::string::npos) << bad.out;
    EXPECT_EQ(bad.out.find("serving"), std::string::npos) << bad.out;
    EXPECT_EQ(sim_command("--port 0 --tool-policy").code, 2) << "a value is required";
}

TEST(SimCommandTest, HelpDescribesTheToolPolicyFlag) {
    const CommandResult help = sim_command("--help");
    EXPECT_EQ(help.code, 0);
    EXPECT_NE(help.out.find("--tool-policy"), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("agentio sim --tool-policy none"), std::string::npos) << help.out;
}

TEST(SimCommandTest, TheToolPolicyFlagDecidesWhetherOfferedToolsAreCalled) {
    {
        const SimProcess sim = fast_sim({});
        ASSERT_FALSE(sim.base_url().empty()) << sim.banner();
        EXPECT_EQ(sim.banner().find("tool policy"), std::string::npos) << "auto is the default, not shown: " << sim.banner();
        const llm::ChatResponse reply = ask_weather(sim.base_url());
        ASSERT_EQ(reply.tool_calls().size(), 1u) << reply.text();
        EXPECT_EQ(reply.tool_calls()[0].name, "get_weather");
        EXPECT_EQ(reply.tool_calls()[0].arguments, R"({"city":"Paris"})");
    }
    {
        const SimProcess sim = fast_sim({"--tool-policy", "none"});
        ASSERT_FALSE(sim.base_url().empty()) << sim.banner();
        EXPECT_NE(sim.banner().find(", tool policy none)"), std::string::npos) << sim.banner();
        const llm::ChatResponse reply = ask_weather(sim.base_url());
        EXPECT_TRUE(reply.tool_calls().empty());
        EXPECT_FALSE(reply.text().empty());
    }
    {
        const SimProcess sim = fast_sim({"--tool-policy", "all"});
        ASSERT_FALSE(sim.base_url().empty()) << sim.banner();
        const llm::ChatResponse reply = ask_weather(sim.base_url());
        ASSERT_EQ(reply.tool_calls().size(), 2u);
        EXPECT_EQ(reply.tool_calls()[1].name, "tell_joke");
        EXPECT_EQ(reply.tool_calls()[1].arguments, "{}");
    }
}
