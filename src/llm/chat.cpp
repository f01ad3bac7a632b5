// chat.cpp: the convenience accessors of chat responses and chunks.
#include "agentio/llm/chat.hpp"

namespace agentio::llm {

namespace {

const std::string kEmpty;
const std::vector<ToolCall> kNoCalls;

}  // namespace

const std::string& ChatResponse::text() const {
    if (choices.empty() || !choices.front().message.content) return kEmpty;
    return *choices.front().message.content;
}

const std::vector<ToolCall>& ChatResponse::tool_calls() const {
    return choices.empty() ? kNoCalls : choices.front().message.tool_calls;
}

const std::string& ChatChunk::content() const { return choices.empty() ? kEmpty : choices.front().content; }

}  // namespace agentio::llm
