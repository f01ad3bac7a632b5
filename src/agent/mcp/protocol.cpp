// protocol.cpp: reading and writing MCP's tool shapes.
#include "agentio/agent/mcp/protocol.hpp"

#include <algorithm>

#include "fields.hpp"

namespace agentio::agent::mcp {

using detail::field_or_null;
using detail::set_if_present;
using detail::string_field;

namespace {

constexpr std::array<std::string_view, 8> kLogLevels = {"debug", "info",     "notice", "warning",
                                                        "error", "critical", "alert",  "emergency"};

}  // namespace

std::string_view to_string(LogLevel level) noexcept { return kLogLevels[static_cast<std::size_t>(level)]; }

std::optional<LogLevel> parse_log_level(std::string_view name) noexcept {
    const auto found = std::find(kLogLevels.begin(), kLogLevels.end(), name);
    if (found == kLogLevels.end()) return std::nullopt;
    return static_cast<LogLevel>(found - kLogLevels.begin());
}

Json ElicitResult::to_json() const {
    Json out = {{"action", action}};
    if (!content.is_null()) out["content"] = content;
    return out;
}

ElicitResult ElicitResult::from_json(const Json& value, const std::string& peer) {
    if (!value.is_object()) throw ProtocolError(peer + ": an elicitation result is not an object: " + value.dump());
    ElicitResult result;
    result.action = string_field(value, "action");
    if (result.action != "accept" && result.action != "decline" && result.action != "cancel")
        throw ProtocolError(peer + ": an elicitation result's action must be accept, decline or cancel: " +
                            value.dump());
    result.content = field_or_null(value, "content");
    return result;
}

Json ToolInfo::to_json() const {
    Json out = {{"name", name}, {"inputSchema", input_schema.is_null() ? Json{{"type", "object"}} : input_schema}};
    set_if_present(out, "title", title);
    set_if_present(out, "description", description);
    if (!output_schema.is_null()) out["outputSchema"] = output_schema;
    if (!annotations.is_null()) out["annotations"] = annotations;
    return out;
}

bool is_supported_protocol_version(std::string_view version) noexcept {
    return std::find(supported_protocol_versions.begin(), supported_protocol_versions.end(), version) !=
           supported_protocol_versions.end();
}

ToolInfo ToolInfo::from_json(const Json& value, const std::string& peer) {
    if (!value.is_object()) throw ProtocolError(peer + ": a tools/list entry is not an object: " + value.dump());
    ToolInfo tool;
    tool.name = string_field(value, "name");
    if (tool.name.empty()) throw ProtocolError(peer + ": a tools/list entry has no name: " + value.dump());
    tool.title = string_field(value, "title");
    tool.description = string_field(value, "description");
    tool.input_schema = field_or_null(value, "inputSchema");
    if (!tool.input_schema.is_object())
        throw ProtocolError(peer + ": tool '" + tool.name + "' has no inputSchema object");
    tool.output_schema = field_or_null(value, "outputSchema");
    tool.annotations = field_or_null(value, "annotations");
    tool.raw = value;
    return tool;
}

CallToolResult CallToolResult::from_json(Json value, const std::string& peer) {
    if (!value.is_object()) throw ProtocolError(peer + ": a tools/call result is not an object: " + value.dump());
    CallToolResult result;
    if (const auto content = value.find("content"); content != value.end()) {
        if (!content->is_array()) throw ProtocolError(peer + ": tools/call result: \"content\" is not an array");
        result.content = std::move(content->get_ref<Json::array_t&>());
    }
    if (const auto structured = value.find("structuredContent"); structured != value.end())
        result.structured_content = std::move(*structured);
    const auto is_error = value.find("isError");
    result.is_error = is_error != value.end() && is_error->is_boolean() && is_error->get<bool>();
    return result;
}

Json CallToolResult::to_json() const& { return CallToolResult(*this).to_json(); }

Json CallToolResult::to_json() && {
    Json out = Json::object();
    out["content"] = std::move(content);
    if (!structured_content.is_null()) out["structuredContent"] = std::move(structured_content);
    out["isError"] = is_error;
    return out;
}

std::string CallToolResult::text() const {
    std::string joined;
    for (const Json& block : content) {
        if (!block.is_object()) continue;
        const std::string type = string_field(block, "type");
        std::string piece;
        if (type == "text") piece = string_field(block, "text");
        else if (type == "image" || type == "audio") piece = "[" + type + ": " + string_field(block, "mimeType") + "]";
        else if (type == "resource_link") piece = "[resource: " + string_field(block, "uri") + "]";
        else if (type == "resource" && block.contains("resource") && block["resource"].is_object()) {
            const Json& resource = block["resource"];
            piece = resource.contains("text") ? string_field(resource, "text")
                                              : "[resource: " + string_field(resource, "uri") + "]";
        } else continue;
        if (!joined.empty()) joined += '\n';
        joined += piece;
    }
    return joined;
}

std::string CallToolResult::for_model() const {
    const bool has_text = std::any_of(content.begin(), content.end(), [](const Json& block) {
        return block.is_object() && block.value("type", "") == "text";
    });
    if (has_text) return text();
    if (!structured_content.is_null()) return structured_content.dump();
    if (!content.empty()) {
        std::string joined = text();
        return joined.empty() ? Json(content).dump() : joined;
    }
    return {};
}

}  // namespace agentio::agent::mcp
