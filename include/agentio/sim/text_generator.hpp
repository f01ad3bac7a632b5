// text_generator.hpp: TextGenerator, the seeded filler text of a generated reply.
//
// A reply is `count` tokens. A token is one word of a fixed vocabulary with
// its leading space (the first token has none), or a full stop, so a streamed
// reply carries exactly one token per chunk and the chunks concatenate to the
// plain reply. They are tokens of OpenAI's encodings too: the reply's text
// encodes to exactly `count` tokens in o200k_base and in cl100k_base.
// Words come in sentences of a few to a dozen or so words: the first word
// of a sentence is capitalised and a full stop ends it. A reply that ended
// on its own (`complete`) of more than one token ends with a full stop; one
// cut short by a token limit breaks off mid-sentence, as a real model's does.
//
// Invariant: the tokens depend only on (seed, count, complete), and the
// first k tokens, k < count - 1, only on the seed, so the same request gives
// the same text plain and streamed, in every run, and a reply cut short is
// the start of the whole one.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "agentio/sim/prng.hpp"

namespace agentio::sim {

class TextGenerator {
public:
    TextGenerator(std::uint64_t seed, int count, bool complete) noexcept
        : rng_(seed), remaining_(count < 0 ? 0 : count), complete_(complete) {}

    bool done() const noexcept { return remaining_ == 0; }
    int remaining() const noexcept { return remaining_; }
    // Appends the next token to `out`. Precondition: !done().
    void append_next(std::string& out);

    // All `count` tokens in one string: what append_next gives, concatenated.
    static std::string text(std::uint64_t seed, int count, bool complete);
    // The words tokens are drawn from (lower case, ASCII letters only).
    static std::span<const std::string_view> vocabulary() noexcept;

private:
    Rng rng_;
    int remaining_;
    bool complete_;
    bool first_ = true;
    int sentence_left_ = 0;  // words until the current sentence's full stop
    bool after_stop_ = false;
};

}  // namespace agentio::sim
