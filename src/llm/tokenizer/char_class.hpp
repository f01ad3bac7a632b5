// char_class.hpp (internal): the one question the encodings' split patterns
// ask of a character: which of their classes it is in, and how many bytes it
// takes.
//
// The classes are those of Unicode 16.0, the version of the regex engine
// inside tiktoken, so text splits exactly where tiktoken splits it. Bytes that
// are not UTF-8 (tiktoken is only ever given valid text) read as one `other`
// character each maximal invalid sequence.
#pragma once

#include <cstdint>
#include <string_view>

#include "../utf8.hpp"

namespace agentio::llm::tokenizer {

enum class CharClass : std::uint8_t {
    other,         // punctuation, symbols, controls, unassigned
    upper,         // Lu, Lt
    lower,         // Ll
    other_letter,  // Lm, Lo
    mark,          // Mn, Mc, Me
    number,        // Nd, Nl, No
    space,         // White_Space, but for \r and \n
    newline,       // \r, \n
};

struct Char {
    CharClass cls;
    std::uint32_t length;  // in bytes, >= 1
};

namespace detail_table {
#include "unicode_table.inc"
}

inline CharClass class_of(char32_t code_point) noexcept {
    return static_cast<CharClass>(detail_table::kClassIn[detail_table::kBlockOf[code_point >> 8]][code_point & 0xFF]);
}

// The character at the start of `text` (not empty).
inline Char char_at(std::string_view text) noexcept {
    const auto byte = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(text[i])); };
    const std::uint32_t lead = byte(0);
    if (lead < 0x80) return {class_of(lead), 1};
    const llm::detail::Utf8Sequence sequence = llm::detail::utf8_sequence(text);
    if (!sequence.valid) return {CharClass::other, static_cast<std::uint32_t>(sequence.length)};
    char32_t code_point = 0;
    switch (sequence.length) {
        case 2: code_point = ((lead & 0x1F) << 6) | (byte(1) & 0x3F); break;
        case 3: code_point = ((lead & 0x0F) << 12) | ((byte(1) & 0x3F) << 6) | (byte(2) & 0x3F); break;
        default:
            code_point = ((lead & 0x07) << 18) | ((byte(1) & 0x3F) << 12) | ((byte(2) & 0x3F) << 6) | (byte(3) & 0x3F);
    }
    return {class_of(code_point), static_cast<std::uint32_t>(sequence.length)};
}

inline bool is_letter(CharClass c) noexcept {
    return c == CharClass::upper || c == CharClass::lower || c == CharClass::other_letter;
}
inline bool is_space(CharClass c) noexcept { return c == CharClass::space || c == CharClass::newline; }

}  // namespace agentio::llm::tokenizer
