// pattern_sample.cpp: parses a regular expression into a small tree, then
// walks the tree once, choosing counts, alternatives and characters.
//
// Both the parse and the walk recurse once per group level, which the parse
// bounds (kMaxPatternNesting), so an untrusted pattern cannot exhaust the
// stack; counts and the output length are bounded before anything is
// generated past them.
#include "agentio/sim/detail/pattern_sample.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "agentio/sim/schema_instance.hpp"

namespace agentio::sim::detail {

namespace {

constexpr int kMaxRepeat = 1000;
constexpr std::size_t kMaxSampleLength = 10'000;
constexpr int kUnbounded = -1;
constexpr char32_t kMaxCodePoint = 0x10FFFF;

struct Range {
    char32_t lo;
    char32_t hi;
};

struct Node {
    enum class Kind { literal, chars, sequence, alternation, repeat };
    Kind kind = Kind::sequence;
    std::string text;            // literal: its UTF-8 bytes
    std::vector<Range> ranges;   // chars
    bool negated = false;        // chars
    std::vector<Node> children;  // sequence, alternation; repeat: the one repeated
    int min = 1;                 // repeat
    int max = 1;                 // repeat; kUnbounded
};

Node literal(std::string text) {
    Node node;
    node.kind = Node::Kind::literal;
    node.text = std::move(text);
    return node;
}

Node chars(std::vector<Range> ranges, bool negated) {
    Node node;
    node.kind = Node::Kind::chars;
    node.ranges = std::move(ranges);
    node.negated = negated;
    return node;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

bool is_surrogate(char32_t cp) { return cp >= 0xD800 && cp <= 0xDFFF; }

const std::vector<Range>& digit_ranges() {
    static const std::vector<Range> ranges{{'0', '9'}};
    return ranges;
}
const std::vector<Range>& word_ranges() {
    static const std::vector<Range> ranges{{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
    return ranges;
}
const std::vector<Range>& space_ranges() {
    static const std::vector<Range> ranges{{' ', ' '}, {'\t', '\r'}};
    return ranges;
}

bool contains(const std::vector<Range>& ranges, char32_t cp) {
    return std::any_of(ranges.begin(), ranges.end(), [cp](const Range& r) { return cp >= r.lo && cp <= r.hi; });
}

// The printable ASCII characters not in `ranges`, as ranges: what \D, \W and
// \S add inside a class.
std::vector<Range> printable_complement(const std::vector<Range>& ranges) {
    std::vector<Range> out;
    for (char32_t c = 0x20; c <= 0x7E; ++c) {
        if (contains(ranges, c)) continue;
        if (!out.empty() && out.back().hi + 1 == c) out.back().hi = c;
        else out.push_back({c, c});
    }
    return out;
}

class Parser {
public:
    explicit Parser(std::string_view pattern) : pattern_(pattern) {}

    Node parse() {
        Node root = alternation(0);
        if (at_ < pattern_.size()) fail(fmt::format("unmatched ')' at offset {}", at_));
        return root;
    }

private:
    [[noreturn]] void fail(const std::string& problem) const {
        constexpr std::size_t kShown = 80;
        const std::string shown = pattern_.size() > kShown ? std::string(pattern_.substr(0, kShown)) + "..." : std::string(pattern_);
        throw SchemaError(fmt::format("pattern \"{}\": {}", shown, problem));
    }

    bool at_end() const { return at_ >= pattern_.size(); }
    char peek() const { return pattern_[at_]; }

    Node alternation(int depth) {
        Node node;
        node.kind = Node::Kind::alternation;
        node.children.push_back(sequence(depth));
        while (!at_end() && peek() == '|') {
            ++at_;
            node.children.push_back(sequence(depth));
        }
        if (node.children.size() == 1) return std::move(node.children.front());
        return node;
    }

    Node sequence(int depth) {
        Node node;
        node.kind = Node::Kind::sequence;
        while (!at_end() && peek() != '|' && peek() != ')') {
            if (peek() == '^' || peek() == '$') {  // zero width: the ends of what is generated
                ++at_;
                continue;
            }
            Node item = atom(depth);
            quantify(item);
            node.children.push_back(std::move(item));
        }
        return node;
    }

    // Reads {n}, {n,} or {n,m} at the cursor into (min, max) and moves past
    // it; nothing (cursor unmoved) if the text there is not one.
    std::optional<std::pair<int, int>> braces() {
        std::size_t at = at_ + 1;
        auto number = [&](int& value) {
            const std::size_t start = at;
            long long n = 0;
            while (at < pattern_.size() && pattern_[at] >= '0' && pattern_[at] <= '9') {
                n = std::min<long long>(n * 10 + (pattern_[at] - '0'), 1'000'000'000);
                ++at;
            }
            value = static_cast<int>(n);
            return at > start;
        };
        int min = 0;
        int max = 0;
        if (!number(min)) return std::nullopt;
        if (at < pattern_.size() && pattern_[at] == '}') {
            max = min;
        } else if (at < pattern_.size() && pattern_[at] == ',') {
            ++at;
            if (!number(max)) max = kUnbounded;
            if (at >= pattern_.size() || pattern_[at] != '}') return std::nullopt;
        } else {
            return std::nullopt;
        }
        at_ = at + 1;
        return std::pair{min, max};
    }

    void quantify(Node& item) {
        if (at_end()) return;
        int min = 1;
        int max = 1;
        const char c = peek();
        if (c == '?' || c == '*' || c == '+') {
            ++at_;
            min = c == '+' ? 1 : 0;
            max = c == '?' ? 1 : kUnbounded;
        } else if (c == '{') {
            const std::size_t start = at_;
            const auto counts = braces();
            if (!counts) return;  // a literal '{', read as the next atom
            std::tie(min, max) = *counts;
            if (max != kUnbounded && min > max) fail(fmt::format("{{{},{}}} at offset {} counts backwards", min, max, start));
            if (min > kMaxRepeat || max > kMaxRepeat)
                fail(fmt::format("a repetition count above {} at offset {}", kMaxRepeat, start));
        } else {
            return;
        }
        if (!at_end() && peek() == '?') ++at_;  // lazy: matches the same strings
        if (!at_end() && (peek() == '?' || peek() == '*' || peek() == '+'))
            fail(fmt::format("nothing to repeat at offset {}", at_));
        Node repeat;
        repeat.kind = Node::Kind::repeat;
        repeat.min = min;
        repeat.max = max;
        repeat.children.push_back(std::move(item));
        item = std::move(repeat);
    }

    // One code point of the pattern (its UTF-8 bytes as they are). A byte
    // that does not start a well-formed sequence is one character by itself,
    // so the length bound counts what code_points() counts.
    std::string raw_character() {
        std::size_t length = 1;
        const auto lead = static_cast<unsigned char>(peek());
        if (lead >= 0xC2 && lead <= 0xF4) length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
        if (at_ + length > pattern_.size()) length = 1;
        for (std::size_t i = 1; i < length; ++i)
            if ((static_cast<unsigned char>(pattern_[at_ + i]) & 0xC0) != 0x80) length = 1;
        std::string text(pattern_.substr(at_, length));
        at_ += length;
        return text;
    }

    static char32_t decode(const std::string& text) {
        const auto b = [&text](std::size_t i) { return static_cast<char32_t>(static_cast<unsigned char>(text[i])); };
        switch (text.size()) {
            case 2: return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
            case 3: return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
            case 4: return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
            default: return b(0);
        }
    }

    Node atom(int depth) {
        const char c = peek();
        switch (c) {
            case '(': return group(depth);
            case '[': return character_class();
            case '.':
                ++at_;
                return chars({{'0', '9'}, {'A', 'Z'}, {'a', 'z'}}, false);
            case '\\': return escape();
            case '*':
            case '+':
            case '?': fail(fmt::format("nothing to repeat at offset {}", at_));
            case '{':
                if (braces()) fail(fmt::format("nothing to repeat before offset {}", at_));
                ++at_;
                return literal("{");
            default: return literal(raw_character());
        }
    }

    Node group(int depth) {
        const std::size_t start = at_;
        if (depth + 1 > kMaxPatternNesting) fail(fmt::format("groups nest deeper than {}", kMaxPatternNesting));
        ++at_;
        if (!at_end() && peek() == '?') {
            const std::string_view rest = pattern_.substr(at_);
            if (rest.substr(0, 2) == "?:") {
                at_ += 2;
            } else if (rest.substr(0, 2) == "?<" && rest.substr(0, 3) != "?<=" && rest.substr(0, 3) != "?<!") {
                const std::size_t close = pattern_.find('>', at_);
                if (close == std::string_view::npos) fail(fmt::format("unclosed group name at offset {}", at_));
                at_ = close + 1;
            } else {
                fail(fmt::format("the group at offset {}: only (...), (?:...) and (?<name>...) are supported (no lookaround)",
                                 start));
            }
        }
        Node inner = alternation(depth + 1);
        if (at_end() || peek() != ')') fail(fmt::format("the group at offset {} is not closed", start));
        ++at_;
        return inner;
    }

    int hex_digits(std::size_t count) {
        int value = 0;
        for (std::size_t i = 0; i < count; ++i) {
            if (at_end()) fail("an escape ends before its hex digits");
            const char h = peek();
            int digit = 0;
            if (h >= '0' && h <= '9') digit = h - '0';
            else if (h >= 'a' && h <= 'f') digit = h - 'a' + 10;
            else if (h >= 'A' && h <= 'F') digit = h - 'A' + 10;
            else fail(fmt::format("'{}' at offset {} is not a hex digit", h, at_));
            value = value * 16 + digit;
            ++at_;
        }
        return value;
    }

    // After "\u": HHHH (a surrogate pair as two escapes) or {H...}.
    char32_t unicode_escape() {
        if (!at_end() && peek() == '{') {
            ++at_;
            char32_t value = 0;
            std::size_t digits = 0;
            while (!at_end() && peek() != '}') {
                value = value * 16 + static_cast<char32_t>(hex_digits(1));
                if (++digits > 6) fail("a \\u{...} escape with more than 6 digits");
            }
            if (at_end() || digits == 0) fail("an unclosed or empty \\u{...} escape");
            ++at_;
            if (value > kMaxCodePoint || is_surrogate(value)) fail("a \\u{...} escape that is no character");
            return value;
        }
        auto value = static_cast<char32_t>(hex_digits(4));
        if (value >= 0xD800 && value <= 0xDBFF && pattern_.substr(at_, 2) == "\\u") {
            at_ += 2;
            const auto low = static_cast<char32_t>(hex_digits(4));
            if (low < 0xDC00 || low > 0xDFFF) fail("a high surrogate escape not followed by a low one");
            value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00);
        }
        if (is_surrogate(value)) fail("a lone surrogate escape");
        return value;
    }

    // An escape at the cursor (on the backslash), as the code points or
    // ranges it stands for. `in_class`: \b is a backspace there.
    std::vector<Range> escape_ranges(bool in_class, bool& is_single) {
        ++at_;
        if (at_end()) fail("the pattern ends with a lone backslash");
        const char c = peek();
        ++at_;
        is_single = false;
        switch (c) {
            case 'd': return digit_ranges();
            case 'w': return word_ranges();
            case 's': return space_ranges();
            case 'D': return printable_complement(digit_ranges());
            case 'W': return printable_complement(word_ranges());
            case 'S': return printable_complement(space_ranges());
            default: break;
        }
        is_single = true;
        char32_t cp = static_cast<unsigned char>(c);
        switch (c) {
            case 't': cp = '\t'; break;
            case 'n': cp = '\n'; break;
            case 'r': cp = '\r'; break;
            case 'f': cp = '\f'; break;
            case 'v': cp = '\v'; break;
            case '0':
                if (!at_end() && peek() >= '0' && peek() <= '9') fail("octal escapes are not supported");
                cp = 0;
                break;
            case 'x': cp = static_cast<char32_t>(hex_digits(2)); break;
            case 'u': cp = unicode_escape(); break;
            case 'b':
                if (!in_class) fail("\\b (a word boundary) is not supported");
                cp = '\b';
                break;
            case 'B': fail("\\B (not a word boundary) is not supported");
            case 'p':
            case 'P': fail("Unicode property escapes (\\p, \\P) are not supported");
            case 'c': fail("control escapes (\\c) are not supported");
            case 'k': fail("backreferences (\\k) are not supported");
            default:
                if (c >= '1' && c <= '9') fail("backreferences are not supported");
                if (static_cast<unsigned char>(c) >= 0x80) {
                    at_ -= 1;
                    cp = decode(raw_character());
                }
                break;
        }
        return {{cp, cp}};
    }

    Node escape() {
        bool single = false;
        std::vector<Range> ranges = escape_ranges(false, single);
        if (!single) return chars(std::move(ranges), false);
        std::string text;
        append_utf8(text, ranges.front().lo);
        return literal(std::move(text));
    }

    // One member of a class at the cursor: its ranges, and its one code point if it is a single one.
    std::vector<Range> class_member(std::optional<char32_t>& single) {
        if (peek() == '\\') {
            bool is_single = false;
            std::vector<Range> ranges = escape_ranges(true, is_single);
            single = is_single ? std::optional<char32_t>(ranges.front().lo) : std::nullopt;
            return ranges;
        }
        const char32_t cp = decode(raw_character());
        single = cp;
        return {{cp, cp}};
    }

    Node character_class() {
        const std::size_t start = at_;
        ++at_;
        bool negated = false;
        if (!at_end() && peek() == '^') {
            negated = true;
            ++at_;
        }
        std::vector<Range> ranges;
        while (true) {
            if (at_end()) fail(fmt::format("the class at offset {} is not closed", start));
            if (peek() == ']') break;
            std::optional<char32_t> low;
            std::vector<Range> member = class_member(low);
            // "a-z": a range, unless the '-' ends the class.
            if (low && at_ + 1 < pattern_.size() && peek() == '-' && pattern_[at_ + 1] != ']') {
                ++at_;
                std::optional<char32_t> high;
                const std::vector<Range> upper = class_member(high);
                if (!high) fail(fmt::format("a range in the class at offset {} ends in a class escape", start));
                if (*high < *low) fail(fmt::format("a range in the class at offset {} runs backwards", start));
                ranges.push_back({*low, *high});
                continue;
            }
            ranges.insert(ranges.end(), member.begin(), member.end());
        }
        ++at_;
        return chars(std::move(ranges), negated);
    }

    std::string_view pattern_;
    std::size_t at_ = 0;
};

class Sampler {
public:
    Sampler(Rng& rng, std::string_view pattern) : rng_(rng), pattern_(pattern) {}

    void emit(const Node& node) {
        switch (node.kind) {
            case Node::Kind::literal:
                out_ += node.text;
                count(1);
                break;
            case Node::Kind::chars:
                append_utf8(out_, pick(node));
                count(1);
                break;
            case Node::Kind::sequence:
                for (const Node& child : node.children) emit(child);
                break;
            case Node::Kind::alternation:
                emit(node.children[static_cast<std::size_t>(rng_.next() % node.children.size())]);
                break;
            case Node::Kind::repeat: {
                int times = node.min;
                const int room = node.max == kUnbounded ? 2 : std::min(node.max - node.min, 2);
                if (room > 0) times += static_cast<int>(rng_.between(0, room));
                for (int i = 0; i < times; ++i) emit(node.children.front());
                break;
            }
        }
    }

    std::string take() { return std::move(out_); }

private:
    [[noreturn]] void fail(const std::string& problem) const {
        constexpr std::size_t kShown = 80;
        const std::string shown = pattern_.size() > kShown ? std::string(pattern_.substr(0, kShown)) + "..." : std::string(pattern_);
        throw SchemaError(fmt::format("pattern \"{}\": {}", shown, problem));
    }

    void count(std::size_t points) {
        points_ += points;
        if (points_ > kMaxSampleLength) fail(fmt::format("its matches are longer than {} characters", kMaxSampleLength));
    }

    // A character of the class: a printable ASCII one when it has any (the
    // common case, and one that reads well), else any it holds.
    char32_t pick(const Node& node) {
        std::vector<char32_t> printable;
        for (char32_t c = 0x20; c <= 0x7E; ++c)
            if (contains(node.ranges, c) != node.negated) printable.push_back(c);
        if (!printable.empty()) return printable[static_cast<std::size_t>(rng_.next() % printable.size())];
        if (node.negated) fail("a negated class leaves no printable character");
        std::vector<Range> usable;
        for (Range r : node.ranges) {
            r.hi = std::min(r.hi, kMaxCodePoint);
            if (r.lo <= r.hi && !(is_surrogate(r.lo) && is_surrogate(r.hi))) usable.push_back(r);
        }
        if (usable.empty()) fail("a class that matches no character");
        const Range r = usable[static_cast<std::size_t>(rng_.next() % usable.size())];
        char32_t cp = r.lo + static_cast<char32_t>(rng_.next() % (static_cast<std::uint64_t>(r.hi - r.lo) + 1));
        if (is_surrogate(cp)) cp = is_surrogate(r.lo) ? 0xE000 : r.lo;  // the range reaches past the surrogates on that side
        return cp;
    }

    Rng& rng_;
    std::string_view pattern_;
    std::string out_;
    std::size_t points_ = 0;
};

}  // namespace

std::string pattern_sample(std::string_view pattern, Rng& rng) {
    const Node root = Parser(pattern).parse();
    Sampler sampler(rng, pattern);
    sampler.emit(root);
    return sampler.take();
}

std::size_t code_points(std::string_view text) noexcept {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace agentio::sim::detail
