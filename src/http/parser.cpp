// parser.cpp: HTTP/1.1 heads, the chunked decoder and the writers. (The body
// framing that header fields declare is in headers.cpp.)
//
// Heads are parsed in two passes over a buffer the caller keeps: a memchr scan
// for the empty line that ends the head, which records where each line ends
// (so an incomplete head costs one scan and leaves `out` untouched), then a
// pass over the complete lines that validates them and copies the fields out.
// Bytes are classified by a 256-entry table built at compile time, looked up
// eight at a time, and field values are checked a 64-bit word at a time, so no
// per-byte function call or locale lookup happens on the hot path.
//
// The chunked decoder is a byte-at-a-time state machine for the few framing
// bytes and hands out body data as views of its input, so a split anywhere
// (even inside "\r\n") gives the same result as one contiguous feed.
#include "agentio/http/parser.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <utility>

namespace agentio::http {

namespace {

// Byte classes, RFC 9110 5.6.2 (tchar) and 5.5 (field-vchar, obs-text).
enum : std::uint8_t {
    kTchar = 1,       // token character
    kFieldChar = 2,   // allowed in a field value or reason phrase: HTAB, SP, VCHAR, obs-text
    kTargetChar = 4,  // allowed in a request target: VCHAR (visible ASCII)
    kSchemeChar = 8,  // ALPHA / DIGIT / "+" / "-" / "."
};

constexpr std::array<std::uint8_t, 256> make_classes() {
    std::array<std::uint8_t, 256> table{};
    for (int c = 0; c < 256; ++c) {
        const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        const bool digit = c >= '0' && c <= '9';
        std::uint8_t bits = 0;
        if (alpha || digit || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos)
            bits |= kTchar;
        if (c == '\t' || (c >= 0x20 && c != 0x7f)) bits |= kFieldChar;
        if (c > 0x20 && c < 0x7f) bits |= kTargetChar;
        if (alpha || digit || c == '+' || c == '-' || c == '.') bits |= kSchemeChar;
        table[static_cast<std::size_t>(c)] = bits;
    }
    return table;
}
constexpr auto kClasses = make_classes();

constexpr std::array<std::int8_t, 256> make_hex() {
    std::array<std::int8_t, 256> table{};
    for (int c = 0; c < 256; ++c)
        table[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(
            c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1);
    return table;
}
constexpr auto kHex = make_hex();

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
    return std::string_view::npos;
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
        if (i == size || (i + 8 > size && !word_has_control(data + size - 8))) return std::string_view::npos;
    }
    for (; i < size; ++i)
        if (!has_class(data[i], kFieldChar)) return i;
    return std::string_view::npos;
}

constexpr char kHexDigits[] = "0123456789abcdef";

std::string byte_name(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return std::string("0x") + kHexDigits[byte >> 4] + kHexDigits[byte & 15];
}

[[noreturn]] void fail(int status, const std::string& what) { throw ParseError(status, what); }

std::string quoted(std::string_view text) { return detail::quote_bytes(text); }

inline std::string_view trim_ows(std::string_view text) noexcept {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

// "HTTP/1.1" -> 1. Malformed: 400; well-formed but not 1.0/1.1: 505.
int parse_version(std::string_view version, std::string_view line) {
    const bool well_formed = version.size() == 8 && version.substr(0, 5) == "HTTP/" && version[5] >= '0' &&
                             version[5] <= '9' && version[6] == '.' && version[7] >= '0' && version[7] <= '9';
    if (!well_formed) fail(400, "malformed HTTP version " + quoted(version) + " in " + quoted(line));
    if (version[5] != '1' || version[7] > '1') fail(505, "unsupported HTTP version " + quoted(version));
    return version[7] - '0';
}

// Why `target` cannot be the target of a `method` request (RFC 9112 3.2), or nullptr.
const char* target_form_error(std::string_view method, std::string_view target) noexcept {
    if (target.empty()) return "empty request target";
    if (find_invalid(target, kTargetChar) != std::string_view::npos) return "invalid character in request target";
    if (method == "CONNECT") {
        const std::size_t colon = target.rfind(':');
        const bool authority = colon != std::string_view::npos && colon > 0 && colon + 1 < target.size() &&
                               target.find_first_of("/?#@") == std::string_view::npos &&
                               target.find_first_not_of("0123456789", colon + 1) == std::string_view::npos;
        return authority ? nullptr : "a CONNECT target must be host:port";
    }
    if (target.front() == '/') return nullptr;
    if (target == "*") return method == "OPTIONS" ? nullptr : "the target \"*\" is only for OPTIONS";
    const bool starts_alpha = (target[0] >= 'a' && target[0] <= 'z') || (target[0] >= 'A' && target[0] <= 'Z');
    std::size_t scheme = 0;
    while (scheme < target.size() && has_class(target[scheme], kSchemeChar)) ++scheme;
    const bool absolute = starts_alpha && target.substr(scheme, 3) == "://";
    return absolute ? nullptr : "the request target must be /path, scheme://authority/path, * or host:port";
}

struct RequestLine {
    std::string_view method, target;
    int version_minor = 1;
};

RequestLine parse_request_line(std::string_view line) {
    RequestLine parts;
    const std::size_t first_space = line.find(' ');
    if (first_space == std::string_view::npos) fail(400, "request line without spaces: " + quoted(line));
    parts.method = line.substr(0, first_space);
    if (parts.method.empty()) fail(400, "request line starts with a space: " + quoted(line));
    if (const std::size_t bad = find_invalid(parts.method, kTchar); bad != std::string_view::npos)
        fail(400, "invalid character " + byte_name(parts.method[bad]) + " in method " + quoted(parts.method));
    const std::string_view rest = line.substr(first_space + 1);
    const std::size_t second_space = rest.find(' ');
    if (second_space == std::string_view::npos)
        fail(400, "request line without an HTTP version (HTTP/0.9 is not supported): " + quoted(line));
    parts.target = rest.substr(0, second_space);
    if (parts.target.empty()) fail(400, "empty request target (two spaces in a row?) in " + quoted(line));
    if (const std::size_t bad = find_invalid(parts.target, kTargetChar); bad != std::string_view::npos)
        fail(400, "invalid character " + byte_name(parts.target[bad]) + " in request target " + quoted(parts.target));
    parts.version_minor = parse_version(rest.substr(second_space + 1), line);
    if (const char* error = target_form_error(parts.method, parts.target))
        fail(400, std::string(error) + ": " + quoted(parts.target));
    return parts;
}

struct StatusLine {
    int status = 0;
    std::string_view reason;
    int version_minor = 1;
};

StatusLine parse_status_line(std::string_view line) {
    StatusLine parts;
    parts.version_minor = parse_version(line.substr(0, std::min(line.find(' '), line.size())), line);
    const bool three_digits = line.size() >= 12 && line[8] == ' ' && line[9] >= '1' && line[9] <= '9' &&
                              line[10] >= '0' && line[10] <= '9' && line[11] >= '0' && line[11] <= '9' &&
                              (line.size() == 12 || line[12] == ' ');
    if (!three_digits) fail(400, "the status code must be 3 digits from 100 to 999 in " + quoted(line));
    parts.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    parts.reason = line.size() > 12 ? line.substr(13) : std::string_view{};
    if (const std::size_t bad = find_invalid(parts.reason, kFieldChar); bad != std::string_view::npos)
        fail(400, "invalid character " + byte_name(parts.reason[bad]) + " in reason phrase " + quoted(parts.reason));
    return parts;
}

// Why a field line is malformed.
[[noreturn]] void fail_field_line(std::string_view line) {
    if (line.front() == ' ' || line.front() == '\t')
        fail(400, "header line starts with whitespace (obs-fold line folding is not allowed): " + quoted(line));
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) fail(400, "header line without a colon: " + quoted(line));
    if (colon == 0) fail(400, "empty header name in " + quoted(line));
    const std::string_view name = line.substr(0, colon);
    const std::size_t bad = find_invalid(name, kTchar);
    if (trim_ows(name.substr(bad)).empty())
        fail(400, "whitespace between header name and colon in " + quoted(line) + " (request smuggling)");
    fail(400, "invalid character " + byte_name(name[bad]) + " in header name " + quoted(name));
}

// One "name: value" line (line ending removed, not empty) into `headers`.
void parse_field_line(std::string_view line, Headers& headers) {
    // One pass finds and checks the name: it ends at the first non-tchar,
    // which must be the colon. Anything else is diagnosed off the hot path.
    const std::size_t colon = find_invalid(line, kTchar);
    if (colon == 0 || colon == std::string_view::npos || line[colon] != ':') fail_field_line(line);
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = trim_ows(line.substr(colon + 1));
    if (const std::size_t bad = find_invalid_field_char(value); bad != std::string_view::npos)
        fail(400, "invalid character " + byte_name(value[bad]) + " in the value of header " + quoted(name) + ": " +
                      quoted(value));
    headers.add(std::string(name), std::string(value));
}

constexpr std::size_t npos = std::string_view::npos;

// The LFs that end the lines of a head, found by the scan for its end and
// reused by the parse, so a typical head is searched once. Heads with more
// lines than fit here have the rest found again by memchr.
struct LineEnds {
    static constexpr std::size_t kRecorded = 48;
    std::size_t at[kRecorded];
    std::size_t count = 0;  // lines seen, recorded or not (start line and fields)

    std::size_t lf_after(std::string_view buffer, std::size_t index, std::size_t from) const noexcept {
        if (index < kRecorded) return at[index];
        return static_cast<std::size_t>(static_cast<const char*>(std::memchr(buffer.data() + from, '\n', buffer.size() - from)) -
                                        buffer.data());
    }
};

// Where the head that starts at `from` ends: just past its empty line ("\n\n"
// or "\n\r\n"), or npos when `buffer` does not hold it yet.
std::size_t find_head_end(std::string_view buffer, std::size_t from, LineEnds& lines) noexcept {
    const char* const data = buffer.data();
    const std::size_t size = buffer.size();
    lines.count = 0;
    while (from < size) {
        const void* hit = std::memchr(data + from, '\n', size - from);
        if (hit == nullptr) return npos;
        const auto lf = static_cast<std::size_t>(static_cast<const char*>(hit) - data);
        if (lines.count < LineEnds::kRecorded) lines.at[lines.count] = lf;
        ++lines.count;
        const std::size_t next = lf + 1;
        if (next < size && data[next] == '\n') return next + 1;
        if (next + 1 < size && data[next] == '\r' && data[next + 1] == '\n') return next + 2;
        from = next;
    }
    return npos;
}

// The line that starts at `from` and ends at the LF at `lf`, without CR/LF.
inline std::string_view line_at(std::string_view buffer, std::size_t from, std::size_t lf) noexcept {
    std::size_t end = lf;
    if (end > from && buffer[end - 1] == '\r') --end;
    return buffer.substr(from, end - from);
}

// The start line from `start` to the LF at `lf`, if it is within the limit
// (npos: no LF yet, and already too long).
std::string_view start_line(std::string_view buffer, std::size_t start, std::size_t lf, const Limits& limits, bool request) {
    const std::string_view line = lf == npos ? std::string_view{} : line_at(buffer, start, lf);
    if (lf == npos || line.size() > limits.max_start_line)
        fail(request ? 414 : 431, (request ? "request line longer than " : "status line longer than ") +
                                      std::to_string(limits.max_start_line) + " bytes");
    return line;
}

// A start line runs from `start` of an incomplete head; throws if it is
// already too long or, complete or cut short, already invalid.
void check_start_line(std::string_view buffer, std::size_t start, const Limits& limits, bool request) {
    const std::size_t available = buffer.size() - start;
    const void* hit = std::memchr(buffer.data() + start, '\n', std::min(available, limits.max_start_line + 2));
    if (hit != nullptr) {
        const auto lf = static_cast<std::size_t>(static_cast<const char*>(hit) - buffer.data());
        const std::string_view line = start_line(buffer, start, lf, limits, request);
        request ? (void)parse_request_line(line) : (void)parse_status_line(line);
        return;
    }
    if (available > limits.max_start_line + 1) start_line(buffer, start, npos, limits, request);
    // Cut short: what is there must still be able to become a valid line.
    const std::string_view partial = buffer.substr(start);
    if (request) {
        const std::string_view method = partial.substr(0, partial.find(' '));
        if (const std::size_t bad = find_invalid(method, kTchar); bad != npos)
            fail(400, "invalid character " + byte_name(method[bad]) + " in method " + quoted(method));
    } else if (std::string_view("HTTP/").substr(0, partial.size()) != partial.substr(0, 5)) {
        fail(400, "a status line must start with \"HTTP/\": " + quoted(partial));
    }
}

// Shared by both heads: skips leading empty lines, finds the head, checks
// limits. Returns {start of the start line, end of the head} or nullopt.
struct HeadSpan {
    std::size_t start = 0, end = 0;
    LineEnds lines;
};

bool locate_head(std::string_view buffer, const Limits& limits, bool request, HeadSpan& span) {
    std::size_t start = 0;
    while (start < buffer.size()) {
        if (buffer[start] == '\n') {
            ++start;
        } else if (buffer[start] == '\r' && start + 1 < buffer.size() && buffer[start + 1] == '\n') {
            start += 2;
        } else if (buffer[start] == '\r' && start + 1 < buffer.size()) {
            fail(400, "CR not followed by LF before the start line");
        } else {
            break;
        }
    }
    const std::size_t window = std::min(buffer.size(), limits.max_head_bytes);
    const std::size_t end = start < window ? find_head_end(buffer.substr(0, window), start, span.lines) : npos;
    if (end == npos) {
        if (buffer.size() > limits.max_head_bytes)
            fail(431, "head larger than " + std::to_string(limits.max_head_bytes) + " bytes");
        if (start < buffer.size() && buffer[start] != '\r') check_start_line(buffer, start, limits, request);
        return false;
    }
    span.start = start;
    span.end = end;
    return true;
}

// Parses the field lines: every line of the span after the start line.
void parse_fields(std::string_view buffer, const HeadSpan& span, const Limits& limits, Headers& headers) {
    const std::string_view head = buffer.substr(0, span.end);
    const std::size_t fields = span.lines.count - 1;
    if (fields > limits.max_headers) fail(431, "more than " + std::to_string(limits.max_headers) + " header fields");
    headers.clear();
    headers.reserve(fields);
    std::size_t from = span.lines.at[0] + 1;
    for (std::size_t index = 1; index <= fields; ++index) {
        const std::size_t lf = span.lines.lf_after(head, index, from);
        parse_field_line(line_at(head, from, lf), headers);
        from = lf + 1;
    }
}

template <class Head, class ParseLine, class Assign>
std::optional<std::size_t> parse_head(std::string_view buffer, Head& out, const Limits& limits, bool request,
                                      ParseLine parse_line, Assign assign) {
    HeadSpan span;
    if (!locate_head(buffer, limits, request, span)) return std::nullopt;
    assign(parse_line(start_line(buffer, span.start, span.lines.at[0], limits, request)), out);
    parse_fields(buffer, span, limits, out.headers);
    return span.end;
}

}  // namespace

std::optional<std::size_t> parse_request_head(std::string_view buffer, RequestHead& out, const Limits& limits) {
    return parse_head(buffer, out, limits, true, parse_request_line, [](const RequestLine& line, RequestHead& head) {
        head.method.assign(line.method);
        head.target.assign(line.target);
        head.version_minor = line.version_minor;
    });
}

std::optional<std::size_t> parse_response_head(std::string_view buffer, ResponseHead& out, const Limits& limits) {
    return parse_head(buffer, out, limits, false, parse_status_line, [](const StatusLine& line, ResponseHead& head) {
        head.status = line.status;
        head.reason.assign(line.reason);
        head.version_minor = line.version_minor;
    });
}

std::string detail::quote_bytes(std::string_view text) {
    constexpr std::size_t kMax = 80;
    std::string out = "\"";
    for (std::size_t i = 0; i < std::min(text.size(), kMax); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            out += static_cast<char>(c);
        } else {
            out += "\\x";
            out += kHexDigits[c >> 4];
            out += kHexDigits[c & 15];
        }
    }
    out += text.size() > kMax ? "\"..." : "\"";
    return out;
}

// ---------------------------------------------------------------- chunked

void ChunkedDecoder::fail(int status, const std::string& what) {
    state_ = State::Failed;
    throw ParseError(status, "chunked body: " + what);
}

ChunkedDecoder::Result ChunkedDecoder::feed(std::string_view input) {
    if (state_ == State::Done) return {0, {}, true};
    if (state_ == State::Failed) throw ParseError(400, "chunked body: the decoder already failed");
    const char* const begin = input.data();
    const char* const end = begin + input.size();
    for (const char* p = begin; p != end; ++p) {
        const char c = *p;
        if (state_ <= State::SizeLf && ++line_bytes_ > limits_.max_chunk_line)
            fail(400, "chunk-size line longer than " + std::to_string(limits_.max_chunk_line) + " bytes");
        if (state_ >= State::TrailerStart && state_ <= State::FinalLf && ++trailer_bytes_ > limits_.max_head_bytes)
            fail(431, "trailer section larger than " + std::to_string(limits_.max_head_bytes) + " bytes");
        switch (state_) {
            case State::Size:
                if (const int digit = kHex[static_cast<unsigned char>(c)]; digit >= 0) {
                    if (size_ > (std::numeric_limits<std::uint64_t>::max() >> 4))
                        fail(400, "chunk size overflows 64 bits");
                    size_ = (size_ << 4) | static_cast<std::uint64_t>(digit);
                    ++digits_;
                } else if (digits_ == 0) {
                    fail(400, "invalid character " + byte_name(c) + " where a hex chunk size was expected");
                } else if (c == ';') {
                    state_ = State::Extension;
                } else if (c == ' ' || c == '\t') {
                    state_ = State::SizeSpace;
                } else if (c == '\r') {
                    state_ = State::SizeLf;
                } else {
                    fail(400, "invalid character " + byte_name(c) + " in chunk size");
                }
                break;
            case State::SizeSpace:
                if (c == ';') {
                    state_ = State::Extension;
                } else if (c == '\r') {
                    state_ = State::SizeLf;
                } else if (c != ' ' && c != '\t') {
                    fail(400, "invalid character " + byte_name(c) + " after chunk size");
                }
                break;
            case State::Extension:
                if (c == '\r') {
                    state_ = State::SizeLf;
                } else if (!has_class(c, kFieldChar)) {
                    fail(400, "invalid character " + byte_name(c) + " in chunk extension");
                }
                break;
            case State::SizeLf:
                if (c != '\n') fail(400, "CR not followed by LF after chunk size");
                line_bytes_ = 0;
                digits_ = 0;
                if (size_ == 0) {
                    state_ = State::TrailerStart;
                    break;
                }
                if (size_ > limits_.max_body - body_bytes_)
                    fail(413, "chunks add up to more than the body limit of " + std::to_string(limits_.max_body) +
                                  " bytes");
                remaining_ = std::exchange(size_, 0);
                state_ = State::Data;
                break;
            case State::Data: {
                const auto piece = static_cast<std::size_t>(
                    std::min<std::uint64_t>(remaining_, static_cast<std::uint64_t>(end - p)));
                remaining_ -= piece;
                body_bytes_ += piece;
                if (remaining_ == 0) state_ = State::DataCr;
                return {static_cast<std::size_t>(p - begin) + piece, std::string_view(p, piece), false};
            }
            case State::DataCr:
                if (c != '\r') fail(400, "missing CRLF after chunk data (found " + byte_name(c) + ")");
                state_ = State::DataLf;
                break;
            case State::DataLf:
                if (c != '\n') fail(400, "missing CRLF after chunk data (CR followed by " + byte_name(c) + ")");
                state_ = State::Size;
                break;
            case State::TrailerStart:
                if (c == '\r') {
                    state_ = State::FinalLf;
                } else if (c == '\n') {
                    state_ = State::Done;
                    return {static_cast<std::size_t>(p - begin) + 1, {}, true};
                } else if (!has_class(c, kTchar)) {
                    fail(400, "invalid character " + byte_name(c) + " at the start of a trailer field");
                } else if (++trailer_fields_ > limits_.max_headers) {
                    fail(431, "more than " + std::to_string(limits_.max_headers) + " trailer fields");
                } else {
                    state_ = State::TrailerName;
                }
                break;
            case State::TrailerName:
                if (c == ':') {
                    state_ = State::TrailerValue;
                } else if (!has_class(c, kTchar)) {
                    fail(400, "invalid character " + byte_name(c) + " in a trailer field name");
                }
                break;
            case State::TrailerValue:
                if (c == '\r') {
                    state_ = State::TrailerLf;
                } else if (c == '\n') {
                    state_ = State::TrailerStart;
                } else if (!has_class(c, kFieldChar)) {
                    fail(400, "invalid character " + byte_name(c) + " in a trailer field value");
                }
                break;
            case State::TrailerLf:
                if (c != '\n') fail(400, "CR not followed by LF in the trailer section");
                state_ = State::TrailerStart;
                break;
            case State::FinalLf:
                if (c != '\n') fail(400, "CR not followed by LF at the end of the trailer section");
                state_ = State::Done;
                return {static_cast<std::size_t>(p - begin) + 1, {}, true};
            case State::Done:
            case State::Failed:
                break;  // handled before the loop
        }
    }
    return {input.size(), {}, false};
}

// ---------------------------------------------------------------- writers

namespace {

[[noreturn]] void refuse(const std::string& what) { throw Error("HTTP write error: " + what); }

void check_token(std::string_view what, std::string_view text) {
    if (text.empty() || find_invalid(text, kTchar) != npos) refuse(std::string(what) + " " + quoted(text) + " is not a token");
}

void check_text(std::string_view what, std::string_view text) {
    const std::size_t bad = find_invalid(text, kFieldChar);
    if (bad == npos) return;
    if (text[bad] == '\r' || text[bad] == '\n')
        refuse(std::string(what) + " " + quoted(text) + " contains a line break (header injection)");
    refuse(std::string(what) + " " + quoted(text) + " contains the control character " + byte_name(text[bad]));
}

void check_version(int version_minor) {
    if (version_minor != 0 && version_minor != 1)
        refuse("HTTP/1." + std::to_string(version_minor) + " is not a version this codec writes");
}

// Checks every field before anything is written, so a refused head leaves
// `out` as it was. Returns the bytes the fields will take.
std::size_t check_fields(const Headers& headers) {
    std::size_t size = 2;
    for (const auto& [name, value] : headers) {
        check_token("header name", name);
        // The message is built only on failure: this runs for every field written.
        if (find_invalid(value, kFieldChar) != npos) check_text("value of header " + quoted(name), value);
        size += name.size() + value.size() + 4;
    }
    return size;
}

void write_fields(const Headers& headers, std::string& out) {
    for (const auto& [name, value] : headers) out.append(name).append(": ").append(value).append("\r\n");
    out.append("\r\n");
}

}  // namespace

void write_request_head(const RequestHead& head, std::string& out) {
    check_token("method", head.method);
    if (const char* error = target_form_error(head.method, head.target)) refuse(std::string(error) + ": " + quoted(head.target));
    check_version(head.version_minor);
    const std::size_t fields = check_fields(head.headers);
    out.reserve(out.size() + head.method.size() + head.target.size() + 12 + fields);
    out.append(head.method).append(" ").append(head.target).append(" HTTP/1.");
    out += static_cast<char>('0' + head.version_minor);
    out.append("\r\n");
    write_fields(head.headers, out);
}

void write_response_head(const ResponseHead& head, std::string& out) {
    if (head.status < 100 || head.status > 999) refuse("status " + std::to_string(head.status) + " is not 3 digits");
    check_version(head.version_minor);
    const std::string_view reason = head.reason.empty() ? reason_phrase(head.status) : std::string_view(head.reason);
    check_text("reason phrase", reason);
    const std::size_t fields = check_fields(head.headers);
    out.reserve(out.size() + reason.size() + 15 + fields);
    out.append("HTTP/1.");
    out += static_cast<char>('0' + head.version_minor);
    out += ' ';
    out.append(std::to_string(head.status)).append(" ").append(reason).append("\r\n");
    write_fields(head.headers, out);
}

void write_chunk(std::string_view data, std::string& out) {
    if (data.empty()) return;
    char digits[16];
    std::size_t count = 0;
    for (std::size_t size = data.size(); size != 0; size >>= 4) digits[count++] = kHexDigits[size & 15];
    out.reserve(out.size() + count + data.size() + 4);
    while (count != 0) out += digits[--count];
    out.append("\r\n").append(data).append("\r\n");
}

void write_last_chunk(std::string& out) { out.append("0\r\n\r\n"); }

}  // namespace agentio::http
