// token_count.cpp: prompt and request token counts, exact or estimated.

#include "agentio/llm/token_count.hpp"

#include <algorithm>

#include "agentio/llm/tokenizer.hpp"

namespace agentio::llm {

namespace {

// Characters per token for English text (OpenAI's rule of thumb).
constexpr std::int64_t kCharsPerToken = 4;
// Tokens each message costs beyond its text: the role and the separators
// around it, plus 1 for a name (the openai-cookbook's counting recipe).
constexpr std::int64_t kTokensPerMessage = 3;
constexpr std::int64_t kTokensPerName = 1;
// Tokens that prime the reply ("<|start|>assistant<|message|>").
constexpr std::int64_t kReplyPriming = 3;

// Counts text under one model's encoding, found once per request.
class Counter {
public:
    Counter(std::string_view model, TokenCounting counting)
        : encoding_(counting == TokenCounting::exact ? &Encoding::for_model(model) : nullptr) {}

    std::int64_t operator()(std::string_view text) const {
        if (encoding_ != nullptr) return static_cast<std::int64_t>(encoding_->count(text));
        return (static_cast<std::int64_t>(text.size()) + kCharsPerToken - 1) / kCharsPerToken;
    }

private:
    const Encoding* encoding_;
};

}  // namespace

std::int64_t text_tokens(std::string_view model, std::string_view text, TokenCounting counting) {
    return Counter(model, counting)(text);
}

std::int64_t prompt_tokens(const ChatRequest& request, TokenCounting counting) {
    const Counter count(request.model, counting);
    std::int64_t tokens = kReplyPriming;
    for (const Message& message : request.messages) {
        tokens += kTokensPerMessage + count(message.role);
        if (message.content) tokens += count(*message.content);
        if (message.refusal) tokens += count(*message.refusal);
        for (const ToolCall& call : message.tool_calls) tokens += count(call.id) + count(call.name) + count(call.arguments);
        if (message.tool_call_id) tokens += count(*message.tool_call_id);
        if (message.name) tokens += kTokensPerName + count(*message.name);
    }
    for (const Tool& tool : request.tools)
        tokens += kTokensPerMessage + count(tool.name) + count(tool.description) + count(tool.parameters.dump());
    if (!request.response_format.is_null())
        tokens += count(request.response_format.dump(-1, ' ', false, Json::error_handler_t::replace));
    return tokens;
}

std::int64_t output_allowance(const ChatRequest& request, std::int64_t default_output) {
    std::int64_t output = default_output;
    if (request.max_completion_tokens) output = *request.max_completion_tokens;
    else if (request.max_tokens) output = *request.max_tokens;
    const std::int64_t choices = request.n ? std::max(*request.n, 1) : 1;
    return std::max<std::int64_t>(output, 0) * choices;
}

std::int64_t request_tokens(const ChatRequest& request, TokenCounting counting, std::int64_t default_output) {
    return prompt_tokens(request, counting) + output_allowance(request, default_output);
}

}  // namespace agentio::llm
