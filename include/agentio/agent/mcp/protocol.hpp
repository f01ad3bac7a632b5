// protocol.hpp: the MCP protocol revisions spoken here and the shapes of the
// tool messages, as plain structs read from and written to JSON.
//
// Revisions: 2025-11-25 (the current one, offered first) and 2025-06-18. A
// peer that asks for another one is answered with the latest (server side) or
// refused with ProtocolError naming both (client side), as the spec's version
// negotiation says.
//
// Parsing is lenient where the spec allows extensions (unknown fields are kept
// in `raw`) and strict where a missing field would make the value meaningless
// (a tool without a name, a result without a content array): ProtocolError
// naming the field.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agentio/agent/mcp/json_rpc.hpp"

namespace agentio::agent::mcp {

inline constexpr std::string_view latest_protocol_version = "2025-11-25";
inline constexpr std::array<std::string_view, 2> supported_protocol_versions = {"2025-11-25", "2025-06-18"};
bool is_supported_protocol_version(std::string_view version) noexcept;

// One entry of tools/list.
struct ToolInfo {
    std::string name = {};
    std::string title = {};        // empty when none
    std::string description = {};  // empty when none
    Json input_schema = {};        // a JSON Schema object
    Json output_schema = {};       // null when none
    Json annotations = {};         // null when none
    Json raw = {};                 // the entry as sent (unused when sending)

    // The tools/list entry: the schemas exactly as given (a JSON Schema
    // 2020-12 schema keeps its $schema, $defs and every other keyword).
    Json to_json() const;
    static ToolInfo from_json(const Json& value, const std::string& peer);
};

struct ToolPage {
    std::vector<ToolInfo> tools = {};
    std::optional<std::string> next_cursor = {};
};

// The result of tools/call.
struct CallToolResult {
    std::vector<Json> content = {};  // content blocks: {"type":"text","text":...}, images, resources, ...
    Json structured_content = {};    // null when none
    bool is_error = false;

    // The text blocks joined with '\n'; other blocks as "[image: image/png]"-style placeholders.
    std::string text() const;
    // What a model should read: the text, else the structured content as JSON,
    // else the content blocks as JSON.
    std::string for_model() const;

    static CallToolResult from_json(Json value, const std::string& peer);
    Json to_json() const&;
    Json to_json() &&;  // moves the content out
};

// The syslog severities of MCP logging, least severe first.
enum class LogLevel { debug, info, notice, warning, error, critical, alert, emergency };
std::string_view to_string(LogLevel level) noexcept;
// nullopt for a name that is not one of the eight.
std::optional<LogLevel> parse_log_level(std::string_view name) noexcept;

// The answer to elicitation/create.
struct ElicitResult {
    std::string action = {};  // "accept", "decline" or "cancel"
    Json content = {};        // the user's answers when accepted, else null

    Json to_json() const;
    static ElicitResult from_json(const Json& value, const std::string& peer);
};

// One notifications/message (server-sent logging).
struct LogMessage {
    std::string level = {};   // debug, info, notice, warning, error, critical, alert, emergency
    std::string logger = {};  // empty when none
    Json data = {};
};

}  // namespace agentio::agent::mcp
