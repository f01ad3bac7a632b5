// stream_accumulator.hpp: folds streamed chunks into the ChatResponse they add up to.
//
// Content and refusal fragments are appended per choice; tool calls are
// assembled by their `index` (the first delta of a call brings its id and
// name, later ones append argument text), so several calls streamed
// interleaved come out whole and in index order. The usage chunk (no
// choices) sets `usage`.
#pragma once

#include "agentio/llm/chat.hpp"

namespace agentio::llm {

class StreamAccumulator {
public:
    void add(const ChatChunk& chunk);
    // What the chunks so far add up to.
    const ChatResponse& response() const noexcept { return response_; }
    ChatResponse take() noexcept { return std::move(response_); }
    // True once any content, refusal or tool-call fragment was seen.
    bool has_output() const noexcept { return has_output_; }

private:
    Choice& choice(int index);
    ChatResponse response_;
    bool has_output_ = false;
};

}  // namespace agentio::llm
