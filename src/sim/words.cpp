// words.cpp: the common words (see words.hpp).
#include "words.hpp"

#include <algorithm>
#include <iterator>

namespace agentio::sim::detail {

namespace {

// Sorted for binary search.
constexpr std::string_view kCommonWords[] = {
    "a",    "about", "an",   "and",  "are",  "as",   "at",   "be",   "but",   "by",   "can",  "do",
    "does", "for",   "from", "had",  "has",  "have", "how",  "i",    "if",    "in",   "into", "is",
    "it",   "its",   "not",  "of",   "on",   "or",   "so",   "than", "that",  "the",  "their", "them",
    "then", "there", "these", "they", "this", "to",   "was",  "we",   "were",  "what", "when", "which",
    "who",  "will",  "with", "would", "you",  "your",
};
static_assert(std::is_sorted(std::begin(kCommonWords), std::end(kCommonWords)), "is_common_word searches them");

}  // namespace

bool is_common_word(std::string_view word) noexcept {
    return word.size() == 1 || std::binary_search(std::begin(kCommonWords), std::end(kCommonWords), word);
}

}  // namespace agentio::sim::detail
