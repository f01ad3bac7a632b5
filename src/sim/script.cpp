// script.cpp: reading a script file and matching requests against its rules.
//
// Parsing is strict (unknown keys and wrong types are errors naming
// file:line and the key), because a rule that silently matches more than
// meant sends a test down the wrong conversation.
#include "agentio/sim/script.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "agentio/core/errors.hpp"

namespace agentio::sim {

namespace {

using Json = llm::Json;

class LineParser {
public:
    LineParser(std::string_view name, std::size_t line) : name_(name), line_(line) {}

    [[noreturn]] void fail(const std::string& problem) const {
        throw Error(std::string(name_) + ":" + std::to_string(line_) + ": " + problem);
    }

    std::string string(const Json& value, const std::string& where) const {
        if (!value.is_string()) fail(where + ": expected a string, got " + value.type_name());
        return value.get<std::string>();
    }
    bool boolean(const Json& value, const std::string& where) const {
        if (!value.is_boolean()) fail(where + ": expected true or false, got " + value.type_name());
        return value.get<bool>();
    }

    ScriptRule rule(std::string_view text) const {
        Json json;
        try {
            json = Json::parse(text);
        } catch (const Json::exception& e) {
            fail(std::string("not JSON: ") + e.what());
        }
        if (!json.is_object()) fail(std::string("a rule is a JSON object, got ") + json.type_name());
        ScriptRule rule;
        rule.line = line_;
        bool has_reply = false;
        for (const auto& [key, value] : json.items()) {
            if (key == "match") {
                read_match(value, rule);
            } else if (key == "reply") {
                read_reply(value, rule.reply);
                has_reply = true;
            } else {
                fail("unknown key \"" + key + "\" (a rule has \"match\" and \"reply\")");
            }
        }
        if (!has_reply) fail("no \"reply\"");
        return rule;
    }

private:
    void read_match(const Json& match, ScriptRule& rule) const {
        if (match.is_null()) return;
        if (!match.is_object()) fail(std::string("match: expected an object, got ") + match.type_name());
        for (const auto& [key, value] : match.items()) {
            const std::string where = "match." + key;
            if (key == "model") {
                rule.model = string(value, where);
            } else if (key == "contains") {
                rule.contains = string(value, where);
            } else if (key == "last_user_contains") {
                rule.last_user_contains = string(value, where);
            } else if (key == "last_user_regex") {
                const std::string pattern = string(value, where);
                try {
                    rule.last_user_regex.emplace(pattern, std::regex::ECMAScript);
                } catch (const std::regex_error& e) {
                    fail(where + ": invalid regular expression \"" + pattern + "\": " + e.what());
                }
            } else if (key == "has_tool_results") {
                rule.has_tool_results = boolean(value, where);
            } else if (key == "has_tools") {
                rule.has_tools = boolean(value, where);
            } else {
                fail("unknown condition \"" + key +
                     "\" (known: model, contains, last_user_contains, last_user_regex, has_tool_results, has_tools)");
            }
        }
    }

    void read_reply(const Json& reply, ScriptedReply& out) const {
        if (!reply.is_object()) fail(std::string("reply: expected an object, got ") + reply.type_name());
        for (const auto& [key, value] : reply.items()) {
            if (key == "content") {
                out.content = string(value, "reply.content");
            } else if (key == "tool_calls") {
                if (!value.is_array()) fail(std::string("reply.tool_calls: expected an array, got ") + value.type_name());
                for (std::size_t i = 0; i < value.size(); ++i)
                    out.tool_calls.push_back(tool_call(value[i], "reply.tool_calls[" + std::to_string(i) + "]"));
            } else if (key == "interleave") {
                out.interleave = boolean(value, "reply.interleave");
            } else {
                fail("unknown key \"reply." + key + "\" (known: content, tool_calls, interleave)");
            }
        }
        if (!out.content && out.tool_calls.empty()) fail("reply: needs \"content\" or \"tool_calls\"");
    }

    llm::ToolCall tool_call(const Json& value, const std::string& where) const {
        if (!value.is_object()) fail(where + ": expected an object, got " + value.type_name());
        llm::ToolCall call;
        bool has_name = false;
        for (const auto& [key, field] : value.items()) {
            if (key == "id") {
                call.id = string(field, where + ".id");
            } else if (key == "name") {
                call.name = string(field, where + ".name");
                has_name = true;
            } else if (key == "arguments") {
                call.arguments = field.is_string() ? field.get<std::string>() : field.dump();
            } else {
                fail("unknown key \"" + where + "." + key + "\" (known: id, name, arguments)");
            }
        }
        if (!has_name || call.name.empty()) fail(where + ": no \"name\"");
        if (call.arguments.empty()) call.arguments = "{}";
        return call;
    }

    std::string_view name_;
    std::size_t line_;
};

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

const llm::Message* last_user(const llm::ChatRequest& request) {
    for (auto it = request.messages.rbegin(); it != request.messages.rend(); ++it)
        if (it->role == "user") return &*it;
    return nullptr;
}

// The messages after the last assistant turn: what the model is answering now.
std::pair<std::size_t, std::size_t> newest_input(const llm::ChatRequest& request) {
    std::size_t first = request.messages.size();
    while (first > 0 && request.messages[first - 1].role != "assistant") --first;
    return {first, request.messages.size()};
}

}  // namespace

bool ScriptRule::matches(const llm::ChatRequest& request) const {
    if (model && request.model != *model) return false;
    if (has_tools && request.tools.empty() == *has_tools) return false;
    const auto [first, end] = newest_input(request);
    if (has_tool_results) {
        bool any = false;
        for (std::size_t i = first; i < end; ++i) any = any || request.messages[i].role == "tool";
        if (any != *has_tool_results) return false;
    }
    if (contains) {
        std::string text;
        for (std::size_t i = first; i < end; ++i) {
            if (i > first) text.push_back('\n');
            text += request.messages[i].content.value_or("");
        }
        if (!sim::contains(text, *contains)) return false;
    }
    if (last_user_contains || last_user_regex) {
        const llm::Message* user = last_user(request);
        if (user == nullptr) return false;
        const std::string& text = user->content ? *user->content : std::string();
        if (last_user_contains && !sim::contains(text, *last_user_contains)) return false;
        if (last_user_regex && !std::regex_search(text, *last_user_regex)) return false;
    }
    return true;
}

Script Script::parse(std::string_view text, std::string_view name) {
    Script script;
    std::size_t line_number = 0;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        ++line_number;
        const std::size_t start = line.find_first_not_of(" \t\r");
        if (start == std::string_view::npos || line[start] == '#') continue;
        script.rules_.push_back(LineParser(name, line_number).rule(line));
    }
    return script;
}

Script Script::load(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) throw Error("cannot read the script " + path + ": " + std::strerror(errno));
    std::ostringstream text;
    text << file.rdbuf();
    if (file.bad()) throw Error("cannot read the script " + path);
    return parse(text.str(), path);
}

const ScriptRule* Script::match(const llm::ChatRequest& request) const {
    for (const ScriptRule& rule : rules_)
        if (rule.matches(request)) return &rule;
    return nullptr;
}

}  // namespace agentio::sim
