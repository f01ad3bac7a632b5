#include "endpoint.hpp"

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <cstdio>
#include <cstdlib>

#include "agentio/core/errors.hpp"

namespace agentio::cli {

namespace {
constexpr const char* kSimulatorModel = "sim-small";
}

void EndpointFlags::add_options(CLI::App& command, const std::string& model_help) {
    command.add_option("--base-url", base_url, "API base URL (else OPENAI_BASE_URL, else the embedded simulator)");
    command.add_option("--api-key", api_key, "API key (else OPENAI_API_KEY)");
    command.add_option("--model", model,
                       model_help + " (default with the embedded simulator: " + kSimulatorModel +
                           "; required with an endpoint you name)");
}

bool EndpointFlags::named() const {
    // An empty OPENAI_BASE_URL counts as unset, as it does for ClientOptions::from_env():
    // a run must never reach a real endpoint that nobody named.
    const char* from_env = std::getenv("OPENAI_BASE_URL");
    return !base_url.empty() || (from_env != nullptr && *from_env != '\0');
}

std::string EndpointFlags::model_or_default() const {
    if (!model.empty()) return model;
    return named() ? std::string() : std::string(kSimulatorModel);
}

std::string EndpointFlags::required_model() const {
    std::string chosen = model_or_default();
    if (chosen.empty())
        throw Error("no --model: an endpoint named by " +
                    std::string(base_url.empty() ? "OPENAI_BASE_URL" : "--base-url") +
                    " has no default model; pass --model NAME");
    return chosen;
}

Task<std::optional<sim::Server>> resolve_endpoint(llm::ClientOptions& options, const EndpointFlags& flags,
                                                  sim::Config simulator, std::string command) {
    if (!flags.base_url.empty()) options.base_url = flags.base_url;
    if (!flags.api_key.empty()) options.api_key = flags.api_key;
    std::optional<sim::Server> server;
    if (!flags.named()) {
        server.emplace(co_await sim::Server::start(std::move(simulator)));
        options.base_url = server->base_url();
        if (options.api_key.empty()) options.api_key = "sk-simulator";  // the simulator asks for none
        fmt::print(stderr, "agentio {}: no --base-url or OPENAI_BASE_URL: using the embedded simulator at {}\n", command,
                   options.base_url);
    }
    co_return server;
}

}  // namespace agentio::cli
