// endpoint.hpp: where a command's requests go, and as which model.
//
// Every command that talks to a model takes the same three flags, read the
// same way: --base-url wins, then OPENAI_BASE_URL; with neither, the command
// starts the embedded simulator in-process and says so in one line on
// stderr, so every command works on a machine with no network and no key.
// The simulator has a default model; an endpoint the user named has none
// (a guess would be sent, and fail, thousands of times over).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "agentio/core/task.hpp"
#include "agentio/llm/client_options.hpp"
#include "agentio/sim/server.hpp"

namespace CLI {
class App;
}

namespace agentio::cli {

struct EndpointFlags {
    std::string base_url;
    std::string api_key;
    std::string model;  // empty: model_or_default()

    // Adds --base-url, --api-key and --model (described by `model_help`).
    void add_options(CLI::App& command, const std::string& model_help);

    // Whether the requests go to an endpoint the user named (--base-url, or
    // a non-empty OPENAI_BASE_URL) rather than to the embedded simulator.
    bool named() const;

    // --model, else the simulator's model; empty against a named endpoint.
    std::string model_or_default() const;

    // model_or_default(), or an Error telling to pass --model.
    std::string required_model() const;
};

// Sets options.base_url and options.api_key from the flags (when given) and
// returns the simulator it started, if it started one (shut it down at the end).
Task<std::optional<sim::Server>> resolve_endpoint(llm::ClientOptions& options, const EndpointFlags& flags,
                                                  sim::Config simulator, std::string command);

}  // namespace agentio::cli
