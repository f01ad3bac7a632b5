// syntax.hpp (internal): the byte classes of RFC 9110/9112 and the error
// helpers that the codec's sources share (head_parser.cpp,
// chunked_decoder.cpp, body_framing.cpp, message_writer.cpp).
//
// Bytes are classified by a 256-entry table built at compile time, looked up
// eight at a time, and field values are checked a 64-bit word at a time, so
// no per-byte function call or locale lookup happens on the hot path. Every
// lookup stays inside the view it is given.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "agentio/http/headers.hpp"
#include "agentio/http/parse_error.hpp"

namespace agentio::http::detail {

inline constexpr std::size_t npos = std::string_view::npos;

// Byte classes, RFC 9110 5.6.2 (tchar), 5.5 (field-vchar, obs-text), 5.6.4
// (qdtext) and RFC 3986 (the characters of a Host value).
enum : std::uint8_t {
    kTchar = 1,       // token character
    kFieldChar = 2,   // allowed in a field value or reason phrase: HTAB, SP, VCHAR, obs-text
    kTargetChar = 4,  // allowed in a request target: VCHAR (visible ASCII)
    kSchemeChar = 8,  // ALPHA / DIGIT / "+" / "-" / "."
    kQdtext = 16,     // allowed as is inside a quoted-string: field chars but '"' and '\'
    kRegName = 32,    // unreserved / sub-delims / "%": a reg-name or IPv4 host (RFC 3986 3.2.2)
};

constexpr std::array<std::uint8_t, 256> make_classes() {
    std::array<std::uint8_t, 256> table{};
    for (int c = 0; c < 256; ++c) {
        const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        const bool digit = c >= '0' && c <= '9';
        const auto one_of = [c](std::string_view set) { return set.find(static_cast<char>(c)) != std::string_view::npos; };
        std::uint8_t bits = 0;
        if (alpha || digit || one_of("!#$%&'*+-.^_`|~")) bits |= kTchar;
        if (c == '\t' || (c >= 0x20 && c != 0x7f)) bits |= kFieldChar;
        if (c > 0x20 && c < 0x7f) bits |= kTargetChar;
        if (alpha || digit || one_of("+-.")) bits |= kSchemeChar;
        if ((bits & kFieldChar) && c != '"' && c != '\\') bits |= kQdtext;
        if (alpha || digit || one_of("-._~!$&'()*+,;=%")) bits |= kRegName;
        table[static_cast<std::size_t>(c)] = bits;
    }
    return table;
}
inline constexpr auto kClasses = make_classes();

constexpr std::array<std::int8_t, 256> make_hex() {
    std::array<std::int8_t, 256> table{};
    for (int c = 0; c < 256; ++c)
        table[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(
            c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1);
    return table;
}
// The value of a hex digit, -1 for any other byte.
inline constexpr auto kHex = make_hex();

inline constexpr char kHexDigits[] = "0123456789abcdef";

inline bool has_class(char c, std::uint8_t bits) noexcept { return (kClasses[static_cast<unsigned char>(c)] & bits) != 0; }

// Index of the first byte of `text` outside `bits`, or npos. Eight lookups
// are ANDed before one branch, so the loads do not wait on each other.
inline std::size_t find_invalid(std::string_view text, std::uint8_t bits) noexcept {
    const auto* const data = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t size = text.size();
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        const std::uint8_t all = kClasses[data[i]] & kClasses[data[i + 1]] & kClasses[data[i + 2]] &
                                 kClasses[data[i + 3]] & kClasses[data[i + 4]] & kClasses[data[i + 5]] &
                                 kClasses[data[i + 6]] & kClasses[data[i + 7]];
        if ((all & bits) == 0) break;
    }
    for (; i < size; ++i)
        if ((kClasses[data[i]] & bits) == 0) return i;
    return npos;
}

// Whether any of the 8 bytes at `at` is below 0x20 or is 0x7f.
inline bool word_has_control(const char* at) noexcept {
    constexpr std::uint64_t kOnes = 0x0101010101010101ull;
    constexpr std::uint64_t kHighs = 0x8080808080808080ull;
    std::uint64_t word;
    std::memcpy(&word, at, 8);
    const std::uint64_t below_space = (word - 0x20 * kOnes) & ~word & kHighs;
    const std::uint64_t del = word ^ (0x7f * kOnes);
    return (below_space | ((del - kOnes) & ~del & kHighs)) != 0;
}

// find_invalid(text, kFieldChar), eight bytes at a time: values are most of a
// head's bytes. A word with no control byte is all valid (bytes >= 0x80 are
// obs-text); from the first word with one (HTAB included) it goes byte by byte.
inline std::size_t find_invalid_field_char(std::string_view text) noexcept {
    const char* const data = text.data();
    const std::size_t size = text.size();
    std::size_t i = 0;
    if (size >= 8) {
        while (i + 8 <= size && !word_has_control(data + i)) i += 8;
        if (i == size || (i + 8 > size && !word_has_control(data + size - 8))) return npos;
    }
    for (; i < size; ++i)
        if (!has_class(data[i], kFieldChar)) return i;
    return npos;
}

// Optional whitespace (RFC 9110 5.6.3): SP or HTAB.
constexpr bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

// "0x0a": a byte as error messages name it.
std::string byte_name(char c);

// `text` as error messages show it: in quotes, printable ASCII as is, other
// bytes as \xNN, cut after 80 bytes.
std::string quoted(std::string_view text);

[[noreturn]] inline void fail(int status, const std::string& what) { throw ParseError(status, what); }

// Why `target` cannot be the target of a `method` request (RFC 9112 3.2), or
// nullptr. Shared by the parser and the writer, so that what one writes the
// other reads.
const char* target_form_error(std::string_view method, std::string_view target) noexcept;

}  // namespace agentio::http::detail
