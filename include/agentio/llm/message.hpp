// message.hpp: the pieces of a chat conversation: Message, ToolCall, Tool.
//
// They mirror the OpenAI chat-completions wire format field for field, so a
// conversation built here reads like the Python SDK's dicts:
//
//     std::vector<llm::Message> messages{llm::Message::system("Be brief."),
//                                        llm::Message::user("Capital of France?")};
//
// A `content` of nullopt is sent as JSON null (an assistant turn that only
// calls tools); every other optional field is left out of the JSON when unset.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agentio/llm/json.hpp"

namespace agentio::llm {

// One call of a function tool, as the model asked for it. `arguments` is the
// JSON text the model produced, kept as text: it is not guaranteed to parse.
struct ToolCall {
    std::string id;
    std::string type = "function";
    std::string name;       // function.name
    std::string arguments;  // function.arguments

    friend bool operator==(const ToolCall&, const ToolCall&) = default;
};

struct Message {
    std::string role;                    // "system", "developer", "user", "assistant", "tool"
    std::optional<std::string> content;  // nullopt: JSON null
    std::optional<std::string> name;
    std::vector<ToolCall> tool_calls;    // assistant turns only
    std::optional<std::string> tool_call_id;  // tool turns only
    std::optional<std::string> refusal;  // assistant turns: a refusal instead of content

    static Message system(std::string text) { return with("system", std::move(text)); }
    static Message user(std::string text) { return with("user", std::move(text)); }
    static Message assistant(std::string text) { return with("assistant", std::move(text)); }
    // The result of the tool call `call_id`, sent back to the model.
    static Message tool(std::string call_id, std::string result) {
        Message m = with("tool", std::move(result));
        m.tool_call_id = std::move(call_id);
        return m;
    }

    friend bool operator==(const Message&, const Message&) = default;

private:
    static Message with(std::string role, std::string text) {
        Message m;
        m.role = std::move(role);
        m.content = std::move(text);
        return m;
    }
};

// A function the model may call; `parameters` is its JSON Schema.
struct Tool {
    std::string name;
    std::string description;
    Json parameters = Json::object();
    std::optional<bool> strict;
};

}  // namespace agentio::llm
