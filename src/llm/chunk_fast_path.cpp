// chunk_fast_path.cpp: parse_chunk_fast, a strict one-pass reader for the
// chunks servers actually send (chunk_parsing.hpp states its contract).
//
// Why it exists: simdjson's on-demand parse of a typical 300-byte chunk costs
// about 3,200 instructions (stage 1 indexes every byte, then each step of the
// walk is checked and dispatched); a chunk is a handful of short strings, so
// one pass that scans strings 16 bytes at a time and reads only the keys
// ChunkParser wants costs a fraction of that.
//
// What it accepts (anything else returns false, and simdjson decides):
// - one JSON object with only whitespace around it, as RFC 8259 defines it,
//   nested at most kMaxDepth deep;
// - strings of valid UTF-8 without raw control characters, whose escapes are
//   \" \\ \/ \b \f \n \r \t or \uXXXX, and in a string it decodes, \uXXXX not
//   a surrogate (simdjson's handling of those is left to simdjson);
// - plain integers of at most 18 digits where an integer is read (created,
//   the indices), numbers of any valid form where a value is skipped;
// - the fields ChunkParser reads with the types it reads (or null where
//   ChunkParser reads null as absent), and no usage or error object (rare:
//   once per stream at most).
// It makes the same calls on the chunk, in the same order, as
// parse_chunk_simdjson (duplicate keys, nulls and index numbering included),
// so an input both accept leaves the same chunk. Bounds: the input is
// followed by kChunkPadding zero bytes; a zero byte is never a character this
// reader accepts outside a string, and inside one it stops the scan as a
// control character, so no scan runs past the end, and a 16-byte load that
// starts before the end stays inside the padding.
#include <bit>
#include <climits>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "chunk_parsing.hpp"

namespace agentio::llm::detail {

namespace {

constexpr int kMaxDepth = 64;

bool is_space(char c) noexcept { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_hex(char c) noexcept { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_continuation(unsigned char c) noexcept { return (c & 0xC0) == 0x80; }

unsigned hex_value(char c) noexcept {
    if (is_digit(c)) return static_cast<unsigned>(c - '0');
    return static_cast<unsigned>((c | 0x20) - 'a' + 10);
}

// Bit i is set if p[i] needs a look inside a string: '"', '\\', a control
// character or a non-ASCII byte.
std::uint32_t special_bytes(const char* p) noexcept {
#if defined(__SSE2__)
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
    const __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
    // As signed bytes, control characters (0x00-0x1f) and non-ASCII bytes
    // (0x80-0xff) are the ones below 0x20.
    const __m128i low = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
    return static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), low)));
#else
    std::uint32_t bits = 0;
    for (int i = 0; i < 16; ++i) {
        const auto c = static_cast<unsigned char>(p[i]);
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) bits |= 1u << i;
    }
    return bits;
#endif
}

// One UTF-8 sequence at p (its lead byte is non-ASCII); advances past it.
bool skip_utf8(const char*& p) noexcept {
    const auto* s = reinterpret_cast<const unsigned char*>(p);
    const unsigned char lead = s[0];
    if (lead < 0xC2) return false;  // a continuation byte, or an overlong 2-byte form
    if (lead < 0xE0) {
        if (!is_continuation(s[1])) return false;
        p += 2;
        return true;
    }
    if (lead < 0xF0) {
        const unsigned char b1 = s[1];
        const bool ok = lead == 0xE0   ? b1 >= 0xA0 && b1 <= 0xBF   // no overlong form
                        : lead == 0xED ? b1 >= 0x80 && b1 <= 0x9F   // no surrogate
                                       : is_continuation(b1);
        if (!ok || !is_continuation(s[2])) return false;
        p += 3;
        return true;
    }
    if (lead < 0xF5) {
        const unsigned char b1 = s[1];
        const bool ok = lead == 0xF0   ? b1 >= 0x90 && b1 <= 0xBF   // no overlong form
                        : lead == 0xF4 ? b1 >= 0x80 && b1 <= 0x8F   // nothing past U+10FFFF
                                       : is_continuation(b1);
        if (!ok || !is_continuation(s[2]) || !is_continuation(s[3])) return false;
        p += 4;
        return true;
    }
    return false;
}

void append_utf8(std::string& out, unsigned code_point) {
    if (code_point < 0x80) {
        out.push_back(static_cast<char>(code_point));
    } else if (code_point < 0x800) {
        const char bytes[] = {static_cast<char>(0xC0 | (code_point >> 6)), static_cast<char>(0x80 | (code_point & 0x3F))};
        out.append(bytes, 2);
    } else {
        const char bytes[] = {static_cast<char>(0xE0 | (code_point >> 12)),
                              static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)),
                              static_cast<char>(0x80 | (code_point & 0x3F))};
        out.append(bytes, 3);
    }
}

// A forward-only reader over the padded input. Every method skips the
// whitespace before what it reads, and returns false (having consumed an
// unspecified amount) when the input is not what it expects.
class Cursor {
public:
    explicit Cursor(std::string_view data) noexcept : p_(data.data()), end_(data.data() + data.size()) {}

    bool consume(char c) noexcept {
        skip_space();
        if (*p_ != c) return false;  // a padding zero never matches
        ++p_;
        return true;
    }
    bool next_is(char c) noexcept {
        skip_space();
        return *p_ == c;
    }
    bool at_end() noexcept {
        skip_space();
        return p_ == end_;
    }
    // A null, consumed; false (nothing consumed) if the next value is not null.
    bool null() noexcept { return literal("null", 4); }

    // A key and its colon; the key's raw bytes (escapes undecoded: keys are
    // compared raw, as simdjson's raw_json_string compares them).
    bool key(std::string_view& raw) noexcept {
        bool escaped = false;
        return raw_string(raw, escaped) && consume(':');
    }

    // A string decoded into `out` (assigned: its buffer is kept), or null,
    // which clears it.
    bool string_or_null(std::string& out) {
        if (!next_is('"')) {
            if (!null()) return false;
            out.clear();
            return true;
        }
        std::string_view raw;
        bool escaped = false;
        if (!raw_string(raw, escaped)) return false;
        if (!escaped) {
            out.assign(raw);
            return true;
        }
        return unescape(raw, out);
    }

    // A plain integer (no fraction, no exponent, at most 18 digits).
    bool integer(std::int64_t& out) noexcept {
        skip_space();
        const char* p = p_;
        const bool negative = *p == '-';
        if (negative) ++p;
        const char* const digits = p;
        if (!is_digit(*p) || (*p == '0' && is_digit(p[1]))) return false;
        std::uint64_t value = 0;
        while (is_digit(*p)) value = value * 10 + static_cast<std::uint64_t>(*p++ - '0');
        if (p - digits > 18 || !delimited(p)) return false;
        out = negative ? -static_cast<std::int64_t>(value) : static_cast<std::int64_t>(value);
        p_ = p;
        return true;
    }

    // Any value, checked and passed over; `depth` counts the containers
    // around it.
    bool skip_value(int depth) noexcept {
        skip_space();
        switch (*p_) {
            case '"': {
                std::string_view raw;
                bool escaped = false;
                return raw_string(raw, escaped);
            }
            case '{': {
                if (depth >= kMaxDepth) return false;
                ++p_;
                if (next_is('}')) return consume('}');
                do {
                    std::string_view raw;
                    if (!key(raw) || !skip_value(depth + 1)) return false;
                } while (consume(','));
                return consume('}');
            }
            case '[': {
                if (depth >= kMaxDepth) return false;
                ++p_;
                if (next_is(']')) return consume(']');
                do {
                    if (!skip_value(depth + 1)) return false;
                } while (consume(','));
                return consume(']');
            }
            case 't': return literal("true", 4);
            case 'f': return literal("false", 5);
            case 'n': return literal("null", 4);
            default: return number();
        }
    }

    // A string at the cursor: its raw bytes between the quotes, checked;
    // `escaped` tells whether it holds a backslash.
    bool raw_string(std::string_view& raw, bool& escaped) noexcept {
        skip_space();
        if (*p_ != '"') return false;
        const char* const begin = p_ + 1;
        const char* p = begin;
        for (;;) {
            const std::uint32_t special = special_bytes(p);
            if (special == 0) {
                p += 16;  // 16 ordinary bytes: all before the end (padding is zeros)
                continue;
            }
            p += std::countr_zero(special);
            const auto c = static_cast<unsigned char>(*p);
            if (c == '"') break;
            if (c == '\\') {
                if (!skip_escape(p)) return false;
                escaped = true;
            } else if (c < 0x20 || !skip_utf8(p)) {
                return false;  // a control character (or the end: a padding zero), or bad UTF-8
            }
        }
        raw = std::string_view(begin, static_cast<std::size_t>(p - begin));
        p_ = p + 1;
        return true;
    }

private:
    void skip_space() noexcept {
        while (is_space(*p_)) ++p_;
    }
    // What may follow a scalar.
    bool delimited(const char* at) const noexcept {
        return at == end_ || is_space(*at) || *at == ',' || *at == '}' || *at == ']';
    }
    bool literal(const char* word, std::size_t size) noexcept {
        skip_space();
        // The padding makes `size` bytes readable; it holds no letters.
        if (std::memcmp(p_, word, size) != 0 || !delimited(p_ + size)) return false;
        p_ += size;
        return true;
    }
    // -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    bool number() noexcept {
        const char* p = p_;
        if (*p == '-') ++p;
        if (*p == '0') {
            ++p;
        } else if (is_digit(*p)) {
            while (is_digit(*p)) ++p;
        } else {
            return false;
        }
        if (*p == '.') {
            ++p;
            if (!is_digit(*p)) return false;
            while (is_digit(*p)) ++p;
        }
        if (*p == 'e' || *p == 'E') {
            ++p;
            if (*p == '+' || *p == '-') ++p;
            if (!is_digit(*p)) return false;
            while (is_digit(*p)) ++p;
        }
        if (!delimited(p)) return false;
        p_ = p;
        return true;
    }
    // An escape at p (a backslash); advances past it.
    static bool skip_escape(const char*& p) noexcept {
        switch (p[1]) {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
                p += 2;
                return true;
            case 'u':
                if (!is_hex(p[2]) || !is_hex(p[3]) || !is_hex(p[4]) || !is_hex(p[5])) return false;
                p += 6;
                return true;
            default:
                return false;
        }
    }
    // `raw` was checked by raw_string: every escape in it is well-formed.
    static bool unescape(std::string_view raw, std::string& out) {
        out.clear();
        const char* p = raw.data();
        const char* const end = p + raw.size();
        while (p < end) {
            const auto* backslash = static_cast<const char*>(std::memchr(p, '\\', static_cast<std::size_t>(end - p)));
            if (backslash == nullptr) {
                out.append(p, end);
                break;
            }
            out.append(p, backslash);
            switch (backslash[1]) {
                case 'b': out.push_back('\b'); break;
                case 'f': out.push_back('\f'); break;
                case 'n': out.push_back('\n'); break;
                case 'r': out.push_back('\r'); break;
                case 't': out.push_back('\t'); break;
                case 'u': {
                    const unsigned code_point = hex_value(backslash[2]) << 12 | hex_value(backslash[3]) << 8 |
                                                hex_value(backslash[4]) << 4 | hex_value(backslash[5]);
                    if (code_point >= 0xD800 && code_point <= 0xDFFF) return false;  // pairs: simdjson's
                    append_utf8(out, code_point);
                    p = backslash + 6;
                    continue;
                }
                default: out.push_back(backslash[1]); break;  // " \ /
            }
            p = backslash + 2;
        }
        return true;
    }

    const char* p_;
    const char* const end_;
};

// Containers around a value at each place the chunk is read (for skipping).
constexpr int kInRoot = 1, kInChoice = 3, kInDelta = 4, kInToolCall = 6, kInFunction = 7;

// The reads of parse_chunk_simdjson, one method per level, in its order.
class FastChunk {
public:
    FastChunk(std::string_view data, DeltaSpares& spares) noexcept : in_(data), spares_(spares) {}

    bool chunk(ChatChunk& out) {
        out.id.clear();
        out.model.clear();
        out.created = 0;
        out.system_fingerprint.clear();
        out.usage.reset();
        std::size_t choices = 0;
        if (!in_.consume('{')) return false;
        if (!in_.next_is('}')) {
            do {
                std::string_view key;
                if (!in_.key(key)) return false;
                bool ok = true;
                if (key == "choices") {
                    ok = in_.null() || items([&] { return choice(next_slot(out.choices, choices, spares_.choices)); });
                } else if (key == "id") {
                    ok = in_.string_or_null(out.id);
                } else if (key == "model") {
                    ok = in_.string_or_null(out.model);
                } else if (key == "created") {
                    if (in_.null()) out.created = 0;
                    else ok = in_.integer(out.created);
                } else if (key == "system_fingerprint") {
                    ok = in_.string_or_null(out.system_fingerprint);
                } else if (key == "usage") {
                    ok = in_.null();  // a usage object: simdjson's
                    out.usage.reset();
                } else if (key == "error") {
                    ok = in_.null();  // an error event: simdjson's (it throws)
                } else {
                    ok = in_.skip_value(kInRoot);
                }
                if (!ok) return false;
            } while (in_.consume(','));
        }
        if (!in_.consume('}') || !in_.at_end()) return false;
        trim(out.choices, choices, spares_.choices);
        return true;
    }

private:
    // An array's items, each read by `item`.
    template <class Item>
    bool items(Item item) {
        if (!in_.consume('[')) return false;
        if (in_.next_is(']')) return in_.consume(']');
        do {
            if (!item()) return false;
        } while (in_.consume(','));
        return in_.consume(']');
    }
    // An object's fields, each read by `field(key)`; null has none.
    template <class Field>
    bool fields(Field field) {
        if (in_.null()) return true;
        if (!in_.consume('{')) return false;
        if (in_.next_is('}')) return in_.consume('}');
        do {
            std::string_view key;
            if (!in_.key(key) || !field(key)) return false;
        } while (in_.consume(','));
        return in_.consume('}');
    }

    bool index(int& out) noexcept {
        std::int64_t n = 0;
        if (!in_.integer(n) || n < 0 || n > INT_MAX) return false;
        out = static_cast<int>(n);
        return true;
    }

    bool choice(ChoiceDelta& choice) {
        choice.index = 0;
        choice.role.clear();
        choice.content.clear();
        choice.refusal.clear();
        choice.finish_reason.clear();
        bool had_delta = false;
        const bool ok = fields([&](std::string_view key) {
            if (key == "delta") {
                had_delta = true;
                return delta(choice);
            }
            if (key == "index") return index(choice.index);
            if (key == "finish_reason") return in_.string_or_null(choice.finish_reason);
            return in_.skip_value(kInChoice);
        });
        if (!had_delta) trim(choice.tool_calls, 0, spares_.calls);
        return ok;
    }

    bool delta(ChoiceDelta& choice) {
        std::size_t calls = 0;
        const bool ok = fields([&](std::string_view key) {
            if (key == "content") return in_.string_or_null(choice.content);
            if (key == "tool_calls") {
                return in_.null() || items([&] {
                    // Numbered by position unless it has an index, as simdjson's path does.
                    const int position = static_cast<int>(calls);
                    ToolCallDelta& call = next_slot(choice.tool_calls, calls, spares_.calls);
                    call.index = position;
                    return tool_call(call);
                });
            }
            if (key == "role") return in_.string_or_null(choice.role);
            if (key == "refusal") return in_.string_or_null(choice.refusal);
            return in_.skip_value(kInDelta);
        });
        trim(choice.tool_calls, calls, spares_.calls);
        return ok;
    }

    bool tool_call(ToolCallDelta& call) {
        call.id.clear();
        call.name.clear();
        call.arguments.clear();
        return fields([&](std::string_view key) {
            if (key == "index") return index(call.index);
            if (key == "function") {
                return fields([&](std::string_view k) {
                    if (k == "arguments") return in_.string_or_null(call.arguments);
                    if (k == "name") return in_.string_or_null(call.name);
                    return in_.skip_value(kInFunction);
                });
            }
            if (key == "id") return in_.string_or_null(call.id);
            return in_.skip_value(kInToolCall);
        });
    }

    Cursor in_;
    DeltaSpares& spares_;
};

}  // namespace

bool parse_chunk_fast(std::string_view data, ChatChunk& out, DeltaSpares& spares) {
    return FastChunk(data, spares).chunk(out);
}

}  // namespace agentio::llm::detail
