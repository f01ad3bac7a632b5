// stream_accumulator.hpp: folds streamed chunks into the ChatResponse they add up to.
//
// Content and refusal fragments are appended per choice; tool calls are
// assembled by their `index` (the first delta of a call brings its id and
// name, later ones append argument text), so several calls streamed
// interleaved come out whole and in index order. The usage chunk (no
// choices) sets `usage`.
//
// Choices come out in index order whatever order the chunks name them in;
// a choice's role is "assistant" unless a delta says otherwise; its content
// and refusal stay nullopt until a fragment arrives (as in a non-streamed
// response that only calls tools). id, model, created and system_fingerprint
// are taken from the chunks that carry them (the last non-empty one wins).
// Indices are looked up, never used as offsets: a huge index allocates nothing.
#pragma once

#include <vector>

#include "agentio/llm/chat.hpp"

namespace agentio::llm {

class StreamAccumulator {
public:
    void add(const ChatChunk& chunk);
    // What the chunks so far add up to.
    const ChatResponse& response() const noexcept { return response_; }
    // Moves the response out and starts over empty.
    ChatResponse take() noexcept;
    // True once any content, refusal or tool-call fragment was seen.
    bool has_output() const noexcept { return has_output_; }

private:
    Choice& choice(int index);
    ChatResponse response_;
    // tool_call_indices_[c][k] is the wire index of response_.choices[c]'s
    // k-th tool call; both are kept sorted.
    std::vector<std::vector<int>> tool_call_indices_;
    bool has_output_ = false;
};

}  // namespace agentio::llm
