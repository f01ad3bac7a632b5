// words.hpp (internal): what the simulator calls a word, shared by the
// lexical embeddings (embedding.cpp) and the tool policy's matching of a
// user message against the tools offered (tool_policy.cpp), so both read a
// text the same way.
//
// A word is a run of ASCII letters and digits, or of non-ASCII bytes (so a
// UTF-8 word stays whole); everything else separates words (spaces,
// punctuation, and the '_', '-' and '.' of identifiers). ASCII letters are
// lower-cased. With camel-case splitting, a word also breaks before an
// upper-case letter that follows a lower-case letter or a digit
// ("getWeather" gives "get", "weather") and before the last upper-case letter
// of a run that a lower-case one follows ("HTTPServer" gives "http",
// "server").
#pragma once

#include <string>
#include <string_view>

namespace agentio::sim::detail {

constexpr bool is_word_byte(unsigned char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

constexpr bool is_upper(unsigned char c) noexcept { return c >= 'A' && c <= 'Z'; }
constexpr bool is_lower(unsigned char c) noexcept { return c >= 'a' && c <= 'z'; }
constexpr bool is_digit(unsigned char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_ascii_alnum(unsigned char c) noexcept { return is_upper(c) || is_lower(c) || is_digit(c); }
constexpr char to_lower(char c) noexcept { return is_upper(static_cast<unsigned char>(c)) ? static_cast<char>(c - 'A' + 'a') : c; }

// One of about fifty words that appear in almost any English text ("the",
// "of", "is", ...), or a word of one byte: they say little about what a text
// is about. `word` is lower-case.
bool is_common_word(std::string_view word) noexcept;

// Calls visit(std::string_view word) for every word of `text`, in order,
// lower-cased. The view points into one buffer reused for every word: it is
// valid during the call only.
template <class Visit>
void for_each_word(std::string_view text, bool split_camel_case, Visit&& visit) {
    std::string word;
    const auto flush = [&] {
        if (word.empty()) return;
        visit(std::string_view(word));
        word.clear();
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (!is_word_byte(c)) {
            flush();
            continue;
        }
        if (split_camel_case && is_upper(c) && i > 0) {
            const auto before = static_cast<unsigned char>(text[i - 1]);
            const bool after_lower = i + 1 < text.size() && is_lower(static_cast<unsigned char>(text[i + 1]));
            if (is_lower(before) || is_digit(before) || (is_upper(before) && after_lower)) flush();
        }
        word.push_back(to_lower(text[i]));
    }
    flush();
}

}  // namespace agentio::sim::detail
