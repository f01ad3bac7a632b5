// mcp_calls: the agentio side of the MCP benchmark (bench/compare/run_mcp.py):
// one mcp::Client calling one tool with IN_FLIGHT calls at once.
//
//     mcp_calls http URL TOOL ARGUMENTS_JSON CALLS IN_FLIGHT SERVER_PID
//     mcp_calls stdio TOOL ARGUMENTS_JSON CALLS IN_FLIGHT -- COMMAND ARGS...
//
// Prints two JSON lines, "cold" (the first CALLS/10 calls, right after the
// handshake) and "warm" (the next CALLS): calls, seconds, calls per second,
// p50/p99 latency in ms, and the CPU seconds of this process and of the
// server (its pid given, or the child spawned for stdio) over the phase.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "agentio/agent/mcp/client.hpp"
#include "agentio/agent/mcp/http_client_transport.hpp"
#include "agentio/agent/mcp/process_transport.hpp"
#include "agentio/agentio.hpp"

using namespace agentio;
namespace mcp = agentio::agent::mcp;
using agent::Json;

namespace {

double own_cpu_seconds() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// utime + stime of another process, from /proc (fields 14 and 15).
double process_cpu_seconds(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), {});
    const std::size_t after_name = text.rfind(')');
    if (after_name == std::string::npos) return 0;
    std::vector<std::string> fields;
    std::string field;
    for (char c : text.substr(after_name + 2)) {
        if (c == ' ') fields.push_back(std::move(field)), field.clear();
        else field += c;
    }
    if (fields.size() < 13) return 0;
    return static_cast<double>(std::stoll(fields[11]) + std::stoll(fields[12])) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

struct Phase {
    std::vector<double> latencies_ms;
    double seconds = 0;
    double client_cpu = 0;
    double server_cpu = 0;
};

Task<> worker(mcp::Client& client, const std::string& tool, const Json& arguments, int& remaining, Phase& phase) {
    while (remaining > 0) {
        --remaining;
        const auto start = std::chrono::steady_clock::now();
        Task<mcp::CallToolResult> calling = client.call_tool(tool, arguments);
        const mcp::CallToolResult result = co_await std::move(calling);
        if (result.is_error) throw std::runtime_error("the tool failed: " + result.text());
        phase.latencies_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
}

Task<Phase> run_phase(mcp::Client& client, const std::string& tool, const Json& arguments, int calls, int in_flight, pid_t server) {
    Phase phase;
    phase.latencies_ms.reserve(static_cast<std::size_t>(calls));
    int remaining = calls;
    const double client_before = own_cpu_seconds();
    const double server_before = process_cpu_seconds(server);
    const auto start = std::chrono::steady_clock::now();
    std::vector<Task<>> workers;
    for (int i = 0; i < in_flight; ++i) workers.push_back(worker(client, tool, arguments, remaining, phase));
    Task<> all = gather(std::move(workers));
    co_await std::move(all);
    phase.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    phase.client_cpu = own_cpu_seconds() - client_before;
    phase.server_cpu = process_cpu_seconds(server) - server_before;
    co_return phase;
}

void report(const char* name, Phase& phase) {
    std::sort(phase.latencies_ms.begin(), phase.latencies_ms.end());
    const auto at = [&](double q) {
        return phase.latencies_ms[std::min(phase.latencies_ms.size() - 1, static_cast<std::size_t>(q * phase.latencies_ms.size()))];
    };
    const double calls = static_cast<double>(phase.latencies_ms.size());
    Json line = {{"phase", name},
                 {"calls", phase.latencies_ms.size()},
                 {"seconds", phase.seconds},
                 {"calls_per_s", calls / phase.seconds},
                 {"p50_ms", at(0.50)},
                 {"p99_ms", at(0.99)},
                 {"client_cpu_s", phase.client_cpu},
                 {"server_cpu_s", phase.server_cpu}};
    std::cout << line.dump() << std::endl;
}

struct Setup {
    std::string mode, url, tool;
    Json arguments;
    int calls = 0, in_flight = 0;
    pid_t server = 0;
    std::vector<std::string> command;
};

Task<> bench(Setup setup) {
    std::unique_ptr<mcp::Transport> transport;
    if (setup.mode == "http") {
        mcp::HttpClientOptions options;
        options.url = setup.url;
        // One connection per call in flight, and one for the server's own stream.
        options.http.max_connections_per_origin = static_cast<std::size_t>(setup.in_flight) + 1;
        transport = std::make_unique<mcp::HttpClientTransport>(std::move(options));
    } else {
        mcp::ProcessOptions options;
        options.command = setup.command;
        auto process = mcp::ProcessTransport::spawn(std::move(options));
        setup.server = process->pid();
        transport = std::move(process);
    }
    Task<mcp::Client> connecting = mcp::Client::connect(std::move(transport));
    mcp::Client client = co_await std::move(connecting);
    Task<Phase> first = run_phase(client, setup.tool, setup.arguments, std::max(1, setup.calls / 10), setup.in_flight, setup.server);
    Phase cold = co_await std::move(first);
    report("cold", cold);
    Task<Phase> second = run_phase(client, setup.tool, setup.arguments, setup.calls, setup.in_flight, setup.server);
    Phase warm = co_await std::move(second);
    report("warm", warm);
    co_await client.close();
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    Setup setup;
    try {
        if (args.size() == 7 && args[0] == "http") {
            setup = {"http", args[1], args[2], Json::parse(args[3]), std::stoi(args[4]), std::stoi(args[5]),
                     static_cast<pid_t>(std::stoi(args[6])), {}};
        } else if (args.size() >= 7 && args[0] == "stdio" && args[5] == "--") {
            setup = {"stdio", "", args[1], Json::parse(args[2]), std::stoi(args[3]), std::stoi(args[4]), 0,
                     std::vector<std::string>(args.begin() + 6, args.end())};
        } else {
            throw std::invalid_argument("bad arguments");
        }
    } catch (const std::exception& e) {
        std::cerr << "usage: mcp_calls http URL TOOL ARGUMENTS CALLS IN_FLIGHT SERVER_PID\n"
                     "       mcp_calls stdio TOOL ARGUMENTS CALLS IN_FLIGHT -- COMMAND ARGS...\n("
                  << e.what() << ")\n";
        return 2;
    }
    agentio::run(bench(std::move(setup)));
    return 0;
}
