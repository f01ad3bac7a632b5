// chat.hpp: chat-completion requests, responses and streamed chunks.
//
// ChatRequest covers the fields agents use; anything else the endpoint
// accepts goes in `extra`, whose keys are merged into the request body last
// (so they can also override a field set here). Unknown response fields are
// ignored when parsing, so a newer server never breaks an older client.
//
// Streaming: the server sends ChatChunks; their deltas are folded together by
// StreamAccumulator (stream_accumulator.hpp), tool calls by `index`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agentio/llm/message.hpp"

namespace agentio::llm {

struct ChatRequest {
    std::string model;
    std::vector<Message> messages;
    std::optional<double> temperature;
    std::optional<double> top_p;
    std::optional<int> max_tokens;             // older name; some servers only know this one
    std::optional<int> max_completion_tokens;  // the current name
    std::optional<int> n;
    std::optional<std::int64_t> seed;
    std::vector<std::string> stop;
    std::optional<double> presence_penalty;
    std::optional<double> frequency_penalty;
    std::vector<Tool> tools;
    Json tool_choice;          // null: not sent; "auto", "none", "required" or an object
    std::optional<bool> parallel_tool_calls;
    Json response_format;      // null: not sent; e.g. {"type": "json_object"}
    std::optional<std::string> user;
    Json extra = Json::object();  // merged into the body last
};

struct Usage {
    std::int64_t prompt_tokens = 0;
    std::int64_t completion_tokens = 0;
    std::int64_t total_tokens = 0;
    std::int64_t cached_tokens = 0;     // prompt_tokens_details.cached_tokens
    std::int64_t reasoning_tokens = 0;  // completion_tokens_details.reasoning_tokens

    // Sums another call's usage into this one (a run's total over its calls).
    Usage& operator+=(const Usage& other) noexcept {
        prompt_tokens += other.prompt_tokens;
        completion_tokens += other.completion_tokens;
        total_tokens += other.total_tokens;
        cached_tokens += other.cached_tokens;
        reasoning_tokens += other.reasoning_tokens;
        return *this;
    }

    friend bool operator==(const Usage&, const Usage&) = default;
};

struct Choice {
    int index = 0;
    Message message;
    std::string finish_reason;  // "stop", "length", "tool_calls", "content_filter"; empty if null
};

struct ChatResponse {
    std::string id;
    std::string model;
    std::int64_t created = 0;
    std::string system_fingerprint;
    std::vector<Choice> choices;
    std::optional<Usage> usage;
    // The body as the server sent it, every field the parse above leaves out
    // included (logprobs, service_tier, ...): what a batch output records.
    // Set by Client::chat; empty for a reply assembled from a stream.
    std::string raw_body;

    // The first choice's text ("" when it has none): the common case.
    const std::string& text() const;
    // The first choice's tool calls.
    const std::vector<ToolCall>& tool_calls() const;
};

// A piece of a tool call in a stream. The first delta of a call carries its id
// and name; later ones with the same `index` append to `arguments`.
struct ToolCallDelta {
    int index = 0;
    std::string id;         // empty when absent
    std::string name;       // empty when absent
    std::string arguments;  // the next fragment; may be empty
};

struct ChoiceDelta {
    int index = 0;
    std::string role;     // empty when absent (only the first delta has it)
    std::string content;  // the next text fragment; empty when absent or null
    std::string refusal;
    std::vector<ToolCallDelta> tool_calls;
    std::string finish_reason;  // empty until the choice ends
};

// One `data:` event of a streamed completion. With
// stream_options.include_usage the last chunk has no choices and a usage.
// A parser reuses one ChatChunk for every event, so its strings keep their
// capacity and the hot path does not allocate.
struct ChatChunk {
    std::string id;
    std::string model;
    std::int64_t created = 0;
    std::string system_fingerprint;
    std::vector<ChoiceDelta> choices;
    std::optional<Usage> usage;

    // The first choice's content fragment ("" if none).
    const std::string& content() const;
};

}  // namespace agentio::llm
