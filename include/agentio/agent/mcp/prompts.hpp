// prompts.hpp: the shapes of MCP prompts (prompts/list, prompts/get), read
// from and written to JSON.
//
// A prompt is a message template a server offers for a user to pick (a slash
// command); prompts/get fills in its arguments and returns the messages.
// Parsing refuses, with ProtocolError naming the peer, a prompt without a
// name and a message without a role or content.
#pragma once

#include <string>
#include <vector>

#include "agentio/agent/mcp/json_rpc.hpp"

namespace agentio::agent::mcp {

struct PromptArgument {
    std::string name = {};
    std::string description = {};  // empty when none
    bool required = false;
};

// One entry of prompts/list.
struct PromptInfo {
    std::string name = {};
    std::string title = {};        // empty when none
    std::string description = {};  // empty when none
    std::vector<PromptArgument> arguments = {};

    Json to_json() const;
    static PromptInfo from_json(const Json& value, const std::string& peer);
};

struct PromptMessage {
    std::string role = {};  // "user" or "assistant"
    Json content = {};      // one content block (content.hpp)
};

// The result of prompts/get.
struct PromptResult {
    std::string description = {};  // empty when none
    std::vector<PromptMessage> messages = {};

    Json to_json() const;
    static PromptResult from_json(const Json& value, const std::string& peer);
};

}  // namespace agentio::agent::mcp
