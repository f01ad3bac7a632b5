// wire_writer.cpp: hand-written JSON for the simulator's responses.
#include "agentio/sim/wire_writer.hpp"

#include <bit>
#include <charconv>
#include <cstring>

namespace agentio::sim {

using llm::append_json_string;

namespace {

void append_int(std::string& out, std::int64_t value) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out.append(digits, end);
}

void append_float(std::string& out, float value) {
    char digits[32];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out.append(digits, end);
}

void append_base64_floats(std::string& out, const std::vector<float>& values) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string bytes;
    bytes.reserve(values.size() * 4);
    for (const float value : values) {
        const auto bits = std::bit_cast<std::uint32_t>(value);
        for (int shift = 0; shift < 32; shift += 8) bytes.push_back(static_cast<char>((bits >> shift) & 0xff));
    }
    out.push_back('"');
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t group = (static_cast<unsigned char>(bytes[i]) << 16) |
                                    (static_cast<unsigned char>(bytes[i + 1]) << 8) | static_cast<unsigned char>(bytes[i + 2]);
        out.push_back(kAlphabet[(group >> 18) & 63]);
        out.push_back(kAlphabet[(group >> 12) & 63]);
        out.push_back(kAlphabet[(group >> 6) & 63]);
        out.push_back(kAlphabet[group & 63]);
    }
    if (const std::size_t rest = bytes.size() - i; rest > 0) {
        std::uint32_t group = static_cast<unsigned char>(bytes[i]) << 16;
        if (rest == 2) group |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        out.push_back(kAlphabet[(group >> 18) & 63]);
        out.push_back(kAlphabet[(group >> 12) & 63]);
        out.push_back(rest == 2 ? kAlphabet[(group >> 6) & 63] : '=');
        out.push_back('=');
    }
    out.push_back('"');
}

void append_optional_string(std::string& out, std::optional<std::string_view> text) {
    if (text) append_json_string(out, *text);
    else out.append("null");
}

void append_tool_calls(std::string& out, const std::vector<llm::ToolCall>& calls) {
    out.push_back('[');
    for (std::size_t i = 0; i < calls.size(); ++i) {
        if (i > 0) out.push_back(',');
        out.append(R"({"id":)");
        append_json_string(out, calls[i].id);
        out.append(R"(,"type":"function","function":{"name":)");
        append_json_string(out, calls[i].name);
        out.append(R"(,"arguments":)");
        append_json_string(out, calls[i].arguments);
        out.append("}}");
    }
    out.push_back(']');
}

}  // namespace

void append_usage(std::string& out, TokenCounts tokens) {
    out.append(R"({"prompt_tokens":)");
    append_int(out, tokens.prompt);
    out.append(R"(,"completion_tokens":)");
    append_int(out, tokens.completion);
    out.append(R"(,"total_tokens":)");
    append_int(out, tokens.prompt + tokens.completion);
    out.append(R"(,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0})"
               R"(,"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,)"
               R"("accepted_prediction_tokens":0,"rejected_prediction_tokens":0}})");
}

ChunkWriter::ChunkWriter(std::string_view id, std::int64_t created, std::string_view model, bool include_usage)
    : include_usage_(include_usage) {
    prefix_.append(R"(data: {"id":)");
    append_json_string(prefix_, id);
    prefix_.append(R"(,"object":"chat.completion.chunk","created":)");
    append_int(prefix_, created);
    prefix_.append(R"(,"model":)");
    append_json_string(prefix_, model);
    prefix_.append(R"(,"system_fingerprint":"fp_sim","choices":[)");
}

void ChunkWriter::open_choice(std::string& out, int choice) const {
    out.append(prefix_);
    if (choice == 0) {
        out.append(R"({"index":0,"delta":{)");
        return;
    }
    out.append(R"({"index":)");
    append_int(out, choice);
    out.append(R"(,"delta":{)");
}

void ChunkWriter::close_choice(std::string& out, std::string_view finish_reason) const {
    out.append(R"(},"logprobs":null,"finish_reason":)");
    if (finish_reason.empty()) out.append("null");
    else append_json_string(out, finish_reason);
    out.append("}]");
    if (include_usage_) out.append(R"(,"usage":null)");
    out.append("}\n\n");
}

void ChunkWriter::role(std::string& out, int choice, bool null_content) const {
    open_choice(out, choice);
    out.append(null_content ? R"("role":"assistant","content":null,"refusal":null)"
                            : R"("role":"assistant","content":"","refusal":null)");
    close_choice(out, {});
}

void ChunkWriter::content(std::string& out, int choice, std::string_view token) const {
    open_choice(out, choice);
    out.append(R"("content":)");
    append_json_string(out, token);
    close_choice(out, {});
}

void ChunkWriter::tool_call_start(std::string& out, int choice, int index, std::string_view id,
                                  std::string_view name) const {
    open_choice(out, choice);
    out.append(R"("tool_calls":[{"index":)");
    append_int(out, index);
    out.append(R"(,"id":)");
    append_json_string(out, id);
    out.append(R"(,"type":"function","function":{"name":)");
    append_json_string(out, name);
    out.append(R"(,"arguments":""}}])");
    close_choice(out, {});
}

void ChunkWriter::tool_call_arguments(std::string& out, int choice, int index, std::string_view fragment) const {
    open_choice(out, choice);
    out.append(R"("tool_calls":[{"index":)");
    append_int(out, index);
    out.append(R"(,"function":{"arguments":)");
    append_json_string(out, fragment);
    out.append("}}]");
    close_choice(out, {});
}

void ChunkWriter::finish(std::string& out, int choice, std::string_view reason) const {
    open_choice(out, choice);
    close_choice(out, reason);
}

void ChunkWriter::usage(std::string& out, TokenCounts tokens) const {
    out.append(prefix_);
    out.append(R"(],"usage":)");
    append_usage(out, tokens);
    out.append("}\n\n");
}

void ChunkWriter::done(std::string& out) { out.append("data: [DONE]\n\n"); }

std::string chat_completion_json(const ChatCompletionBody& body) {
    std::string out;
    std::size_t text = 0;
    for (const ChoiceBody& choice : body.choices) text += choice.content ? choice.content->size() : 0;
    out.reserve(512 + 128 * body.choices.size() + text);
    out.append(R"({"id":)");
    append_json_string(out, body.id);
    out.append(R"(,"object":"chat.completion","created":)");
    append_int(out, body.created);
    out.append(R"(,"model":)");
    append_json_string(out, body.model);
    out.append(R"(,"choices":[)");
    for (std::size_t i = 0; i < body.choices.size(); ++i) {
        const ChoiceBody& choice = body.choices[i];
        if (i > 0) out.push_back(',');
        out.append(R"({"index":)");
        append_int(out, static_cast<std::int64_t>(i));
        out.append(R"(,"message":{"role":"assistant","content":)");
        append_optional_string(out, choice.content);
        out.append(R"(,"refusal":null)");
        if (choice.tool_calls != nullptr && !choice.tool_calls->empty()) {
            out.append(R"(,"tool_calls":)");
            append_tool_calls(out, *choice.tool_calls);
        }
        out.append(R"(,"annotations":[]},"logprobs":null,"finish_reason":)");
        append_json_string(out, choice.finish_reason);
        out.push_back('}');
    }
    out.append(R"(],"usage":)");
    append_usage(out, body.tokens);
    out.append(R"(,"service_tier":"default","system_fingerprint":"fp_sim"})");
    return out;
}

std::string error_json(std::string_view message, std::string_view type, std::optional<std::string_view> param,
                       std::optional<std::string_view> code) {
    std::string out;
    out.append(R"({"error":{"message":)");
    append_json_string(out, message);
    out.append(R"(,"type":)");
    append_json_string(out, type);
    out.append(R"(,"param":)");
    append_optional_string(out, param);
    out.append(R"(,"code":)");
    append_optional_string(out, code);
    out.append("}}");
    return out;
}

std::string embeddings_json(std::string_view model, const std::vector<std::vector<float>>& vectors,
                            std::int64_t prompt_tokens, bool base64) {
    std::string out;
    std::size_t floats = 0;
    for (const auto& vector : vectors) floats += vector.size();
    out.reserve(128 + floats * (base64 ? 6 : 14));
    out.append(R"({"object":"list","data":[)");
    for (std::size_t i = 0; i < vectors.size(); ++i) {
        if (i > 0) out.push_back(',');
        out.append(R"({"object":"embedding","index":)");
        append_int(out, static_cast<std::int64_t>(i));
        out.append(R"(,"embedding":)");
        if (base64) {
            append_base64_floats(out, vectors[i]);
        } else {
            out.push_back('[');
            for (std::size_t j = 0; j < vectors[i].size(); ++j) {
                if (j > 0) out.push_back(',');
                append_float(out, vectors[i][j]);
            }
            out.push_back(']');
        }
        out.push_back('}');
    }
    out.append(R"(],"model":)");
    append_json_string(out, model);
    out.append(R"(,"usage":{"prompt_tokens":)");
    append_int(out, prompt_tokens);
    out.append(R"(,"total_tokens":)");
    append_int(out, prompt_tokens);
    out.append("}}");
    return out;
}

std::string models_json(const std::vector<std::string>& models, std::int64_t created) {
    std::string out;
    out.append(R"({"object":"list","data":[)");
    for (std::size_t i = 0; i < models.size(); ++i) {
        if (i > 0) out.push_back(',');
        out.append(R"({"id":)");
        append_json_string(out, models[i]);
        out.append(R"(,"object":"model","created":)");
        append_int(out, created);
        out.append(R"(,"owned_by":"agentio-sim"})");
    }
    out.append("]}");
    return out;
}

}  // namespace agentio::sim
