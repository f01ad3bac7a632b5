// split.cpp: the split patterns of split.hpp, one alternative per function.
//
// Each alternative returns where its match ends, or npos when it does not
// match at `pos`; a pattern tries them in its order and takes the first match,
// as the regex engine does.

#include "split.hpp"

#include "char_class.hpp"

namespace agentio::llm::tokenizer {
namespace {

constexpr std::size_t npos = std::string_view::npos;

Char at(std::string_view text, std::size_t pos) noexcept { return char_at(text.substr(pos)); }

// [^\r\n\p{L}\p{N}]: what may stand before a word.
bool is_word_prefix(CharClass c) noexcept {
    return c == CharClass::mark || c == CharClass::space || c == CharClass::other;
}
// [^\s\p{L}\p{N}]: punctuation, symbols and marks.
bool is_punctuation(CharClass c) noexcept { return c == CharClass::mark || c == CharClass::other; }
// o200k_base's [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}] and [\p{Ll}\p{Lm}\p{Lo}\p{M}]:
// Lm, Lo and marks are in both.
bool is_cased_upper(CharClass c) noexcept {
    return c == CharClass::upper || c == CharClass::other_letter || c == CharClass::mark;
}
bool is_cased_lower(CharClass c) noexcept {
    return c == CharClass::lower || c == CharClass::other_letter || c == CharClass::mark;
}

// The end of the longest run of characters in `in` from `pos`.
template <class Predicate>
std::size_t run_end(std::string_view text, std::size_t pos, Predicate in) noexcept {
    while (pos < text.size()) {
        const Char c = at(text, pos);
        if (!in(c.cls)) break;
        pos += c.length;
    }
    return pos;
}

// (?i:'s|'t|'re|'ve|'m|'ll|'d). Case folding is Unicode's simple folding, in
// which U+017F (long s) is an s too.
std::size_t contraction_end(std::string_view text, std::size_t pos) noexcept {
    if (pos >= text.size() || text[pos] != '\'') return npos;
    // The bytes one folded letter takes at `i`, or 0 if another character is there.
    const auto letter = [&](std::size_t i, char lower) -> std::size_t {
        if (i >= text.size()) return 0;
        if ((text[i] | 0x20) == lower) return 1;
        if (lower == 's' && text.substr(i, 2) == "\xC5\xBF") return 2;
        return 0;
    };
    for (const std::string_view suffix : {"s", "t", "re", "ve", "m", "ll", "d"}) {
        std::size_t end = pos + 1;
        for (const char lower : suffix) {
            const std::size_t length = letter(end, lower);
            if (length == 0) {
                end = npos;
                break;
            }
            end += length;
        }
        if (end != npos) return end;
    }
    return npos;
}

std::size_t with_contraction(std::string_view text, std::size_t end) noexcept {
    const std::size_t longer = contraction_end(text, end);
    return longer != npos ? longer : end;
}

// An optional [^\r\n\p{L}\p{N}] then `word`: greedy, so with the prefix first.
template <class Word>
std::size_t prefixed(std::string_view text, std::size_t pos, Word word) noexcept {
    const Char first = at(text, pos);
    if (is_word_prefix(first.cls) && pos + first.length < text.size()) {
        const std::size_t end = word(pos + first.length);
        if (end != npos) return end;
    }
    return word(pos);
}

// o200k_base's first word: [upper]*[lower]+. The greedy upper run gives back
// characters until a lower one can start: the character after the run if it
// is lower, else the run's last character that is in both classes.
std::size_t o200k_lower_word(std::string_view text, std::size_t pos) noexcept {
    std::size_t end = pos;
    std::size_t last_shared = npos;
    while (end < text.size()) {
        const Char c = at(text, end);
        if (!is_cased_upper(c.cls)) break;
        if (c.cls != CharClass::upper) last_shared = end;
        end += c.length;
    }
    std::size_t lower_start = npos;
    if (end < text.size() && is_cased_lower(at(text, end).cls)) lower_start = end;
    else if (last_shared != npos) lower_start = last_shared;
    if (lower_start == npos) return npos;
    return with_contraction(text, run_end(text, lower_start, is_cased_lower));
}

// o200k_base's second word: [upper]+[lower]*.
std::size_t o200k_upper_word(std::string_view text, std::size_t pos) noexcept {
    const std::size_t upper_end = run_end(text, pos, is_cased_upper);
    if (upper_end == pos) return npos;
    return with_contraction(text, run_end(text, upper_end, is_cased_lower));
}

// \p{N}{1,3}
std::size_t digits_end(std::string_view text, std::size_t pos) noexcept {
    std::size_t end = pos;
    for (int i = 0; i < 3 && end < text.size(); ++i) {
        const Char c = at(text, end);
        if (c.cls != CharClass::number) break;
        end += c.length;
    }
    return end == pos ? npos : end;
}

// ` ?[^\s\p{L}\p{N}]+` then any of `trailing` (ASCII bytes). Without the space
// the run would have to start at a space, so only the form with it can match
// when one is there.
std::size_t punctuation_end(std::string_view text, std::size_t pos, std::string_view trailing) noexcept {
    const std::size_t start = text[pos] == ' ' ? pos + 1 : pos;
    std::size_t end = run_end(text, start, is_punctuation);
    if (end == start) return npos;
    while (end < text.size() && trailing.find(text[end]) != std::string_view::npos) ++end;
    return end;
}

// \s*[\r\n]+ | \s+(?!\S) | \s+, at a space (the only characters left).
std::size_t whitespace_end(std::string_view text, std::size_t pos) noexcept {
    std::size_t end = pos;
    std::size_t last_start = pos;
    std::size_t after_last_newline = npos;
    while (end < text.size()) {
        const Char c = at(text, end);
        if (!is_space(c.cls)) break;
        last_start = end;
        end += c.length;
        if (c.cls == CharClass::newline) after_last_newline = end;
    }
    // \s*[\r\n]+: the greedy \s* gives back up to the run's last line break.
    if (after_last_newline != npos) return after_last_newline;
    // \s+(?!\S): the whole run at the end of the text, else all of it but the
    // character before the next word, if that leaves any.
    if (end == text.size()) return end;
    if (last_start > pos) return last_start;
    return end;  // \s+
}

}  // namespace

std::size_t o200k_piece_end(std::string_view text, std::size_t pos) noexcept {
    const auto lower_word = [&](std::size_t at) { return o200k_lower_word(text, at); };
    const auto upper_word = [&](std::size_t at) { return o200k_upper_word(text, at); };
    if (const std::size_t end = prefixed(text, pos, lower_word); end != npos) return end;
    if (const std::size_t end = prefixed(text, pos, upper_word); end != npos) return end;
    if (const std::size_t end = digits_end(text, pos); end != npos) return end;
    if (const std::size_t end = punctuation_end(text, pos, "\r\n/"); end != npos) return end;
    return whitespace_end(text, pos);
}

std::size_t cl100k_piece_end(std::string_view text, std::size_t pos) noexcept {
    if (const std::size_t end = contraction_end(text, pos); end != npos) return end;
    const auto letters = [&](std::size_t at) {
        const std::size_t end = run_end(text, at, is_letter);
        return end == at ? npos : end;
    };
    if (const std::size_t end = prefixed(text, pos, letters); end != npos) return end;
    if (const std::size_t end = digits_end(text, pos); end != npos) return end;
    if (const std::size_t end = punctuation_end(text, pos, "\r\n"); end != npos) return end;
    return whitespace_end(text, pos);
}

}  // namespace agentio::llm::tokenizer
