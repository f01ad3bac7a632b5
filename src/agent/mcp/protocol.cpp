// protocol.cpp: reading and writing MCP's tool shapes.
#include "agentio/agent/mcp/protocol.hpp"

#include <algorithm>

namespace agentio::agent::mcp {

namespace {

std::string string_field(const Json& object, const char* name) {
    const auto found = object.find(name);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

Json field_or_null(const Json& object, const char* name) {
    const auto found = object.find(name);
    return found == object.end() ? Json() : *found;
}

}  // namespace

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

CallToolResult CallToolResult::from_json(const Json& value, const std::string& peer) {
    if (!value.is_object()) throw ProtocolError(peer + ": a tools/call result is not an object: " + value.dump());
    CallToolResult result;
    const auto content = value.find("content");
    if (content != value.end()) {
        if (!content->is_array()) throw ProtocolError(peer + ": tools/call result: \"content\" is not an array");
        result.content.assign(content->begin(), content->end());
    }
    result.structured_content = field_or_null(value, "structuredContent");
    const auto is_error = value.find("isError");
    result.is_error = is_error != value.end() && is_error->is_boolean() && is_error->get<bool>();
    return result;
}

Json CallToolResult::to_json() const {
    Json out = {{"content", content}};
    if (!structured_content.is_null()) out["structuredContent"] = structured_content;
    if (is_error) out["isError"] = true;
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
