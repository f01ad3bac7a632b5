#include "endpoint.hpp"

#include <fmt/core.h>

#include <cstdio>
#include <cstdlib>

namespace agentio::cli {

bool endpoint_named(const std::string& base_url) {
    // An empty OPENAI_BASE_URL counts as unset, as it does for ClientOptions::from_env():
    // a run must never reach a real endpoint that nobody named.
    const char* from_env = std::getenv("OPENAI_BASE_URL");
    return !base_url.empty() || (from_env != nullptr && *from_env != '\0');
}

Task<std::optional<sim::Server>> resolve_endpoint(llm::ClientOptions& options, std::string base_url, std::string api_key,
                                                  sim::Config simulator, std::string command) {
    const bool named = endpoint_named(base_url);
    if (!base_url.empty()) options.base_url = std::move(base_url);
    if (!api_key.empty()) options.api_key = std::move(api_key);
    std::optional<sim::Server> server;
    if (!named) {
        server.emplace(co_await sim::Server::start(std::move(simulator)));
        options.base_url = server->base_url();
        if (options.api_key.empty()) options.api_key = "sk-simulator";  // the simulator asks for none
        fmt::print(stderr, "agentio {}: no --base-url or OPENAI_BASE_URL: using the embedded simulator at {}\n", command,
                   options.base_url);
    }
    co_return server;
}

}  // namespace agentio::cli
