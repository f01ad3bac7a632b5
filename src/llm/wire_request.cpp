// wire_request.cpp: request bodies, written (client) and read (simulator).
//
// Writing: only fields that are set appear, `extra` is merged last so it can
// override anything, and text that is not valid UTF-8 is replaced rather than
// failing the call (JSON cannot carry it).
//
// Reading is lenient where clients differ (content as a string or as content
// parts, stop as a string or an array, max_tokens or max_completion_tokens,
// integers written as 1.0) and strict about types otherwise: a wrong type is a
// StreamError naming the field. Fields ChatRequest has no member for,
// "stream" and "stream_options" among them, are kept in `extra`, so a server
// learns from there whether the client asked for a stream.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include "agentio/llm/wire.hpp"
#include "wire_excerpt.hpp"

namespace agentio::llm {

namespace {

// Writing ------------------------------------------------------------------

// One JSON object, member by member, into `out`: a member whose key `extra`
// has is left out, and extra's members come last, so that they win.
class ObjectWriter {
public:
    ObjectWriter(std::string& out, const Json& extra, const char* what) : out_(out), extra_(extra) {
        if (!extra_.is_null() && !extra_.is_object())
            throw Error(std::string(what) + ".extra must be a JSON object, not " + extra_.type_name());
        out_.push_back('{');
    }

    // Opens member `name` and says whether to write its value.
    bool key(std::string_view name) {
        if (extra_.is_object() && extra_.contains(name)) return false;
        open(name);
        return true;
    }
    void string(std::string_view name, std::string_view value) {
        if (key(name)) append_json_string(out_, value);
    }
    void json(std::string_view name, const Json& value) {
        if (key(name)) append_json(out_, value);
    }
    void integer(std::string_view name, std::int64_t value) {
        if (key(name)) out_.append(std::to_string(value));
    }
    void boolean(std::string_view name, bool value) {
        if (key(name)) out_.append(value ? "true" : "false");
    }
    void finish() {
        if (extra_.is_object())
            for (const auto& [name, value] : extra_.items()) {
                open(name);
                append_json(out_, value);
            }
        out_.push_back('}');
    }

private:
    void open(std::string_view name) {
        if (!first_) out_.push_back(',');
        first_ = false;
        append_json_string(out_, name);
        out_.push_back(':');
    }

    std::string& out_;
    const Json& extra_;
    bool first_ = true;
};

const Json kNoExtra;

void append_message(std::string& out, const Message& message) {
    ObjectWriter object(out, kNoExtra, "Message");
    object.string("role", message.role);
    if (message.content) object.string("content", *message.content);
    else if (object.key("content")) out.append("null");
    if (message.name) object.string("name", *message.name);
    if (!message.tool_calls.empty() && object.key("tool_calls")) {
        out.push_back('[');
        for (std::size_t i = 0; i < message.tool_calls.size(); ++i) {
            const ToolCall& call = message.tool_calls[i];
            if (i > 0) out.push_back(',');
            out.append(R"({"id":)");
            append_json_string(out, call.id);
            out.append(R"(,"type":)");
            append_json_string(out, call.type);
            out.append(R"(,"function":{"name":)");
            append_json_string(out, call.name);
            out.append(R"(,"arguments":)");
            append_json_string(out, call.arguments);
            out.append("}}");
        }
        out.push_back(']');
    }
    if (message.tool_call_id) object.string("tool_call_id", *message.tool_call_id);
    if (message.refusal) object.string("refusal", *message.refusal);
    object.finish();
}

void append_tool(std::string& out, const Tool& tool) {
    out.append(R"({"type":"function","function":)");
    ObjectWriter function(out, kNoExtra, "Tool");
    function.string("name", tool.name);
    if (!tool.description.empty()) function.string("description", tool.description);
    if (!tool.parameters.is_null()) function.json("parameters", tool.parameters);
    if (tool.strict) function.boolean("strict", *tool.strict);
    function.finish();
    out.push_back('}');
}

// Reading ------------------------------------------------------------------

[[noreturn]] void fail(const std::string& where, const std::string& problem) {
    throw StreamError("chat request: " + where + ": " + problem);
}

[[noreturn]] void wrong_type(const std::string& where, const char* expected, const Json& value) {
    fail(where, std::string("expected ") + expected + ", got " + value.type_name());
}

std::optional<std::string> opt_string(const Json& value, const std::string& where) {
    if (value.is_null()) return std::nullopt;
    if (!value.is_string()) wrong_type(where, "a string or null", value);
    return value.get<std::string>();
}

std::string string_or_empty(const Json& value, const std::string& where) {
    return opt_string(value, where).value_or(std::string{});
}

std::optional<double> opt_number(const Json& value, const std::string& where) {
    if (value.is_null()) return std::nullopt;
    if (!value.is_number()) wrong_type(where, "a number or null", value);
    return value.get<double>();
}

std::optional<std::int64_t> opt_integer(const Json& value, const std::string& where) {
    if (value.is_null()) return std::nullopt;
    if (value.is_number_integer()) {
        if (value.is_number_unsigned() && value.get<std::uint64_t>() > std::numeric_limits<std::int64_t>::max())
            fail(where, "integer out of range");
        return value.get<std::int64_t>();
    }
    if (value.is_number_float()) {
        const double d = value.get<double>();
        if (std::isfinite(d) && d == std::trunc(d) && d >= -9.2e18 && d <= 9.2e18) return static_cast<std::int64_t>(d);
    }
    wrong_type(where, "an integer or null", value);
}

std::optional<int> opt_int(const Json& value, const std::string& where) {
    const auto n = opt_integer(value, where);
    if (n && (*n < std::numeric_limits<int>::min() || *n > std::numeric_limits<int>::max()))
        fail(where, "integer out of range");
    return n ? std::optional<int>(static_cast<int>(*n)) : std::nullopt;
}

// A message's content: a string, null, or content parts whose texts are joined.
std::optional<std::string> read_content(const Json& value, const std::string& where) {
    if (value.is_null() || value.is_string()) return opt_string(value, where);
    if (!value.is_array()) wrong_type(where, "a string, an array of content parts or null", value);
    std::string text;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const Json& part = value[i];
        const std::string at = where + "[" + std::to_string(i) + "]";
        if (!part.is_object()) wrong_type(at, "a content part object", part);
        const auto type = part.find("type");
        if (type == part.end() || *type != "text") continue;  // images, audio: no text to give
        const auto part_text = part.find("text");
        if (part_text == part.end()) fail(at, "a text part without `text`");
        text += string_or_empty(*part_text, at + ".text");
    }
    return text;
}

ToolCall read_tool_call(const Json& value, const std::string& where) {
    if (!value.is_object()) wrong_type(where, "a tool call object", value);
    ToolCall call;
    for (const auto& [key, field] : value.items()) {
        if (key == "id") {
            call.id = string_or_empty(field, where + ".id");
        } else if (key == "type") {
            call.type = string_or_empty(field, where + ".type");
        } else if (key == "function") {
            if (!field.is_object()) wrong_type(where + ".function", "an object", field);
            if (const auto name = field.find("name"); name != field.end())
                call.name = string_or_empty(*name, where + ".function.name");
            if (const auto arguments = field.find("arguments"); arguments != field.end()) {
                // Some clients send the arguments as an object, not as its text.
                if (arguments->is_object()) append_json(call.arguments, *arguments);
                else call.arguments = string_or_empty(*arguments, where + ".function.arguments");
            }
        }
    }
    return call;
}

Message read_message(const Json& value, const std::string& where) {
    if (!value.is_object()) wrong_type(where, "a message object", value);
    Message message;
    for (const auto& [key, field] : value.items()) {
        if (key == "role") {
            message.role = string_or_empty(field, where + ".role");
        } else if (key == "content") {
            message.content = read_content(field, where + ".content");
        } else if (key == "name") {
            message.name = opt_string(field, where + ".name");
        } else if (key == "tool_call_id") {
            message.tool_call_id = opt_string(field, where + ".tool_call_id");
        } else if (key == "refusal") {
            message.refusal = opt_string(field, where + ".refusal");
        } else if (key == "tool_calls") {
            if (field.is_null()) continue;
            if (!field.is_array()) wrong_type(where + ".tool_calls", "an array or null", field);
            for (std::size_t i = 0; i < field.size(); ++i)
                message.tool_calls.push_back(read_tool_call(field[i], where + ".tool_calls[" + std::to_string(i) + "]"));
        }
    }
    if (message.role.empty()) fail(where, "no role");
    return message;
}

// A tool of another type than "function" cannot be represented by Tool: it
// is skipped.
void read_tools(const Json& value, std::vector<Tool>& tools) {
    if (value.is_null()) return;
    if (!value.is_array()) wrong_type("tools", "an array or null", value);
    for (std::size_t i = 0; i < value.size(); ++i) {
        const Json& entry = value[i];
        const std::string where = "tools[" + std::to_string(i) + "]";
        if (!entry.is_object()) wrong_type(where, "a tool object", entry);
        if (const auto type = entry.find("type"); type != entry.end() && *type != "function") continue;
        const auto function = entry.find("function");
        if (function == entry.end() || !function->is_object()) fail(where, "no `function` object");
        Tool tool;
        for (const auto& [key, field] : function->items()) {
            if (key == "name") {
                tool.name = string_or_empty(field, where + ".function.name");
            } else if (key == "description") {
                tool.description = string_or_empty(field, where + ".function.description");
            } else if (key == "parameters") {
                tool.parameters = field;
            } else if (key == "strict") {
                if (field.is_null()) continue;
                if (!field.is_boolean()) wrong_type(where + ".function.strict", "a boolean or null", field);
                tool.strict = field.get<bool>();
            }
        }
        tools.push_back(std::move(tool));
    }
}

void read_stop(const Json& value, std::vector<std::string>& stop) {
    if (value.is_null()) return;
    if (value.is_string()) {
        stop.push_back(value.get<std::string>());
        return;
    }
    if (!value.is_array()) wrong_type("stop", "a string, an array of strings or null", value);
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (!value[i].is_string()) wrong_type("stop[" + std::to_string(i) + "]", "a string", value[i]);
        stop.push_back(value[i].get<std::string>());
    }
}

Json parse_bounded(std::string_view body) {
    try {
        return parse_json(body);
    } catch (const JsonError& e) {
        throw StreamError(std::string("chat request: not JSON (") + e.what() + "); input: " + detail::excerpt(body));
    }
}

}  // namespace

std::string to_json(const Message& message) {
    std::string text;
    append_message(text, message);
    return text;
}

Json to_json_value(const Message& message) { return Json::parse(to_json(message)); }

namespace {

// A guess at a request body's size, so that writing it allocates once or
// twice instead of doubling its way up from nothing.
std::size_t size_hint(const ChatRequest& request) {
    std::size_t size = 512 + request.model.size();
    for (const Message& message : request.messages) {
        size += 64 + (message.content ? message.content->size() : 0);
        for (const ToolCall& call : message.tool_calls) size += 96 + call.id.size() + call.name.size() + call.arguments.size();
    }
    for (const Tool& tool : request.tools) size += 256 + tool.name.size() + tool.description.size();
    return size;
}

}  // namespace

std::string to_json(const ChatRequest& request, bool stream) {
    std::string out;
    out.reserve(size_hint(request));
    ObjectWriter body(out, request.extra, "ChatRequest");
    body.string("model", request.model);
    if (body.key("messages")) {
        out.push_back('[');
        for (std::size_t i = 0; i < request.messages.size(); ++i) {
            if (i > 0) out.push_back(',');
            append_message(out, request.messages[i]);
        }
        out.push_back(']');
    }
    if (request.temperature) body.json("temperature", *request.temperature);
    if (request.top_p) body.json("top_p", *request.top_p);
    if (request.max_tokens) body.integer("max_tokens", *request.max_tokens);
    if (request.max_completion_tokens) body.integer("max_completion_tokens", *request.max_completion_tokens);
    if (request.n) body.integer("n", *request.n);
    if (request.seed) body.integer("seed", *request.seed);
    if (!request.stop.empty()) body.json("stop", request.stop);
    if (request.presence_penalty) body.json("presence_penalty", *request.presence_penalty);
    if (request.frequency_penalty) body.json("frequency_penalty", *request.frequency_penalty);
    if (!request.tools.empty() && body.key("tools")) {
        out.push_back('[');
        for (std::size_t i = 0; i < request.tools.size(); ++i) {
            if (i > 0) out.push_back(',');
            append_tool(out, request.tools[i]);
        }
        out.push_back(']');
    }
    if (!request.tool_choice.is_null()) body.json("tool_choice", request.tool_choice);
    if (request.parallel_tool_calls) body.boolean("parallel_tool_calls", *request.parallel_tool_calls);
    if (!request.response_format.is_null()) body.json("response_format", request.response_format);
    if (request.user) body.string("user", *request.user);
    if (stream) {
        body.boolean("stream", true);
        if (body.key("stream_options")) out.append(R"({"include_usage":true})");
    }
    body.finish();
    return out;
}

std::string to_json(const EmbeddingRequest& request) {
    std::string out;
    ObjectWriter body(out, request.extra, "EmbeddingRequest");
    body.string("model", request.model);
    if (body.key("input")) {
        out.push_back('[');
        for (std::size_t i = 0; i < request.input.size(); ++i) {
            if (i > 0) out.push_back(',');
            append_json_string(out, request.input[i]);
        }
        out.push_back(']');
    }
    // Float arrays are what parse_embedding_response reads.
    body.string("encoding_format", "float");
    if (request.dimensions) body.integer("dimensions", *request.dimensions);
    body.finish();
    return out;
}

ChatRequest parse_chat_request(std::string_view body) {
    const Json json = parse_bounded(body);
    if (!json.is_object()) wrong_type("body", "a JSON object", json);
    ChatRequest request;
    bool has_messages = false;
    for (const auto& [key, value] : json.items()) {
        if (key == "model") {
            request.model = string_or_empty(value, "model");
        } else if (key == "messages") {
            if (!value.is_array()) wrong_type("messages", "an array", value);
            has_messages = true;
            for (std::size_t i = 0; i < value.size(); ++i)
                request.messages.push_back(read_message(value[i], "messages[" + std::to_string(i) + "]"));
        } else if (key == "temperature") {
            request.temperature = opt_number(value, key);
        } else if (key == "top_p") {
            request.top_p = opt_number(value, key);
        } else if (key == "max_tokens") {
            request.max_tokens = opt_int(value, key);
        } else if (key == "max_completion_tokens") {
            request.max_completion_tokens = opt_int(value, key);
        } else if (key == "n") {
            request.n = opt_int(value, key);
        } else if (key == "seed") {
            request.seed = opt_integer(value, key);
        } else if (key == "stop") {
            read_stop(value, request.stop);
        } else if (key == "presence_penalty") {
            request.presence_penalty = opt_number(value, key);
        } else if (key == "frequency_penalty") {
            request.frequency_penalty = opt_number(value, key);
        } else if (key == "tools") {
            read_tools(value, request.tools);
        } else if (key == "tool_choice") {
            request.tool_choice = value;
        } else if (key == "parallel_tool_calls") {
            if (value.is_null()) continue;
            if (!value.is_boolean()) wrong_type(key, "a boolean or null", value);
            request.parallel_tool_calls = value.get<bool>();
        } else if (key == "response_format") {
            request.response_format = value;
        } else if (key == "user") {
            request.user = opt_string(value, key);
        } else {
            request.extra[key] = value;  // "stream", "stream_options" and unknown fields
        }
    }
    if (!has_messages) fail("body", "no `messages`");
    return request;
}

Message message_from_json(const Json& value) { return read_message(value, "message"); }

}  // namespace agentio::llm
