// journal_victim: a durable agent run for the SIGKILL test
// (agent_journal_kill_test.cpp) to kill at random moments and start again.
//
//     journal_victim JOURNAL EFFECTS
//
// A boss agent calls two tools of its own and three helper agents as tools,
// each helper two tools, all at once (the embedded simulator's tool policy
// `all`). Every tool appends "start NAME" and then "end NAME" to EFFECTS, a
// line per write(2) with O_APPEND, so a kill leaves whole lines. Prints the
// final output and exits 0 when the run finishes.
#include <agentio/agentio.hpp>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>

using namespace agentio;
using namespace std::chrono_literals;

namespace {

struct Topic {
    std::string topic;
    static auto describe() { return agent::fields(agent::field("topic", &Topic::topic, "What to look into")); }
};

void append_line(const std::string& path, const std::string& line) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw Error("cannot open " + path);
    const std::string text = line + "\n";
    const bool whole = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    if (!whole) throw Error("cannot write " + path);
}

// A tool with a side effect and a duration of its own (10-45 ms, by name).
agent::Tool effectful(const std::string& name, const std::string& effects) {
    const auto pause = std::chrono::milliseconds(10 + std::hash<std::string>{}(name) % 36);
    return agent::Tool::from(name, "Looks into a topic (" + name + ")", [name, effects, pause](Topic args) -> Task<std::string> {
        append_line(effects, "start " + name);
        co_await sleep(pause);
        append_line(effects, "end " + name);
        co_return name + " done: " + args.topic;
    });
}

agent::Agent helper(const std::string& name, const std::string& effects) {
    return {.name = name, .instructions = "Use both tools.", .tools = {effectful(name + "_fetch", effects), effectful(name + "_read", effects)}};
}

Task<> amain(std::string journal, std::string effects) {
    sim::Config config;
    config.latency.time_to_first_token = 10ms;
    config.latency.inter_token = Duration::zero();
    config.latency.spread = 0;
    config.output.max_tokens = 20;
    config.tool_policy = sim::ToolPolicy::all;
    sim::Server simulator = co_await sim::Server::start(config);
    llm::ClientOptions options;
    options.base_url = simulator.base_url();
    options.http.proxy = http::ProxyConfig{};
    llm::Client client(options);

    std::vector<agent::Tool> tools = {effectful("boss_lookup", effects), effectful("boss_check", effects)};
    for (const char* name : {"alpha", "beta", "gamma"})
        tools.push_back(helper(name, effects).as_tool(std::string("ask_") + name, std::string("Asks the ") + name + " helper"));
    const agent::Agent boss{.name = "boss", .instructions = "Delegate and use your tools.", .tools = std::move(tools)};
    agent::RunOptions run_options;
    run_options.journal = journal.c_str();
    const agent::RunResult result = co_await agent::run(client, boss, "Look into 'durable runs'.", run_options);
    std::printf("%s\n", result.final_output.c_str());
    co_await simulator.shutdown();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: journal_victim JOURNAL EFFECTS\n");
        return 2;
    }
    try {
        run(amain(argv[1], argv[2]));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "journal_victim: %s\n", e.what());
        return 1;
    }
}
