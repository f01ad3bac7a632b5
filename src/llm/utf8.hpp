// utf8.hpp (internal): where a UTF-8 sequence ends, for the code that writes
// text into JSON strings and error messages.
#pragma once

#include <cstddef>
#include <string_view>

namespace agentio::llm::detail {

// The UTF-8 sequence at the start of `bytes` (not empty, first byte >= 0x80):
// its length and whether it is valid (no overlong forms, no surrogates,
// nothing above U+10FFFF). An invalid one's length is that of its longest
// prefix that could still have begun a valid sequence, at least 1: the span
// one U+FFFD replaces in nlohmann's dump and in the WHATWG decoder.
struct Utf8Sequence {
    std::size_t length;
    bool valid;
};

inline Utf8Sequence utf8_sequence(std::string_view bytes) noexcept {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
    const unsigned char lead = byte(0);
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) low = 0xA0;
        if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) low = 0x90;
        if (lead == 0xF4) high = 0x8F;
    } else {
        return {1, false};
    }
    for (std::size_t i = 1; i < length; ++i) {
        const bool in_range =
            i < bytes.size() && (i == 1 ? byte(i) >= low && byte(i) <= high : byte(i) >= 0x80 && byte(i) <= 0xBF);
        if (!in_range) return {i, false};
    }
    return {length, true};
}

}  // namespace agentio::llm::detail
