// text_generator.cpp: the vocabulary and the sentence shape of generated text.
#include "agentio/sim/text_generator.hpp"

#include <algorithm>
#include <iterator>

namespace agentio::sim {

namespace {

// Plain ASCII words: a token never needs JSON escaping, and its length in
// characters is its length in bytes. Each is one token in o200k_base and
// cl100k_base in all four of its forms (with and without a leading space,
// capitalised or not), so a reply's tokens are the encodings' tokens too
// (tests/sim/text_generator_test.cpp holds every word to that).
constexpr std::string_view kWords[] = {
    "the",      "a",        "an",       "and",      "or",       "but",      "of",       "to",       "in",
    "on",       "at",       "for",      "with",     "from",     "by",       "about",    "over",     "under",
    "between",  "through",  "after",    "before",   "during",   "without",  "model",    "agent",    "request",
    "response", "token",    "stream",   "server",   "client",   "network",  "code",  "budget",   "limit",
    "retry",    "timeout",  "queue",    "batch",    "prompt",   "reply",    "answer",   "question", "system",
    "message",  "context",  "window",   "memory",   "cache",    "thread",   "task",     "loop",     "event",
    "signal",   "channel",  "buffer",   "socket",   "packet",   "route",    "record",   "report",   "metric",
    "value",    "result",   "error",    "status",   "header",   "body",     "field",    "table",    "index",
    "key",      "page",     "file",     "path",     "line",     "word",     "text",     "story",    "time",
    "plan",     "step",     "goal",     "tool",     "call",     "function", "argument", "schema",   "object",
    "list",     "map",      "set",      "graph",    "node",     "edge",     "tree",     "root",     "branch",
    "leaf",     "river",    "world", "forest",   "city",     "place",   "home",   "bridge",   "road",
    "day",  "night",  "winter",   "summer",   "light",    "shadow",   "water",    "stone",    "wind",
    "is",       "was",      "will",     "can",      "should",   "high",    "must",     "does",     "has",
    "runs",     "works",    "calls",    "uses",    "writes",   "shows",   "checks",   "moves",    "needs",
    "looks",    "makes",    "gets",    "lets",    "means",    "likes",    "great",   "big",     "good",
    "quick",    "slow",     "small",    "large",    "early",    "late",     "simple",   "sure",  "free",
    "bright",   "quiet",    "clear",    "open",     "full",     "empty",    "new",      "old",      "next",
    "first",    "last",     "every",    "each",     "some",     "many",     "few",      "more",     "less",
    "here",     "there",    "now",      "then",     "again",    "always",   "never",    "often",    "soon",
    "this",     "that",     "these",    "those",    "it",       "they",     "we",       "you",      "our",
    "their",    "its",      "one",      "two",      "three",    "ten",      "only",     "also",     "still",
};
static_assert(std::all_of(std::begin(kWords), std::end(kWords), [](std::string_view w) { return !w.empty() && w.front() >= 'a' && w.front() <= 'z'; }),
              "capitalising takes the first letter to upper case");

constexpr int kShortestSentence = 4;
constexpr int kLongestSentence = 16;

}  // namespace

std::span<const std::string_view> TextGenerator::vocabulary() noexcept { return kWords; }

void TextGenerator::append_next(std::string& out) {
    const bool last = remaining_ == 1;
    --remaining_;
    // A full stop is a token of its own, where the sentence's words ran out.
    // A complete reply's last token is one, so no sentence ends just before
    // it: that sentence takes one more word instead.
    const bool may_stop = !first_ && !after_stop_;
    const bool stop = may_stop && (last ? complete_ : sentence_left_ == 0 && !(complete_ && remaining_ == 1));
    if (stop) {
        out.push_back('.');
        after_stop_ = true;
        return;
    }
    const bool starts_sentence = first_ || after_stop_;
    if (starts_sentence) sentence_left_ = static_cast<int>(rng_.between(kShortestSentence, kLongestSentence));
    const std::string_view word = kWords[rng_.next() % std::size(kWords)];
    if (sentence_left_ > 0) --sentence_left_;
    if (!first_) out.push_back(' ');
    first_ = false;
    after_stop_ = false;
    if (starts_sentence) {
        out.push_back(static_cast<char>(word.front() - 'a' + 'A'));
        out.append(word.substr(1));
    } else {
        out.append(word);
    }
}

std::string TextGenerator::text(std::uint64_t seed, int count, bool complete) {
    TextGenerator generator(seed, count, complete);
    std::string out;
    out.reserve(static_cast<std::size_t>(generator.remaining()) * 8);
    while (!generator.done()) generator.append_next(out);
    return out;
}

}  // namespace agentio::sim
