// script.hpp: Script, replies chosen by rules from a JSONL file, for tests
// whose conversation must go one exact way (an agent's tool calls, say).
//
// The file holds one rule per line, a JSON object; blank lines and lines
// whose first non-blank character is '#' are skipped:
//
//   {"match": {"contains": "weather"},
//    "reply": {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]}}
//   {"match": {"has_tool_results": true}, "reply": {"content": "It is 18 degrees in Paris."}}
//   {"reply": {"content": "I can only talk about the weather."}}
//
// (each rule on one line in the file). Rules are tried in file order; the
// first whose every condition holds answers. A request no rule matches is
// answered as without a script: by the tool policy (tool_policy.hpp) when
// it decides, else with generated text.
//
// "match" (optional; absent or {} matches every request):
//   "model": "sim-small"          the request's model, exactly
//   "contains": "text"            a substring of the newest input: the messages
//                                 after the last assistant message (the user's
//                                 new turn, or the results of the tools it
//                                 called), their contents joined by "\n"
//   "last_user_contains": "text"  a substring of the last user message
//   "last_user_regex": "re"       an ECMAScript regular expression found
//                                 (std::regex_search) in the last user message
//   "has_tool_results": bool      whether the newest input holds tool messages
//   "has_tools": bool             whether the request offers tools
// Substrings are matched as given (case-sensitive).
//
// "reply" (at least one of content and tool_calls):
//   "content": "text"             the assistant's text; streamed one word (with
//                                 its leading space) per chunk
//   "tool_calls": [{"id": "call_1", "name": "get_weather", "arguments": "{...}"}]
//                                 "arguments" is the JSON text, or a JSON value
//                                 that is written out compactly; "id" is
//                                 optional (then "call_" and 24 characters
//                                 derived from the request and the call's place)
//   "interleave": bool            streamed with several calls, send every
//                                 call's first delta (id, name), then their
//                                 argument fragments in turn, by index, to test
//                                 a client's assembly. Default false: one call
//                                 after the other, as the API does (and as
//                                 clients that announce a call as done when the
//                                 next index appears expect).
// A reply with tool calls ends with finish_reason "tool_calls"; with text
// only, "stop" (or "length" when the request's max tokens cut it).
//
// Errors (unreadable file, invalid JSON, unknown or mistyped keys, a bad
// regex) throw agentio::Error naming the file and line: "replies.jsonl:3:
// match.contains: expected a string". Unknown keys are errors so that a typo
// does not silently make a rule match everything.
#pragma once

#include <cstddef>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "agentio/llm/chat.hpp"

namespace agentio::sim {

struct ScriptedReply {
    std::optional<std::string> content;
    std::vector<llm::ToolCall> tool_calls;  // an empty id: derived per request
    bool interleave = false;
};

struct ScriptRule {
    std::optional<std::string> model;
    std::optional<std::string> contains;
    std::optional<std::string> last_user_contains;
    std::optional<std::regex> last_user_regex;
    std::optional<bool> has_tool_results;
    std::optional<bool> has_tools;
    ScriptedReply reply;
    std::size_t line = 0;  // where it came from, 1-based

    bool matches(const llm::ChatRequest& request) const;
};

class Script {
public:
    // Reads and parses `path`. Throws agentio::Error (see the file comment).
    static Script load(const std::string& path);
    // Parses `text`; `name` stands for the file in messages.
    static Script parse(std::string_view text, std::string_view name);

    // The first rule that matches, or null.
    const ScriptRule* match(const llm::ChatRequest& request) const;
    const std::vector<ScriptRule>& rules() const noexcept { return rules_; }
    bool empty() const noexcept { return rules_.empty(); }

private:
    std::vector<ScriptRule> rules_;
};

}  // namespace agentio::sim
