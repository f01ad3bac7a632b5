// endpoint.hpp: where a command's requests go.
//
// --base-url wins, then OPENAI_BASE_URL; with neither, the command starts
// the embedded simulator in-process and says so in one line on stderr, so
// every command works on a machine with no network and no key.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "agentio/core/task.hpp"
#include "agentio/llm/client_options.hpp"
#include "agentio/sim/server.hpp"

namespace agentio::cli {

// Whether the requests go to an endpoint the user named (--base-url, or a
// non-empty OPENAI_BASE_URL) rather than to the embedded simulator.
bool endpoint_named(const std::string& base_url);

// Sets options.base_url and options.api_key from the flags (when given) and
// returns the simulator it started, if it started one (shut it down at the end).
Task<std::optional<sim::Server>> resolve_endpoint(llm::ClientOptions& options, std::string base_url, std::string api_key,
                                                  sim::Config simulator, std::string command);

}  // namespace agentio::cli
