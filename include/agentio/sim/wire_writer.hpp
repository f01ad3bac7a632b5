// wire_writer.hpp: the JSON the simulator sends, written by hand.
//
// The bodies follow the OpenAI API field for field (key order included), so
// a client cannot tell the simulator from the API by their shape. Streamed
// chunks are the hot path (thousands of streams, one chunk per token each):
// ChunkWriter appends a whole SSE event to a buffer the caller reuses, from a
// prefix built once per stream; nothing on that path allocates once the
// buffer has grown, and no JSON library is involved.
//
// Strings are written by llm::append_json_string.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agentio/llm/message.hpp"

namespace agentio::sim {

struct TokenCounts {
    std::int64_t prompt = 0;
    std::int64_t completion = 0;
};

// Appends the usage object ({"prompt_tokens":...,"total_tokens":...,"..._details":{...}}).
void append_usage(std::string& out, TokenCounts tokens);

// The events of one streamed chat completion. Each call appends one whole
// event, "data: {...}\n\n", to `out`, about the choice numbered `choice`
// (its `index`; 0 unless the request asked for n > 1).
class ChunkWriter {
public:
    // `include_usage`: stream_options.include_usage was set; then every chunk
    // carries "usage":null and usage() writes the final usage chunk.
    ChunkWriter(std::string_view id, std::int64_t created, std::string_view model, bool include_usage);

    // A choice's first chunk: the role, and content "" (or null before tool calls).
    void role(std::string& out, int choice, bool null_content) const;
    void content(std::string& out, int choice, std::string_view token) const;
    // A tool call's first delta: its index, id, type and name, arguments "".
    void tool_call_start(std::string& out, int choice, int index, std::string_view id, std::string_view name) const;
    void tool_call_arguments(std::string& out, int choice, int index, std::string_view fragment) const;
    // The empty delta with the finish_reason.
    void finish(std::string& out, int choice, std::string_view reason) const;
    // {"choices":[],"usage":{...}} after the finish chunks.
    void usage(std::string& out, TokenCounts tokens) const;
    static void done(std::string& out);

private:
    void open_choice(std::string& out, int choice) const;
    void close_choice(std::string& out, std::string_view finish_reason) const;

    std::string prefix_;  // `data: {"id":...,"choices":[`
    bool include_usage_;
};

struct ChoiceBody {
    std::optional<std::string_view> content;  // nullopt: null (tool calls only)
    const std::vector<llm::ToolCall>* tool_calls = nullptr;
    std::string_view finish_reason;
};

struct ChatCompletionBody {
    std::string_view id;
    std::int64_t created = 0;
    std::string_view model;
    std::vector<ChoiceBody> choices;  // `index` is the place in this list
    TokenCounts tokens;               // of every choice together
};

// A whole chat.completion object.
std::string chat_completion_json(const ChatCompletionBody& body);

// {"error":{"message":...,"type":...,"param":...,"code":...}}; an unset param
// or code is null.
std::string error_json(std::string_view message, std::string_view type, std::optional<std::string_view> param = {},
                       std::optional<std::string_view> code = {});

// A list of embeddings, as floats or as base64 of little-endian float32.
std::string embeddings_json(std::string_view model, const std::vector<std::vector<float>>& vectors,
                            std::int64_t prompt_tokens, bool base64);

// GET /v1/models.
std::string models_json(const std::vector<std::string>& models, std::int64_t created);

}  // namespace agentio::sim
