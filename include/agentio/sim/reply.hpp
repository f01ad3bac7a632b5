// reply.hpp: Reply, what the simulator answers one choice of one chat
// request with, fixed before the first byte goes out.
//
// The reply is a pure function of the config (seed, output lengths), the
// script and the request's content: its model, messages and tools, its
// response_format and its `seed` field if it set one; not of its max
// tokens, its `stream` flag or when it came. So the plain and the streamed
// reply to a request agree, and a reply capped by max tokens is the start of
// the uncapped one. A request with `n` > 1 gets n replies: choice 0 is the
// reply the request would get with n = 1, choice i one seeded from it and i,
// so their generated text (or JSON) differs; a fixed reply (scripted, or
// the tool policy's) is the same in every choice.
//
// - Generated text: the length is drawn from [output.min_tokens,
//   output.max_tokens]; a request limit below it cuts the text there, with
//   finish_reason "length", else "stop".
// - JSON (response_format json_object or json_schema, when no script rule
//   matched): response_format.hpp's content, split into the requested
//   model's tokens (llm::Encoding::for_model); a request limit cuts it after
//   that many tokens (the JSON is then incomplete, as the API's would be).
// - Fixed content (a script rule's or the tool policy's, tool_policy.hpp):
//   split into the model's tokens the same way, and cut the same way.
// - Fixed tool calls (scripted, or the tool policy's): each call's arguments are cut into fragments of
//   3 to 8 bytes (never inside a UTF-8 sequence); finish_reason "tool_calls".
//   Tool calls are never cut by max tokens.
// completion_tokens counts the text's tokens (exact in the model's encoding:
// generated text is made of tokens of both encodings) plus, per tool call,
// one for its name and one per argument fragment. prompt_tokens is llm::prompt_tokens(), exact
// under the requested model's encoding.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agentio/llm/chat.hpp"
#include "agentio/sim/config.hpp"
#include "agentio/sim/response_format.hpp"
#include "agentio/sim/script.hpp"
#include "agentio/sim/wire_writer.hpp"

namespace agentio::sim {

struct Reply {
    std::uint64_t seed = 0;  // of the text, the latencies and the derived ids
    bool fixed_text = false;  // the text is `pieces` (scripted or JSON), not generated
    bool has_text = true;     // false: tool calls only (content null)
    // Text: `text_tokens` tokens, generated from `seed` (TextGenerator with
    // `complete`), or the first `text_tokens` of `pieces` when fixed_text.
    int text_tokens = 0;
    bool complete = true;
    // A fixed text as the requested model's tokens: one piece (one streamed
    // chunk) per token, but for a token that ends inside a character, which
    // shares its piece with the next ones; `piece_tokens` counts each.
    std::vector<std::string> pieces;
    std::vector<int> piece_tokens;
    std::vector<llm::ToolCall> tool_calls;  // ids filled in
    // Per call, the end offset of each argument fragment.
    std::vector<std::vector<std::size_t>> fragment_ends;
    bool interleave = false;
    std::string finish_reason;
    TokenCounts tokens;

    // The whole text, as the streamed tokens concatenate.
    std::string text() const;
};

// How many choices the request asks for: `n`, else 1. The caller has checked
// that n is in [1, kMaxChoices].
int choice_count(const llm::ChatRequest& request);
inline constexpr int kMaxChoices = 128;

// max_completion_tokens, else max_tokens, else nullopt.
std::optional<int> requested_max_tokens(const llm::ChatRequest& request);

// What the reply of choice 0 is seeded from: the config's seed and the
// request's content (see the file comment). Choice i > 0 is seeded from it and i.
std::uint64_t reply_seed(const Config& config, const llm::ChatRequest& request);

// The reply of choice `choice` (0-based) to `request`; `fixed` is the reply
// that is fixed in advance (the matching script rule's, or the tool
// policy's), or null; `format` the request's response format (null: text).
// Throws ResponseFormatError when the format's schema admits no value.
Reply plan_reply(const Config& config, const ScriptedReply* fixed, const llm::ChatRequest& request, int choice = 0,
                 const ResponseFormat* format = nullptr);

// Every choice's reply, choice 0 first. `prompt_tokens`, when given, is
// llm::prompt_tokens(request) counted already (the server counts it with the
// parse, off the loop for a large body); else it is counted here, once.
std::vector<Reply> plan_replies(const Config& config, const ScriptedReply* fixed, const llm::ChatRequest& request,
                                const ResponseFormat* format = nullptr,
                                std::optional<std::int64_t> prompt_tokens = std::nullopt);

}  // namespace agentio::sim
