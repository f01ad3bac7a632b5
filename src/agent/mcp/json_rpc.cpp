// json_rpc.cpp: decoding and encoding JSON-RPC 2.0 messages, strictly.
//
// The checks follow the JSON-RPC 2.0 specification and MCP's narrowing of it
// (ids never null; no batches). Every rejection says which rule the input
// broke, with a short excerpt, because the text usually comes from another
// program whose author needs to find the bug.
#include "agentio/agent/mcp/json_rpc.hpp"

#include "agentio/llm/json.hpp"
#include "excerpt.hpp"

namespace agentio::agent::mcp {

namespace {

bool usable_id(const Json& id) {
    return id.is_string() || id.is_number_integer() || id.is_number_unsigned();
}

[[noreturn]] void invalid(const Json& message, const std::string& why) {
    Json data = Json::object();
    const auto id = message.is_object() ? message.find("id") : message.end();
    if (message.is_object() && id != message.end() && usable_id(*id)) data["id"] = *id;
    throw RpcError(error_code::invalid_request, "invalid JSON-RPC message: " + why, std::move(data));
}

}  // namespace

Message decode_message(std::string_view text) {
    Json value;
    try {
        value = llm::parse_json(text);
    } catch (const llm::JsonError& e) {
        throw RpcError(error_code::parse_error, "not JSON: " + detail::excerpt(text) + " (" + e.what() + ")", Json::object());
    }
    return decode_value(std::move(value));
}

Message decode_value(Json value) {
    if (value.is_array()) invalid(value, "a batch (JSON array); MCP sends one message at a time");
    if (!value.is_object()) invalid(value, "expected an object, got " + detail::excerpt(value.dump()));
    const auto version = value.find("jsonrpc");
    if (version == value.end() || *version != "2.0") invalid(value, "\"jsonrpc\" must be \"2.0\"");

    Message message;
    const auto id = value.find("id");
    const bool has_id = id != value.end();
    if (has_id && !usable_id(*id)) invalid(value, "\"id\" must be a string or an integer, got " + detail::excerpt(id->dump()));
    if (has_id) message.id = *id;

    const auto method = value.find("method");
    if (method != value.end()) {
        if (!method->is_string()) invalid(value, "\"method\" must be a string");
        message.kind = has_id ? Message::Kind::Request : Message::Kind::Notification;
        message.method = method->get<std::string>();
        const auto params = value.find("params");
        if (params != value.end()) {
            if (!params->is_object() && !params->is_array())
                invalid(value, "\"params\" of " + message.method + " must be an object or an array");
            message.params = std::move(*params);
        }
        return message;
    }

    const auto result = value.find("result");
    const auto error = value.find("error");
    if (!has_id) invalid(value, "neither a request, a notification nor a response (no \"method\" and no \"id\")");
    if ((result != value.end()) == (error != value.end()))
        invalid(value, "a response must hold exactly one of \"result\" and \"error\"");
    if (result != value.end()) {
        message.kind = Message::Kind::Result;
        message.result = std::move(*result);
        return message;
    }
    if (!error->is_object()) invalid(value, "\"error\" must be an object");
    const auto code = error->find("code");
    const auto text = error->find("message");
    if (code == error->end() || !code->is_number_integer()) invalid(value, "\"error.code\" must be an integer");
    if (text == error->end() || !text->is_string()) invalid(value, "\"error.message\" must be a string");
    message.kind = Message::Kind::Error;
    message.error_code = code->get<int>();
    message.error_message = text->get<std::string>();
    if (const auto data = error->find("data"); data != error->end()) message.error_data = std::move(*data);
    return message;
}

std::string id_key(const Json& id) {
    // Integer ids are the common case; their text is what dump() would write.
    if (id.is_number_unsigned()) return std::to_string(id.get<std::uint64_t>());
    if (id.is_number_integer()) return std::to_string(id.get<std::int64_t>());
    return id.dump();
}

Json to_json(const Message& message) {
    Json out = {{"jsonrpc", "2.0"}};
    switch (message.kind) {
        case Message::Kind::Request:
            out["id"] = message.id;
            [[fallthrough]];
        case Message::Kind::Notification:
            out["method"] = message.method;
            if (!message.params.is_null()) out["params"] = message.params;
            break;
        case Message::Kind::Result:
            out["id"] = message.id;
            out["result"] = message.result;
            break;
        case Message::Kind::Error: {
            out["id"] = message.id;
            Json error = {{"code", message.error_code}, {"message", message.error_message}};
            if (!message.error_data.is_null()) error["data"] = message.error_data;
            out["error"] = std::move(error);
            break;
        }
    }
    return out;
}

// The encoders write the envelope themselves, in to_json's key order, around
// the dumped params or result (building a Json first copied them twice).
// Invalid UTF-8 from a tool's output is replaced, not thrown: one bad byte
// must not lose a whole reply.
namespace {

std::string envelope(const Json* id) {
    std::string out = R"({"jsonrpc":"2.0")";
    if (id != nullptr) {
        out += R"(,"id":)";
        llm::append_json(out, *id);
    }
    return out;
}

void add_member(std::string& out, std::string_view name, const Json& value) {
    out += ',';
    llm::append_json_string(out, name);
    out += ':';
    llm::append_json(out, value);
}

std::string method_message(const Json* id, std::string_view method, const Json& params) {
    std::string out = envelope(id);
    out += R"(,"method":)";
    llm::append_json_string(out, method);
    if (!params.is_null()) add_member(out, "params", params);
    out += '}';
    return out;
}

}  // namespace

std::string encode_request(const Json& id, std::string_view method, const Json& params) {
    return method_message(&id, method, params);
}

std::string encode_notification(std::string_view method, const Json& params) {
    return method_message(nullptr, method, params);
}

std::string encode_result(const Json& id, const Json& result) {
    std::string out = envelope(&id);
    add_member(out, "result", result);
    out += '}';
    return out;
}

std::string encode_error(const Json& id, int code, std::string_view text, const Json& data) {
    std::string out = envelope(&id);
    out += R"(,"error":{"code":)";
    out += std::to_string(code);
    out += R"(,"message":)";
    llm::append_json_string(out, text);
    if (!data.is_null()) add_member(out, "data", data);
    out += "}}";
    return out;
}

std::string encode(const Message& message) {
    switch (message.kind) {
        case Message::Kind::Request: return encode_request(message.id, message.method, message.params);
        case Message::Kind::Notification: return encode_notification(message.method, message.params);
        case Message::Kind::Result: return encode_result(message.id, message.result);
        case Message::Kind::Error:
            return encode_error(message.id, message.error_code, message.error_message, message.error_data);
    }
    return {};  // not reached: every kind is handled above
}

}  // namespace agentio::agent::mcp
