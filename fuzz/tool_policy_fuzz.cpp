// tool_policy_fuzz.cpp: the simulator's tool policy reads a user message
// (its words, numbers, quoted texts and the words after property names) and
// a tool's parameter schema, both untrusted; it never crashes or hangs, and
// what it produces is what it promises.
//
// Input: the user message, then (after the first NUL byte, if any) the
// tool's `parameters` as JSON text; without one, or when it is not JSON, a
// fixed schema of numbers, strings, an enum and a nested object is used.
// Checked: under every policy the reply is decided twice the same way; a
// call's arguments are JSON (and an object when the schema is the fixed
// one); the only error is ToolPolicyError, with a message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "agentio/sim/tool_policy.hpp"

namespace sim = agentio::sim;
namespace llm = agentio::llm;

namespace {

constexpr std::string_view kFixedSchema = R"({"type": "object", "properties": {
    "a": {"type": "number"}, "n": {"type": "integer", "minimum": -5, "maximum": 500, "multipleOf": 5},
    "city": {"type": "string", "maxLength": 8}, "unit": {"enum": ["celsius", "fahrenheit"]},
    "inner": {"type": "object", "properties": {"q": {"type": ["string", "null"]}, "k": {"type": "array", "items": {"type": "number"}}}}},
    "required": ["a", "n", "city", "unit", "inner"]})";

llm::Json parse_schema(std::string_view text, bool& fixed) {
    fixed = false;
    try {
        if (!text.empty()) return llm::parse_json(text);  // as a request's schema is read
    } catch (const llm::JsonError&) {
    }
    fixed = true;
    return llm::Json::parse(kFixedSchema);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t split = input.find('\0');
    const std::string message(input.substr(0, split));
    bool fixed = false;

    llm::ChatRequest request;
    request.model = "sim-small";
    request.messages = {llm::Message::user(message)};
    llm::Tool tool;
    tool.name = "get_weather";
    tool.description = "Get the weather for a city";
    tool.parameters = parse_schema(split == std::string_view::npos ? std::string_view() : input.substr(split + 1), fixed);
    request.tools = {tool};
    sim::Config config;
    for (const sim::ToolPolicy policy : {sim::ToolPolicy::automatic, sim::ToolPolicy::all}) {
        config.tool_policy = policy;
        try {
            const auto reply = sim::tool_policy_reply(config, {}, request);
            const auto again = sim::tool_policy_reply(config, {}, request);
            if (reply.has_value() != again.has_value()) std::abort();
            if (!reply) continue;
            if (reply->tool_calls != again->tool_calls) std::abort();
            for (const llm::ToolCall& call : reply->tool_calls) {
                const llm::Json arguments = llm::Json::parse(call.arguments);  // throws, and aborts, if not JSON
                if (fixed && !arguments.is_object()) std::abort();
            }
        } catch (const sim::ToolPolicyError& e) {
            if (std::string_view(e.what()).empty()) std::abort();
        }
    }
    return 0;
}
