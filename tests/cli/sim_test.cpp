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

namespace fs = std::filesystem;
using namespace agentio;

namespace {

std::string read(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

fs::path scratch_file(const std::string& name) {
    return fs::temp_directory_path() / ("agentio-sim-test-" + std::to_string(::getpid()) + "-" + name);
}

struct Result {
    int code = -1;
    std::string out;  // stdout and stderr together
};

// `agentio sim ARGS`, bounded by coreutils' timeout so that a server that
// starts by mistake fails the test instead of hanging it.
Result sim_command(const std::string& args) {
    const fs::path out = scratch_file("out");
    const std::string command = "timeout 20 " + std::string(AGENTIO_BIN) + " sim " + args + " < /dev/null > " + out.string() + " 2>&1";
    const int status = std::system(command.c_str());
    Result result{WIFEXITED(status) ? WEXITSTATUS(status) : -1, read(out)};
    fs::remove(out);
    return result;
}

// `agentio sim --port 0 --ttft-ms 1 --itl-ms 1 ARGS` in its own process,
// stopped with SIGTERM when this goes out of scope.
class SimProcess {
public:
    explicit SimProcess(const std::vector<std::string>& args) : out_(scratch_file("banner")) {
        pid_ = ::fork();
        if (pid_ == 0) {
            const int fd = ::open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            std::vector<std::string> all = {AGENTIO_BIN, "sim", "--port", "0", "--ttft-ms", "1", "--itl-ms", "1"};
            all.insert(all.end(), args.begin(), args.end());
            std::vector<char*> argv;
            for (std::string& arg : all) argv.push_back(arg.data());
            argv.push_back(nullptr);
            ::execv(AGENTIO_BIN, argv.data());
            ::_exit(127);
        }
        // Bounded: ten seconds for the banner.
        constexpr std::string_view kMarker = "API on ";
        for (int i = 0; i < 1000 && base_url_.empty(); ++i) {
            banner_ = read(out_);
            if (const auto at = banner_.find(kMarker); at != std::string::npos && banner_.find('\n', at) != std::string::npos)
                base_url_ = banner_.substr(at + kMarker.size(), banner_.find(' ', at + kMarker.size()) - at - kMarker.size());
            else std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
    ~SimProcess() {
        ::kill(pid_, SIGTERM);
        ::waitpid(pid_, nullptr, 0);
        fs::remove(out_);
    }
    SimProcess(const SimProcess&) = delete;
    SimProcess& operator=(const SimProcess&) = delete;

    const std::string& base_url() const { return base_url_; }
    const std::string& banner() const { return banner_; }

private:
    fs::path out_;
    pid_t pid_ = -1;
    std::string base_url_;
    std::string banner_;
};

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
    const Result bad = sim_command("--port 0 --tool-policy sometimes");
    EXPECT_EQ(bad.code, 2) << bad.out;
    EXPECT_NE(bad.out.find("--tool-policy"), std::string::npos) << bad.out;
    EXPECT_NE(bad.out.find("\"sometimes\""), std::string::npos) << bad.out;
    EXPECT_NE(bad.out.find("auto, none or all"), std::string::npos) << bad.out;
    EXPECT_EQ(bad.out.find("serving"), std::string::npos) << bad.out;
    EXPECT_EQ(sim_command("--port 0 --tool-policy").code, 2) << "a value is required";
}

TEST(SimCommandTest, HelpDescribesTheToolPolicyFlag) {
    const Result help = sim_command("--help");
    EXPECT_EQ(help.code, 0);
    EXPECT_NE(help.out.find("--tool-policy"), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("agentio sim --tool-policy none"), std::string::npos) << help.out;
}

TEST(SimCommandTest, TheToolPolicyFlagDecidesWhetherOfferedToolsAreCalled) {
    {
        SimProcess sim({});
        ASSERT_FALSE(sim.base_url().empty()) << sim.banner();
        EXPECT_EQ(sim.banner().find("tool policy"), std::string::npos) << "auto is the default, not shown: " << sim.banner();
        const llm::ChatResponse reply = ask_weather(sim.base_url());
        ASSERT_EQ(reply.tool_calls().size(), 1u) << reply.text();
        EXPECT_EQ(reply.tool_calls()[0].name, "get_weather");
        EXPECT_EQ(reply.tool_calls()[0].arguments, R"({"city":"Paris"})");
    }
    {
        SimProcess sim({"--tool-policy", "none"});
        ASSERT_FALSE(sim.base_url().empty()) << sim.banner();
        EXPECT_NE(sim.banner().find(", tool policy none)"), std::string::npos) << sim.banner();
        const llm::ChatResponse reply = ask_weather(sim.base_url());
        EXPECT_TRUE(reply.tool_calls().empty());
        EXPECT_FALSE(reply.text().empty());
    }
    {
        SimProcess sim({"--tool-policy", "all"});
        ASSERT_FALSE(sim.base_url().empty()) << sim.banner();
        const llm::ChatResponse reply = ask_weather(sim.base_url());
        ASSERT_EQ(reply.tool_calls().size(), 2u);
        EXPECT_EQ(reply.tool_calls()[1].name, "tell_joke");
        EXPECT_EQ(reply.tool_calls()[1].arguments, "{}");
    }
}
