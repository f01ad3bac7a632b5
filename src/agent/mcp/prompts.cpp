// prompts.cpp: reading and writing the prompt shapes.
#include "agentio/agent/mcp/prompts.hpp"

#include "fields.hpp"

namespace agentio::agent::mcp {

using detail::required_string;
using detail::set_if_present;
using detail::string_field;

Json PromptInfo::to_json() const {
    Json out = {{"name", name}};
    set_if_present(out, "title", title);
    set_if_present(out, "description", description);
    if (!arguments.empty()) {
        Json list = Json::array();
        for (const PromptArgument& argument : arguments) {
            Json entry = {{"name", argument.name}};
            set_if_present(entry, "description", argument.description);
            if (argument.required) entry["required"] = true;
            list.push_back(std::move(entry));
        }
        out["arguments"] = std::move(list);
    }
    return out;
}

PromptInfo PromptInfo::from_json(const Json& value, const std::string& peer) {
    if (!value.is_object()) throw ProtocolError(peer + ": a prompts/list entry is not an object: " + value.dump());
    PromptInfo info;
    info.name = required_string(value, "name", peer, "a prompts/list entry");
    info.title = string_field(value, "title");
    info.description = string_field(value, "description");
    if (const auto arguments = value.find("arguments"); arguments != value.end() && arguments->is_array()) {
        for (const Json& entry : *arguments) {
            if (!entry.is_object()) throw ProtocolError(peer + ": prompt '" + info.name + "' has an argument that is not an object");
            PromptArgument argument;
            argument.name = required_string(entry, "name", peer, "a prompt argument");
            argument.description = string_field(entry, "description");
            argument.required = entry.value("required", false);
            info.arguments.push_back(std::move(argument));
        }
    }
    return info;
}

Json PromptResult::to_json() const {
    Json list = Json::array();
    for (const PromptMessage& message : messages) list.push_back({{"role", message.role}, {"content", message.content}});
    Json out = {{"messages", std::move(list)}};
    set_if_present(out, "description", description);
    return out;
}

PromptResult PromptResult::from_json(const Json& value, const std::string& peer) {
    if (!value.is_object()) throw ProtocolError(peer + ": a prompts/get result is not an object: " + value.dump());
    const auto messages = value.find("messages");
    if (messages == value.end() || !messages->is_array())
        throw ProtocolError(peer + ": a prompts/get result has no messages array");
    PromptResult result;
    result.description = string_field(value, "description");
    for (const Json& entry : *messages) {
        if (!entry.is_object() || !entry.contains("content"))
            throw ProtocolError(peer + ": a prompt message has no content: " + entry.dump());
        result.messages.push_back({required_string(entry, "role", peer, "a prompt message"), entry["content"]});
    }
    return result;
}

}  // namespace agentio::agent::mcp
