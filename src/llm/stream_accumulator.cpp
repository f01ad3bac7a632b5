// stream_accumulator.cpp: folding chunks into a ChatResponse.
//
// Invariant: response_.choices is sorted by index, and tool_call_indices_ is
// parallel to it, each inner vector sorted and parallel to that choice's
// tool_calls. Lookups are linear from the back: streams have one or a few
// choices and calls, and the one just touched is usually the last.
#include "agentio/llm/stream_accumulator.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace agentio::llm {

Choice& StreamAccumulator::choice(int index) {
    auto& choices = response_.choices;
    auto at = choices.end();
    while (at != choices.begin() && std::prev(at)->index >= index) --at;
    if (at != choices.end() && at->index == index) return *at;
    const auto position = at - choices.begin();
    Choice fresh;
    fresh.index = index;
    fresh.message.role = "assistant";
    tool_call_indices_.insert(tool_call_indices_.begin() + position, std::vector<int>{});
    return *choices.insert(at, std::move(fresh));
}

void StreamAccumulator::add(const ChatChunk& chunk) {
    if (!chunk.id.empty()) response_.id = chunk.id;
    if (!chunk.model.empty()) response_.model = chunk.model;
    if (chunk.created != 0) response_.created = chunk.created;
    if (!chunk.system_fingerprint.empty()) response_.system_fingerprint = chunk.system_fingerprint;
    if (chunk.usage) response_.usage = chunk.usage;

    for (const ChoiceDelta& delta : chunk.choices) {
        Choice& target = choice(delta.index);
        Message& message = target.message;
        if (!delta.role.empty()) message.role = delta.role;
        if (!delta.content.empty()) {
            if (!message.content) message.content.emplace();
            message.content->append(delta.content);
            has_output_ = true;
        }
        if (!delta.refusal.empty()) {
            if (!message.refusal) message.refusal.emplace();
            message.refusal->append(delta.refusal);
            has_output_ = true;
        }
        if (!delta.finish_reason.empty()) target.finish_reason = delta.finish_reason;
        if (delta.tool_calls.empty()) continue;

        has_output_ = true;
        auto& indices = tool_call_indices_[static_cast<std::size_t>(&target - response_.choices.data())];
        for (const ToolCallDelta& piece : delta.tool_calls) {
            auto at = indices.end();
            while (at != indices.begin() && *std::prev(at) >= piece.index) --at;
            const auto position = at - indices.begin();
            if (at == indices.end() || *at != piece.index) {
                indices.insert(at, piece.index);
                message.tool_calls.insert(message.tool_calls.begin() + position, ToolCall{});
            }
            ToolCall& call = message.tool_calls[static_cast<std::size_t>(position)];
            // Some servers repeat the id and name in every delta: the first wins.
            if (call.id.empty()) call.id = piece.id;
            if (call.name.empty()) call.name = piece.name;
            call.arguments += piece.arguments;
        }
    }
}

ChatResponse StreamAccumulator::take() noexcept {
    ChatResponse out = std::move(response_);
    response_ = ChatResponse{};
    tool_call_indices_.clear();
    has_output_ = false;
    return out;
}

}  // namespace agentio::llm
