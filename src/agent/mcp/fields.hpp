// fields.hpp: reading the optional fields of MCP's JSON shapes.
#pragma once

#include <string>

#include "agentio/agent/mcp/errors.hpp"
#include "agentio/agent/mcp/json_rpc.hpp"

namespace agentio::agent::mcp::detail {

// The string field `name`, or "" when absent or not a string.
inline std::string string_field(const Json& object, const char* name) {
    const auto found = object.find(name);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// The field `name` as sent, or null when absent.
inline Json field_or_null(const Json& object, const char* name) {
    const auto found = object.find(name);
    return found == object.end() ? Json() : *found;
}

// The string field `name`, which must be there and not empty: else
// ProtocolError "<peer>: <what> has no <name>: <the value>".
inline std::string required_string(const Json& object, const char* name, const std::string& peer, const char* what) {
    std::string value = string_field(object, name);
    if (value.empty()) throw ProtocolError(peer + ": " + what + " has no " + name + ": " + object.dump());
    return value;
}

// Sets `name` in `out` when `value` is not empty (the spec's optional strings).
inline void set_if_present(Json& out, const char* name, const std::string& value) {
    if (!value.empty()) out[name] = value;
}

}  // namespace agentio::agent::mcp::detail
