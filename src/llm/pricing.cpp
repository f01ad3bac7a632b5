// pricing.cpp: the default price table, model lookup, cost, and the token
// estimate used before the server reports usage.
//
// The estimate only has to be good enough to pace requests: the limiter
// corrects it with the reported usage (RateLimiter::Admission::settle). It
// counts the output the request allows, not what it will likely produce, so it
// is high rather than low: an overestimate only delays, an underestimate risks
// a 429.
#include "agentio/llm/pricing.hpp"

#include <algorithm>

namespace agentio::llm {

namespace {

// Characters per token for English text (OpenAI's rule of thumb).
constexpr std::int64_t kCharsPerToken = 4;
// Tokens each message costs beyond its text: the role and the separators
// around it (3 in OpenAI's published counting recipe), plus 1 for a name.
constexpr std::int64_t kTokensPerMessage = 3;
constexpr std::int64_t kTokensPerName = 1;
// Tokens that prime the reply ("<|start|>assistant<|message|>").
constexpr std::int64_t kReplyPriming = 3;

std::int64_t text_tokens(std::size_t chars) {
    return (static_cast<std::int64_t>(chars) + kCharsPerToken - 1) / kCharsPerToken;
}

}  // namespace

PriceTable PriceTable::defaults() {
    PriceTable table;
    // Public list prices, dollars per million tokens (input, cached input, output), 2025.
    table.set("gpt-4o", {2.50, 1.25, 10.00});
    table.set("gpt-4o-mini", {0.15, 0.075, 0.60});
    table.set("gpt-4.1", {2.00, 0.50, 8.00});
    table.set("gpt-4.1-mini", {0.40, 0.10, 1.60});
    table.set("gpt-4.1-nano", {0.10, 0.025, 0.40});
    table.set("o3-mini", {1.10, 0.55, 4.40});
    table.set("text-embedding-3-small", {0.02, 0, 0});
    table.set("text-embedding-3-large", {0.13, 0, 0});
    // The simulator's models, priced like the public models they stand in for.
    table.set("sim-small", {0.15, 0.075, 0.60});
    table.set("sim-large", {2.50, 1.25, 10.00});
    table.set("sim-embed", {0.02, 0, 0});
    return table;
}

void PriceTable::set(std::string model, Price price) { prices_.insert_or_assign(std::move(model), price); }

std::optional<Price> PriceTable::find(std::string_view model) const {
    // Longest prefix first: "gpt-4o-mini-2024-07-18" must find "gpt-4o-mini",
    // not "gpt-4o". The exact name is the longest prefix of all.
    for (std::size_t length = model.size(); length > 0; --length) {
        if (auto it = prices_.find(model.substr(0, length)); it != prices_.end()) return it->second;
    }
    return std::nullopt;
}

double PriceTable::cost(std::string_view model, const Usage& usage) const {
    const std::optional<Price> price = find(model);
    if (!price) return 0;
    const std::int64_t prompt = std::max<std::int64_t>(usage.prompt_tokens, 0);
    const std::int64_t cached = std::clamp<std::int64_t>(usage.cached_tokens, 0, prompt);
    const double dollars = static_cast<double>(prompt - cached) * price->input_per_million +
                           static_cast<double>(cached) * price->cached_input_per_million +
                           static_cast<double>(std::max<std::int64_t>(usage.completion_tokens, 0)) *
                               price->output_per_million;
    return dollars / 1e6;
}

std::int64_t estimate_prompt_tokens(const ChatRequest& request) {
    std::int64_t tokens = kReplyPriming;
    for (const Message& message : request.messages) {
        std::size_t chars = message.role.size();
        if (message.content) chars += message.content->size();
        if (message.refusal) chars += message.refusal->size();
        for (const ToolCall& call : message.tool_calls) chars += call.id.size() + call.name.size() + call.arguments.size();
        if (message.tool_call_id) chars += message.tool_call_id->size();
        tokens += kTokensPerMessage + text_tokens(chars);
        if (message.name) tokens += kTokensPerName + text_tokens(message.name->size());
    }
    // Tool definitions are sent to the model as text too.
    for (const Tool& tool : request.tools)
        tokens += kTokensPerMessage + text_tokens(tool.name.size() + tool.description.size() + tool.parameters.dump().size());
    return tokens;
}

std::int64_t estimate_tokens(const ChatRequest& request, std::int64_t default_output) {
    const std::int64_t tokens = estimate_prompt_tokens(request);
    std::int64_t output = default_output;
    if (request.max_completion_tokens) output = *request.max_completion_tokens;
    else if (request.max_tokens) output = *request.max_tokens;
    const std::int64_t choices = request.n ? std::max(*request.n, 1) : 1;
    return tokens + std::max<std::int64_t>(output, 0) * choices;
}

}  // namespace agentio::llm
