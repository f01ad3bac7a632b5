// tool_policy.cpp: choosing the tools to call, filling their arguments from
// the user's message, and answering with their results (the rules are in
// tool_policy.hpp).
//
// Per request: the message is split into words once (kept sorted and
// deduplicated, so each tool word is one binary search), and scanned once
// for its numbers and quoted texts; each tool's words are split once. No
// regular expressions: this runs for every request that offers tools, and
// the simulator is the benchmarks' load generator.
#include "agentio/sim/tool_policy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <span>

#include "agentio/sim/prng.hpp"
#include "agentio/sim/reply.hpp"
#include "words.hpp"

namespace agentio::sim {

namespace {

using detail::is_word_byte;
using detail::to_lower;

// ---- words -----------------------------------------------------------------

// The distinct uncommon words of `text`, sorted.
std::vector<std::string> word_set(std::string_view text) {
    std::vector<std::string> words;
    detail::for_each_word(text, true, [&words](std::string_view word) {
        if (!detail::is_common_word(word)) words.emplace_back(word);
    });
    std::sort(words.begin(), words.end());
    words.erase(std::unique(words.begin(), words.end()), words.end());
    return words;
}

bool has(const std::vector<std::string>& sorted, std::string_view word) {
    return std::binary_search(sorted.begin(), sorted.end(), word, std::less<>());
}

// Per offered tool, its score against the message (see the header).
std::vector<int> scores(const std::vector<llm::Tool>& tools, std::string_view message) {
    const std::vector<std::string> message_words = word_set(message);
    std::vector<std::vector<std::string>> tool_words;
    tool_words.reserve(tools.size());
    for (const llm::Tool& tool : tools) {
        std::vector<std::string> words = word_set(tool.name);
        for (std::string& word : word_set(tool.description)) words.push_back(std::move(word));
        std::sort(words.begin(), words.end());
        words.erase(std::unique(words.begin(), words.end()), words.end());
        tool_words.push_back(std::move(words));
    }
    auto in_every_tool = [&](std::string_view word) {
        if (tool_words.size() < 2) return false;
        return std::all_of(tool_words.begin(), tool_words.end(), [word](const auto& words) { return has(words, word); });
    };
    std::vector<int> out;
    out.reserve(tools.size());
    for (const std::vector<std::string>& words : tool_words) {
        int score = 0;
        for (const std::string& word : words)
            if (has(message_words, word) && !in_every_tool(word)) ++score;
        out.push_back(score);
    }
    return out;
}

// ---- reading the message -----------------------------------------------------

bool is_alnum(char c) { return detail::is_ascii_alnum(static_cast<unsigned char>(c)); }
bool is_digit(char c) { return detail::is_digit(static_cast<unsigned char>(c)); }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// The numbers of `text`, in order (see the header for what counts as one).
std::vector<double> numbers_in(std::string_view text) {
    std::vector<double> numbers;
    std::size_t i = 0;
    while (i < text.size()) {
        if (!is_digit(text[i])) {
            ++i;
            continue;
        }
        if (i > 0 && is_alnum(text[i - 1])) {  // part of a word such as "gpt4": skip the rest of it
            while (i < text.size() && is_alnum(text[i])) ++i;
            continue;
        }
        std::size_t begin = i;
        if (begin > 0 && text[begin - 1] == '-' && (begin < 2 || !is_alnum(text[begin - 2]))) --begin;
        while (i < text.size() && is_digit(text[i])) ++i;
        if (i + 1 < text.size() && text[i] == '.' && is_digit(text[i + 1])) {
            ++i;
            while (i < text.size() && is_digit(text[i])) ++i;
        }
        double value = 0;
        const auto [end, error] = std::from_chars(text.data() + begin, text.data() + i, value);
        if (error == std::errc() && end == text.data() + i) numbers.push_back(value);
    }
    return numbers;
}

constexpr std::string_view kOpenCurly = "\xE2\x80\x9C";   // “
constexpr std::string_view kCloseCurly = "\xE2\x80\x9D";  // ”

// Where the quote opened at `open` (by a quote of `width` bytes) closes, or npos.
std::size_t closing_quote(std::string_view text, std::size_t open, std::size_t width) {
    if (text.substr(open, width) == kOpenCurly) return text.find(kCloseCurly, open + width);
    if (text[open] == '"') return text.find('"', open + 1);
    // A ' closes only before no letter or digit, so "'Bob's car'" quotes "Bob's car".
    for (std::size_t at = text.find('\'', open + 1); at != std::string_view::npos; at = text.find('\'', at + 1))
        if (at + 1 == text.size() || !is_alnum(text[at + 1])) return at;
    return std::string_view::npos;
}

// The quoted texts of `text`, in order, without their quotes; empty ones left out.
std::vector<std::string> quotes_in(std::string_view text) {
    std::vector<std::string> quotes;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t width = 0;
        if (text[i] == '"') width = 1;
        else if (text[i] == '\'' && (i == 0 || !is_alnum(text[i - 1]))) width = 1;
        else if (text.substr(i, kOpenCurly.size()) == kOpenCurly) width = kOpenCurly.size();
        if (width == 0) {
            ++i;
            continue;
        }
        const std::size_t close = closing_quote(text, i, width);
        if (close == std::string_view::npos) {
            i += width;
            continue;
        }
        if (close > i + width) quotes.emplace_back(text.substr(i + width, close - i - width));
        i = close + (text.substr(close, kCloseCurly.size()) == kCloseCurly ? kCloseCurly.size() : 1);
    }
    return quotes;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return to_lower(x) == to_lower(y); });
}

// Where `phrase` first occurs in `text` as a whole phrase (no word byte
// right before or after it), case aside; npos if nowhere.
std::size_t find_phrase(std::string_view text, std::string_view phrase) {
    if (phrase.empty() || phrase.size() > text.size()) return std::string_view::npos;
    for (std::size_t at = 0; at + phrase.size() <= text.size(); ++at) {
        if (at > 0 && is_word_byte(static_cast<unsigned char>(text[at - 1]))) continue;
        const std::size_t end = at + phrase.size();
        if (end < text.size() && is_word_byte(static_cast<unsigned char>(text[end]))) continue;
        if (equal_ignoring_case(text.substr(at, phrase.size()), phrase)) return at;
    }
    return std::string_view::npos;
}

// The word after `name` in `text` (see the header), or nullopt.
std::optional<std::string> word_after(std::string_view text, std::string_view name) {
    const std::size_t at = find_phrase(text, name);
    if (at == std::string_view::npos) return std::nullopt;
    std::size_t i = at + name.size();
    auto skip = [&] {
        while (i < text.size() && (is_space(text[i]) || text[i] == ':' || text[i] == '=')) ++i;
    };
    skip();
    if (text.size() - i > 2 && equal_ignoring_case(text.substr(i, 2), "is") && is_space(text[i + 2])) {
        i += 2;
        skip();
    }
    std::size_t end = i;
    while (end < text.size() && !is_space(text[end])) ++end;
    static constexpr std::string_view kTrailing = ".,;:!?)\"'";
    while (end > i && kTrailing.find(text[end - 1]) != std::string_view::npos) --end;
    if (end == i) return std::nullopt;
    return std::string(text.substr(i, end - i));
}

// The message's numbers and quoted texts, offered to the schema generator
// (InstanceHints), shared out over the calls of one reply (see the header).
class MessageHints final : public InstanceHints {
public:
    explicit MessageHints(std::string_view message) : message_(message), numbers_(numbers_in(message)), quotes_(quotes_in(message)) {}

    // Before each call: a call that would find none left starts again from the first.
    void next_call() {
        if (next_number_ >= numbers_.size()) next_number_ = 0;
        if (next_quote_ >= quotes_.size()) next_quote_ = 0;
    }

    std::optional<double> number() override {
        if (next_number_ >= numbers_.size()) return std::nullopt;
        return numbers_[next_number_++];
    }

    std::optional<std::string> string(std::string_view property) override {
        if (next_quote_ < quotes_.size()) return quotes_[next_quote_++];
        if (!property.empty())
            if (std::optional<std::string> word = word_after(message_, property)) return word;
        return std::string(message_);
    }

    std::optional<std::size_t> member(std::span<const Json* const> members) override {
        for (std::size_t i = 0; i < members.size(); ++i)
            if (members[i]->is_string() && find_phrase(message_, members[i]->get_ref<const std::string&>()) != std::string_view::npos)
                return i;
        return 0;
    }

private:
    std::string_view message_;
    std::vector<double> numbers_;
    std::vector<std::string> quotes_;
    std::size_t next_number_ = 0;
    std::size_t next_quote_ = 0;
};

// ---- the reply -------------------------------------------------------------

bool is_empty_schema(const Json& schema) { return schema.is_null() || (schema.is_object() && schema.empty()); }

std::string arguments_for(const llm::Tool& tool, std::size_t index, const Json& parameters, std::uint64_t seed,
                          MessageHints& hints) {
    if (is_empty_schema(parameters)) return "{}";
    hints.next_call();
    try {
        const Json value =
            schema_instance(parameters, Hasher(seed).add("tool arguments").add(static_cast<std::uint64_t>(index)).value(), &hints);
        return value.dump(-1, ' ', false, Json::error_handler_t::replace);
    } catch (const SchemaError& e) {
        throw ToolPolicyError(fmt::format("Invalid schema for function '{}': {}", tool.name, e.what()),
                              fmt::format("tools[{}].function.parameters", index), "invalid_function_parameters");
    }
}

// The offered tools to call, by index (see the header).
std::vector<std::size_t> tools_to_call(ToolPolicy policy, const ToolChoice& choice, const llm::ChatRequest& request,
                                       std::string_view message) {
    const std::vector<llm::Tool>& tools = request.tools;
    std::vector<std::size_t> chosen;
    if (choice.mode == ToolChoice::Mode::none) return chosen;
    if (choice.mode == ToolChoice::Mode::named) {
        for (std::size_t i = 0; i < tools.size(); ++i)
            if (tools[i].name == choice.name) return {i};
        return chosen;  // ToolChoice::read has refused a name no tool has
    }
    if (policy == ToolPolicy::all) {
        for (std::size_t i = 0; i < tools.size(); ++i) chosen.push_back(i);
        return chosen;
    }
    const std::vector<int> score = scores(tools, message);
    const auto best = std::max_element(score.begin(), score.end());
    if (*best == 0) {
        if (choice.mode == ToolChoice::Mode::required) chosen.push_back(0);
        return chosen;
    }
    if (request.parallel_tool_calls.value_or(true)) {
        for (std::size_t i = 0; i < tools.size(); ++i)
            if (score[i] > 0) chosen.push_back(i);
    } else {
        chosen.push_back(static_cast<std::size_t>(best - score.begin()));  // max_element: the first of equals
    }
    return chosen;
}

// The name of the tool whose call `message` (a tool message) answers.
std::string_view called_name(const llm::ChatRequest& request, const llm::Message& message) {
    if (message.tool_call_id)
        for (const llm::Message& earlier : request.messages)
            for (const llm::ToolCall& call : earlier.tool_calls)
                if (call.id == *message.tool_call_id) return call.name;
    if (message.name) return *message.name;
    return "tool";
}

}  // namespace

std::optional<ToolPolicy> parse_tool_policy(std::string_view name) noexcept {
    if (name == "auto") return ToolPolicy::automatic;
    if (name == "none") return ToolPolicy::none;
    if (name == "all") return ToolPolicy::all;
    return std::nullopt;
}

std::string_view tool_policy_name(ToolPolicy policy) noexcept {
    switch (policy) {
        case ToolPolicy::none: return "none";
        case ToolPolicy::all: return "all";
        case ToolPolicy::automatic: break;
    }
    return "auto";
}

ToolChoice ToolChoice::read(const llm::ChatRequest& request) {
    const llm::Json& value = request.tool_choice;
    ToolChoice choice;
    if (value.is_null()) return choice;
    if (value.is_string()) {
        const std::string& mode = value.get_ref<const std::string&>();
        if (mode == "none") choice.mode = Mode::none;
        else if (mode == "required") choice.mode = Mode::required;
        else if (mode != "auto")
            throw ToolPolicyError(fmt::format("Invalid value for 'tool_choice': '{}'. Supported values are: 'none', 'auto', "
                                              "'required', or an object naming a function.",
                                              mode),
                                  "tool_choice", "invalid_value");
        return choice;
    }
    if (!value.is_object())
        throw ToolPolicyError(fmt::format("Invalid type for 'tool_choice': expected a string or an object, but got {}.",
                                          value.type_name()),
                              "tool_choice", "invalid_type");
    const auto type = value.find("type");
    if (type != value.end() && *type != "function") return choice;  // another kind of choice: left to the model
    const auto function = value.find("function");
    const bool named = function != value.end() && function->is_object() && function->contains("name") &&
                       (*function)["name"].is_string();
    if (!named)
        throw ToolPolicyError("Missing required parameter: 'tool_choice.function.name'.", "tool_choice.function.name",
                              "missing_required_parameter");
    choice.mode = Mode::named;
    choice.name = (*function)["name"].get<std::string>();
    const bool offered = std::any_of(request.tools.begin(), request.tools.end(),
                                     [&choice](const llm::Tool& tool) { return tool.name == choice.name; });
    if (!offered)
        throw ToolPolicyError(fmt::format("Invalid value for 'tool_choice': no function named '{}' is in 'tools'.", choice.name),
                              "tool_choice", "invalid_value");
    return choice;
}

std::optional<ScriptedReply> tool_policy_reply(const Config& config, const ToolChoice& choice, const llm::ChatRequest& request,
                                               bool json_content) {
    const ToolPolicy policy = config.tool_policy;
    if (policy == ToolPolicy::none) return std::nullopt;
    const std::vector<llm::Message>& messages = request.messages;
    std::size_t last_user = messages.size();
    for (std::size_t i = messages.size(); i-- > 0;) {
        if (messages[i].role == "user") {
            last_user = i;
            break;
        }
    }
    const std::size_t after_user = last_user == messages.size() ? 0 : last_user + 1;
    std::string results;
    for (std::size_t i = after_user; i < messages.size(); ++i) {
        if (messages[i].role != "tool") continue;
        if (!results.empty()) results += '\n';
        results += called_name(request, messages[i]);
        results += ": ";
        results += messages[i].content.value_or("");
    }
    if (!results.empty()) {
        if (json_content) return std::nullopt;
        ScriptedReply answer;
        answer.content = std::move(results);
        return answer;
    }
    if (request.tools.empty()) return std::nullopt;

    std::string_view message;
    if (last_user < messages.size() && messages[last_user].content) message = *messages[last_user].content;
    const std::vector<std::size_t> chosen = tools_to_call(policy, choice, request, message);
    if (chosen.empty()) return std::nullopt;
    const std::uint64_t seed = reply_seed(config, request);
    MessageHints hints(message);
    ScriptedReply reply;
    for (const std::size_t i : chosen) {
        const llm::Tool& tool = request.tools[i];
        llm::ToolCall call;
        call.name = tool.name;
        call.arguments = arguments_for(tool, i, tool.parameters, seed, hints);
        reply.tool_calls.push_back(std::move(call));
    }
    return reply;
}

}  // namespace agentio::sim
