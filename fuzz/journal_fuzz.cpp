// journal_fuzz: a durable run resumed from an arbitrary journal file.
//
// The input is written as the journal of a run of agent "worker" on the input
// "Go.", whose model is unreachable (a connection refused at once). The
// invariant: agent::run returns, or throws an agentio::Error: a journal it
// cannot read is an AgentError naming the file, a step it has to redo fails
// on the model. Any other exception, a crash or a hang is a bug.
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>

#include "agentio/agentio.hpp"

using namespace agentio;

namespace {

struct Text {
    std::string text;
    static auto describe() { return agent::fields(agent::field("text", &Text::text, "Anything")); }
};

Task<> resume(const std::string& journal) {
    llm::ClientOptions options;
    options.base_url = "http://127.0.0.1:1/v1";
    options.api_key = "sk-fuzz";
    options.http.proxy = http::ProxyConfig{};
    options.retry.max_retries = 0;
    llm::Client client(options);
    agent::Agent worker;
    worker.name = "worker";
    worker.tools = {agent::Tool::from("echo", "Says it back", [](Text args) -> Task<std::string> { co_return args.text; })};
    worker.tools.push_back(worker.as_tool("ask_worker", "Asks another worker"));
    agent::RunOptions run_options;
    run_options.journal = journal.c_str();
    run_options.max_turns = 4;
    Task<agent::RunResult> running = agent::run(client, worker, std::string("Go."), run_options);
    co_await std::move(running);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = "/tmp/agentio-fuzz-journal-" + std::to_string(::getpid()) + ".jsonl";
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    try {
        run(resume(path));
    } catch (const Error&) {
    }
    return 0;
}
