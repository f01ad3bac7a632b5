// json_rpc.hpp: JSON-RPC 2.0 messages as MCP uses them: decode and encode. No I/O.
//
// compile-context: extern std::string line;
//     mcp::Message message = mcp::decode_message(line);   // throws RpcError
//     std::string reply = mcp::encode_result(message.id, {{"ok", true}});
//
// What decode_message() promises: it returns only well-formed messages of one
// of four kinds, or throws RpcError with the code the peer should be answered
// with and a message naming what was wrong:
// - text that is not JSON: -32700 (parse error), id null;
// - JSON that is not one message object (a batch array, a number, an object
//   without "jsonrpc": "2.0", a request whose method is not a string, an id
//   that is null, fractional or neither string nor integer, params that are
//   not an object or array, a response with both or neither of result and
//   error, an error without an integer code and a string message): -32600
//   (invalid request), with the message's id when it had a usable one, so a
//   reply can still be correlated (RpcError::data() holds {"id": ...}).
// MCP removed JSON-RPC batches in 2025-06-18, so an array is invalid here.
//
// Ids are kept as the JSON value that was sent (an integer or a string) and
// compared as such; id_key() gives a string key for maps that tells 1 from "1".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "agentio/agent/mcp/errors.hpp"
#include "agentio/llm/message.hpp"

namespace agentio::agent::mcp {

using Json = llm::Json;

// The error codes of JSON-RPC 2.0 (section 5.1).
namespace error_code {
inline constexpr int parse_error = -32700;
inline constexpr int invalid_request = -32600;
inline constexpr int method_not_found = -32601;
inline constexpr int invalid_params = -32602;
inline constexpr int internal_error = -32603;
}  // namespace error_code

struct Message {
    enum class Kind : std::uint8_t { Request, Notification, Result, Error };
    Kind kind = Kind::Notification;
    Json id;              // Request, Result, Error (null for an error to an unreadable message)
    std::string method;   // Request, Notification
    Json params;          // Request, Notification: an object or array, or null when absent
    Json result;          // Result
    int error_code = 0;   // Error
    std::string error_message;
    Json error_data;      // Error: null when absent

    bool is_request() const noexcept { return kind == Kind::Request; }
    bool is_notification() const noexcept { return kind == Kind::Notification; }
    bool is_response() const noexcept { return kind == Kind::Result || kind == Kind::Error; }
};

// One message from its text; see the promises above.
Message decode_message(std::string_view text);
// The same from an already parsed value (the Streamable HTTP server parses
// the body first to tell an initialize request from the rest). Params,
// results and error data are moved out of `value`, not copied.
Message decode_value(Json value);

// A map key for an id: "1" for the integer 1, "\"1\"" for the string "1".
std::string id_key(const Json& id);

// The wire text of each kind of message (compact JSON, no line end).
std::string encode_request(const Json& id, std::string_view method, const Json& params);
std::string encode_notification(std::string_view method, const Json& params);
std::string encode_result(const Json& id, const Json& result);
std::string encode_error(const Json& id, int code, std::string_view message, const Json& data = nullptr);
std::string encode(const Message& message);

// The message as a JSON value (what encode() serialises).
Json to_json(const Message& message);

}  // namespace agentio::agent::mcp
