// wire_excerpt.cpp: printable, bounded quotes of payloads for error messages.
#include "wire_excerpt.hpp"

#include <algorithm>

#include "utf8.hpp"

namespace agentio::llm::detail {

std::string excerpt(std::string_view text, std::size_t max_bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(std::min(text.size(), max_bytes) + 16);
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7F) {
            if (i + 1 > max_bytes) break;
            out.push_back(static_cast<char>(c));
            ++i;
        } else if (const Utf8Sequence sequence = c >= 0x80 ? utf8_sequence(text.substr(i)) : Utf8Sequence{1, false};
                   sequence.valid) {
            const std::size_t length = sequence.length;
            if (i + length > max_bytes) break;
            out.append(text.substr(i, length));
            i += length;
        } else {
            if (i + 1 > max_bytes) break;
            if (c == '\n') {
                out += "\\n";
            } else if (c == '\r') {
                out += "\\r";
            } else if (c == '\t') {
                out += "\\t";
            } else {
                out += "\\x";
                out.push_back(kHex[c >> 4]);
                out.push_back(kHex[c & 0xF]);
            }
            ++i;
        }
    }
    if (i < text.size()) out += "... (" + std::to_string(text.size()) + " bytes)";
    return out;
}

}  // namespace agentio::llm::detail
