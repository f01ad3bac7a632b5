// reply.cpp: deciding a reply from the config, the script and the request.
#include "agentio/sim/reply.hpp"

#include <algorithm>

#include "agentio/llm/token_count.hpp"
#include "agentio/llm/tokenizer.hpp"
#include "agentio/sim/prng.hpp"
#include "agentio/sim/text_generator.hpp"

namespace agentio::sim {

namespace {

// What the reply depends on: everything in the request that shapes a real
// model's answer, and nothing that only limits or transports it.
// The text, or "" for none, without a copy (value_or would copy a 50 MB prompt).
std::string_view text_or_empty(const std::optional<std::string>& text) { return text ? std::string_view(*text) : std::string_view(); }

std::uint64_t content_seed(std::uint64_t seed, const llm::ChatRequest& request) {
    Hasher hash(seed);
    hash.add(request.model).add(static_cast<std::uint64_t>(request.messages.size()));
    for (const llm::Message& message : request.messages) {
        hash.add(message.role).add(text_or_empty(message.content)).add(text_or_empty(message.name));
        hash.add(text_or_empty(message.tool_call_id));
        for (const llm::ToolCall& call : message.tool_calls) hash.add(call.id).add(call.name).add(call.arguments);
    }
    for (const llm::Tool& tool : request.tools) hash.add(tool.name);
    if (request.seed) hash.add(static_cast<std::uint64_t>(*request.seed)).add(1);
    return hash.value();
}

// "call_" and 24 characters from [A-Za-z0-9], like the API's ids.
std::string derived_call_id(std::uint64_t seed, std::size_t index) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    Rng rng(Hasher(seed).add("tool call id").add(static_cast<std::uint64_t>(index)).value());
    std::string id = "call_";
    for (int i = 0; i < 24; ++i) id.push_back(kAlphabet[rng.next() % 62]);
    return id;
}

// Whether `piece` ends on a character boundary (it holds whole UTF-8 sequences).
bool ends_whole(const std::string& piece) {
    std::size_t lead = piece.size();
    while (lead > 0 && piece.size() - lead < 4 && (static_cast<unsigned char>(piece[lead - 1]) & 0xC0) == 0x80) --lead;
    if (lead == 0) return true;
    const auto first = static_cast<unsigned char>(piece[lead - 1]);
    const std::size_t length = first < 0x80 ? 1 : first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1;
    return piece.size() - (lead - 1) >= length;
}

// `text` as the model's tokens, one piece each, except that a token ending
// inside a character waits for the next ones (the API streams whole
// characters): the pieces, and the tokens of each.
void split_into_tokens(const std::string& text, const llm::Encoding& encoding, Reply& reply) {
    std::string piece;
    int tokens = 0;
    for (const llm::Token token : encoding.encode(text)) {
        piece += encoding.token_bytes(token);
        ++tokens;
        if (!ends_whole(piece)) continue;
        reply.pieces.push_back(std::move(piece));
        reply.piece_tokens.push_back(tokens);
        piece.clear();
        tokens = 0;
    }
    if (!piece.empty()) {
        reply.pieces.push_back(std::move(piece));
        reply.piece_tokens.push_back(tokens);
    }
}

// The pieces of a fixed text a cap of `cap` tokens lets through, and their tokens.
std::pair<int, std::int64_t> pieces_within(const Reply& reply, std::optional<int> cap) {
    int pieces = 0;
    std::int64_t tokens = 0;
    for (const int more : reply.piece_tokens) {
        if (cap && tokens + more > *cap) break;
        ++pieces;
        tokens += more;
    }
    return {pieces, tokens};
}

std::vector<std::size_t> fragment_ends(const std::string& arguments, std::uint64_t seed) {
    std::vector<std::size_t> ends;
    Rng rng(seed);
    std::size_t at = 0;
    while (at < arguments.size()) {
        std::size_t next = std::min(arguments.size(), at + static_cast<std::size_t>(rng.between(3, 8)));
        // A UTF-8 continuation byte is never the first byte of a fragment.
        while (next < arguments.size() && (static_cast<unsigned char>(arguments[next]) & 0xC0) == 0x80) ++next;
        ends.push_back(next);
        at = next;
    }
    return ends;
}

}  // namespace

std::string Reply::text() const {
    if (!fixed_text) return TextGenerator::text(seed, text_tokens, complete);
    std::string out;
    for (int i = 0; i < text_tokens; ++i) out += pieces[static_cast<std::size_t>(i)];
    return out;
}

int choice_count(const llm::ChatRequest& request) { return request.n ? *request.n : 1; }

std::optional<int> requested_max_tokens(const llm::ChatRequest& request) {
    if (request.max_completion_tokens) return request.max_completion_tokens;
    return request.max_tokens;
}

std::uint64_t reply_seed(const Config& config, const llm::ChatRequest& request) { return content_seed(config.seed, request); }

namespace {

// plan_reply() but for the prompt's count.
Reply plan_text(const Config& config, const ScriptedReply* fixed, const llm::ChatRequest& request, int choice,
                const ResponseFormat* format) {
    Reply reply;
    reply.seed = content_seed(config.seed, request);
    if (choice > 0) reply.seed = Hasher(reply.seed).add("choice").add(static_cast<std::uint64_t>(choice)).value();
    const std::optional<int> cap = requested_max_tokens(request);
    if (fixed != nullptr) {
        reply.fixed_text = true;
        const ScriptedReply& scripted = *fixed;
        reply.has_text = scripted.content.has_value();
        if (scripted.content) split_into_tokens(*scripted.content, llm::Encoding::for_model(request.model), reply);
        const auto [pieces, text_tokens] = pieces_within(reply, reply.tool_calls.empty() ? cap : std::nullopt);
        reply.interleave = scripted.interleave;
        reply.tool_calls = scripted.tool_calls;
        std::int64_t call_tokens = 0;
        for (std::size_t i = 0; i < reply.tool_calls.size(); ++i) {
            llm::ToolCall& call = reply.tool_calls[i];
            if (call.id.empty()) call.id = derived_call_id(reply.seed, i);
            reply.fragment_ends.push_back(
                fragment_ends(call.arguments, Hasher(reply.seed).add("fragments").add(static_cast<std::uint64_t>(i)).value()));
            call_tokens += 1 + static_cast<std::int64_t>(reply.fragment_ends.back().size());
        }
        reply.text_tokens = pieces;
        if (!reply.tool_calls.empty()) reply.finish_reason = "tool_calls";
        else if (pieces < static_cast<int>(reply.pieces.size())) reply.finish_reason = "length";
        else reply.finish_reason = "stop";
        reply.tokens.completion = text_tokens + call_tokens;
    } else if (format != nullptr && format->is_json()) {
        reply.fixed_text = true;
        const std::string json = format->content(Hasher(reply.seed).add("json").value());
        split_into_tokens(json, llm::Encoding::for_model(request.model), reply);
        const auto [pieces, text_tokens] = pieces_within(reply, cap);
        reply.text_tokens = pieces;
        reply.complete = pieces == static_cast<int>(reply.pieces.size());
        reply.finish_reason = reply.complete ? "stop" : "length";
        reply.tokens.completion = text_tokens;
    } else {
        const int shortest = std::max(1, std::min(config.output.min_tokens, config.output.max_tokens));
        const int longest = std::max(shortest, config.output.max_tokens);
        Rng rng(Hasher(reply.seed).add("length").value());
        int natural = static_cast<int>(rng.between(shortest, longest));
        // vLLM's ignore_eos: no natural end, so the reply runs to max_tokens
        // exactly (what a benchmark with fixed output lengths asks for).
        const auto ignore_eos = request.extra.find("ignore_eos");
        if (cap && ignore_eos != request.extra.end() && ignore_eos->is_boolean() && ignore_eos->get<bool>())
            natural = std::max(*cap, 0) + 1;
        reply.complete = !(cap && *cap < natural);
        reply.text_tokens = reply.complete ? natural : std::max(*cap, 0);
        reply.finish_reason = reply.complete ? "stop" : "length";
        reply.tokens.completion = reply.text_tokens;
    }
    return reply;
}

}  // namespace

Reply plan_reply(const Config& config, const ScriptedReply* fixed, const llm::ChatRequest& request, int choice,
                 const ResponseFormat* format) {
    Reply reply = plan_text(config, fixed, request, choice, format);
    reply.tokens.prompt = llm::prompt_tokens(request);
    return reply;
}

std::vector<Reply> plan_replies(const Config& config, const ScriptedReply* fixed, const llm::ChatRequest& request,
                                const ResponseFormat* format, std::optional<std::int64_t> prompt_tokens) {
    std::vector<Reply> replies;
    const int count = choice_count(request);
    replies.reserve(static_cast<std::size_t>(count));
    const std::int64_t prompt = prompt_tokens ? *prompt_tokens : llm::prompt_tokens(request);
    for (int choice = 0; choice < count; ++choice) {
        replies.push_back(plan_text(config, fixed, request, choice, format));
        replies.back().tokens.prompt = prompt;
    }
    return replies;
}

}  // namespace agentio::sim
