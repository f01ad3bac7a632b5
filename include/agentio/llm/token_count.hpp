// token_count.hpp: the tokens a request takes, counted before it is sent.
//
// compile-context: extern llm::ChatRequest request;
//     std::int64_t prompt = llm::prompt_tokens(request);          // exact, for request.model
//     std::int64_t budget = llm::request_tokens(request);         // prompt + the output it allows
//
// Exact counting encodes each message's text with the model's encoding
// (Encoding::for_model: o200k_base for a model tiktoken does not know) and adds
// OpenAI's framing as its cookbook counts it: 3 tokens per message, 1 more for
// a name, 3 that prime the reply. For text messages that is the prompt_tokens
// the API reports. Tool definitions and response formats are counted as their
// JSON text: how the API renders them is not published, so that part is close,
// not exact.
//
// TokenCounting::estimate is the cheap count (four characters a token, no
// tokenizer) for callers who ask for it: it never touches the encoding's
// tables (about 8 MB, built on first use).
#pragma once

#include <cstdint>
#include <string_view>

#include "agentio/llm/chat.hpp"

namespace agentio::llm {

enum class TokenCounting { exact, estimate };

// The tokens of `text` alone, under `model`'s encoding.
std::int64_t text_tokens(std::string_view model, std::string_view text, TokenCounting counting = TokenCounting::exact);

// The prompt's tokens: messages, names, tool calls, tools, response format.
std::int64_t prompt_tokens(const ChatRequest& request, TokenCounting counting = TokenCounting::exact);

// The output the request allows, for each of its n choices
// (max_completion_tokens, max_tokens, or `default_output`).
std::int64_t output_allowance(const ChatRequest& request, std::int64_t default_output = 256);

// prompt_tokens() + output_allowance(): what a tokens-per-minute limit must
// admit before the reply says what it used.
std::int64_t request_tokens(const ChatRequest& request, TokenCounting counting = TokenCounting::exact,
                            std::int64_t default_output = 256);

}  // namespace agentio::llm
