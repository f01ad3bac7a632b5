// mcp_support.hpp: the official MCP reference server (server-everything, from
// tests/mcp/node_modules, pinned by tests/mcp/package-lock.json) for the MCP
// integration tests, over stdio or Streamable HTTP.
#pragma once

#include <agentio/agent/mcp/http_client_transport.hpp>
#include <agentio/agent/mcp/process_transport.hpp>

#include <memory>
#include <string>

#include "integration/support.hpp"

namespace agentio::itest {

inline std::string everything_script() {
    return std::string(AGENTIO_SOURCE_DIR) + "/tests/mcp/node_modules/@modelcontextprotocol/server-everything/dist/index.js";
}

// Why the reference server cannot run here, or empty when it can.
inline std::string everything_missing() {
    if (!have_program("node")) return "node is not installed";
    if (::access(everything_script().c_str(), R_OK) != 0)
        return everything_script() + " is missing: run `npm ci` in tests/mcp (./dev does)";
    return {};
}

inline agent::mcp::ProcessOptions everything_stdio() {
    agent::mcp::ProcessOptions options;
    options.command = {"node", everything_script(), "stdio"};
    options.name = "everything";
    options.capture_stderr = true;
    return options;
}

// The arguments of server-everything's tools.
inline llm::Json sum_arguments(int a, int b) { return {{"a", a}, {"b", b}}; }
inline llm::Json long_run_arguments(double duration, int steps) { return {{"duration", duration}, {"steps", steps}}; }

// server-everything's Streamable HTTP mode on a free loopback port, ready
// (accepting) when the constructor returns; stopped by the destructor.
class EverythingHttp {
public:
    EverythingHttp() {
        for (int attempt = 0; attempt < 3 && !process_; ++attempt) {
            port_ = free_port();
            SpawnOptions options;
            options.environment = {"PORT=" + std::to_string(port_)};
            auto process = std::make_unique<Process>(std::vector<std::string>{"node", everything_script(), "streamableHttp"},
                                                     options);
            if (wait_until_accepts(port_, *process, Millis(30000))) process_ = std::move(process);
        }
        if (!process_) throw std::runtime_error("server-everything (streamableHttp) did not start listening");
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/mcp"; }
    Process& process() { return *process_; }

private:
    std::uint16_t port_ = 0;
    std::unique_ptr<Process> process_;
};

}  // namespace agentio::itest
