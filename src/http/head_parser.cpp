// head_parser.cpp: request and response heads (head_parser.hpp).
//
// Heads are parsed in two passes over a buffer the caller keeps: a memchr scan
// for the empty line that ends the head, which records where each line ends
// and checks every line boundary it passes (CR before each LF, no bare CR or
// whitespace at a line start), so an incomplete head costs one scan, leaves
// `out` untouched, and still fails as soon as a broken line ending is in;
// then a pass over the complete lines that validates them and copies the
// fields out. The checks of a line's inside (names, values) wait for the
// whole head: doing them at every call while the head trickles in would make
// a slow client cost quadratic work.
#include "agentio/http/head_parser.hpp"

#include <algorithm>
#include <cstring>

#include "syntax.hpp"

namespace agentio::http {

namespace {

using namespace detail;

std::string at_byte(std::size_t offset) { return " at byte " + std::to_string(offset); }

// "HTTP/1.1" -> 1. Malformed: 400; well-formed but not 1.0/1.1: 505.
int parse_version(std::string_view version, std::string_view line) {
    const bool well_formed = version.size() == 8 && version.substr(0, 5) == "HTTP/" && version[5] >= '0' &&
                             version[5] <= '9' && version[6] == '.' && version[7] >= '0' && version[7] <= '9';
    if (!well_formed) fail(400, "malformed HTTP version " + quoted(version) + " in " + quoted(line));
    if (version[5] != '1' || version[7] > '1') fail(505, "unsupported HTTP version " + quoted(version));
    return version[7] - '0';
}

// A version cut short must still be able to become `HTTP/<digit>.<digit>`;
// once it has all 8 bytes, parse_version() judges it.
void check_partial_version(std::string_view version, std::string_view line) {
    constexpr std::string_view kShape = "HTTP/9.9";  // '9': any digit
    bool fits = version.size() <= kShape.size();
    for (std::size_t i = 0; fits && i < version.size(); ++i)
        fits = kShape[i] == '9' ? version[i] >= '0' && version[i] <= '9' : version[i] == kShape[i];
    if (!fits) fail(400, "malformed HTTP version " + quoted(version) + " in " + quoted(line));
    if (version.size() == kShape.size()) parse_version(version, line);
}

struct RequestLine {
    std::string_view method, target;
    int version_minor = 1;
};

RequestLine parse_request_line(std::string_view line) {
    RequestLine parts;
    const std::size_t first_space = line.find(' ');
    if (first_space == npos) fail(400, "request line without spaces: " + quoted(line));
    parts.method = line.substr(0, first_space);
    if (parts.method.empty()) fail(400, "request line starts with a space: " + quoted(line));
    if (const std::size_t bad = find_invalid(parts.method, kTchar); bad != npos)
        fail(400, "invalid character " + byte_name(parts.method[bad]) + " in method " + quoted(parts.method));
    const std::string_view rest = line.substr(first_space + 1);
    const std::size_t second_space = rest.find(' ');
    if (second_space == npos)
        fail(400, "request line without an HTTP version (HTTP/0.9 is not supported): " + quoted(line));
    parts.target = rest.substr(0, second_space);
    if (parts.target.empty()) fail(400, "empty request target (two spaces in a row?) in " + quoted(line));
    if (const std::size_t bad = find_invalid(parts.target, kTargetChar); bad != npos)
        fail(400, "invalid character " + byte_name(parts.target[bad]) + " in request target " + quoted(parts.target));
    parts.version_minor = parse_version(rest.substr(second_space + 1), line);
    if (const char* error = target_form_error(parts.method, parts.target))
        fail(400, std::string(error) + ": " + quoted(parts.target));
    return parts;
}

// The start of a request line whose end has not arrived: each part so far
// must be able to become a valid one.
void check_partial_request_line(std::string_view partial) {
    const std::size_t first_space = partial.find(' ');
    const std::string_view method = partial.substr(0, first_space);
    if (const std::size_t bad = find_invalid(method, kTchar); bad != npos)
        fail(400, "invalid character " + byte_name(method[bad]) + " in method " + quoted(method));
    if (first_space == npos) return;
    if (first_space == 0) fail(400, "request line starts with a space: " + quoted(partial));
    const std::string_view rest = partial.substr(first_space + 1);
    const std::size_t second_space = rest.find(' ');
    const std::string_view target = rest.substr(0, second_space);
    if (const std::size_t bad = find_invalid(target, kTargetChar); bad != npos)
        fail(400, "invalid character " + byte_name(target[bad]) + " in request target " + quoted(target));
    if (second_space == npos) return;
    if (second_space == 0) fail(400, "empty request target (two spaces in a row?) in " + quoted(partial));
    std::string_view version = rest.substr(second_space + 1);
    if (!version.empty() && version.back() == '\r') version.remove_suffix(1);  // its LF is on the way
    check_partial_version(version, partial);
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
    if (const std::size_t bad = find_invalid(parts.reason, kFieldChar); bad != npos)
        fail(400, "invalid character " + byte_name(parts.reason[bad]) + " in reason phrase " + quoted(parts.reason));
    return parts;
}

void check_partial_status_line(std::string_view partial) {
    std::string_view version = partial.substr(0, std::min(partial.find(' '), partial.size()));
    if (version.size() == partial.size() && !version.empty() && version.back() == '\r') version.remove_suffix(1);
    check_partial_version(version, partial);
}

// Why a field line (not led by whitespace: the scan saw to that), whose
// first byte is at `offset`, is malformed.
[[noreturn]] void fail_field_line(std::string_view line, std::size_t offset) {
    const std::size_t bad = find_invalid(line, kTchar);
    if (bad != npos && line[bad] == '\r')
        fail(400, "bare CR (not followed by LF)" + at_byte(offset + bad) + " in header name " + quoted(line.substr(0, bad)));
    const std::size_t colon = line.find(':');
    if (colon == npos) fail(400, "header line without a colon" + at_byte(offset) + ": " + quoted(line));
    if (colon == 0) fail(400, "empty header name" + at_byte(offset) + " in " + quoted(line));
    const std::string_view name = line.substr(0, colon);
    if (trim_ows(name.substr(bad)).empty())
        fail(400, "whitespace between header name and colon" + at_byte(offset + bad) + " in " + quoted(line) +
                      " (request smuggling)");
    fail(400, "invalid character " + byte_name(name[bad]) + at_byte(offset + bad) + " in header name " + quoted(name));
}

// Why a field value (trimmed; its first byte at `offset`) is refused.
[[noreturn]] void fail_value(std::string_view name, std::string_view value, std::size_t offset) {
    const std::size_t bad = find_invalid_field_char(value);
    const std::string what = value[bad] == '\r' ? "bare CR (not followed by LF)" : "invalid character " + byte_name(value[bad]);
    fail(400, what + at_byte(offset + bad) + " in the value of header " + quoted(name) + ": " + quoted(value));
}

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

// Where the head whose start line begins at `from` ends: just past its empty
// line, or npos when `buffer` does not hold it yet. Checks each line boundary
// as it passes it, complete head or not: strict, every LF follows a CR;
// always, a CR at a line start is followed by LF, and the first field line
// does not start with whitespace (RFC 9112 2.2); strict, no later one either
// (obs-fold, RFC 9112 5.2).
std::size_t find_head_end(std::string_view buffer, std::size_t from, bool lenient, LineEnds& lines) {
    const char* const data = buffer.data();
    const std::size_t size = buffer.size();
    lines.count = 0;
    while (from < size) {
        const void* hit = std::memchr(data + from, '\n', size - from);
        if (hit == nullptr) return npos;
        const auto lf = static_cast<std::size_t>(static_cast<const char*>(hit) - data);
        // A line never starts with CR or LF here, so lf > from and lf - 1 is in the line.
        if (!lenient && data[lf - 1] != '\r')
            fail(400, "bare LF (not preceded by CR)" + at_byte(lf) +
                          (lines.count == 0 ? ", ending the start line" : " in the header section"));
        if (lines.count < LineEnds::kRecorded) lines.at[lines.count] = lf;
        ++lines.count;
        const std::size_t next = lf + 1;
        if (next == size) return npos;
        const char c = data[next];
        if (c == '\r') {
            if (next + 1 == size) return npos;
            if (data[next + 1] == '\n') return next + 2;
            fail(400, "bare CR (not followed by LF)" + at_byte(next) + " in the header section");
        }
        if (c == '\n') {
            if (lenient) return next + 1;
            fail(400, "bare LF (not preceded by CR)" + at_byte(next) + " in the header section");
        }
        if (is_ows(c)) {
            if (lines.count == 1)
                fail(400, "whitespace at the start of the first header line" + at_byte(next) +
                              " (a line that must not follow the start line)");
            if (!lenient) fail(400, "obs-fold line folding (a header line starting with whitespace)" + at_byte(next));
        }
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
    request ? check_partial_request_line(buffer.substr(start)) : check_partial_status_line(buffer.substr(start));
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
        if (buffer[start] == '\r') {
            if (start + 1 == buffer.size()) break;  // its LF may be on the way
            if (buffer[start + 1] != '\n') fail(400, "bare CR (not followed by LF)" + at_byte(start) + " before the start line");
            start += 2;
        } else if (buffer[start] == '\n') {
            if (!limits.lenient) fail(400, "bare LF (not preceded by CR)" + at_byte(start) + " before the start line");
            ++start;
        } else {
            break;
        }
    }
    const std::size_t window = std::min(buffer.size(), limits.max_head_bytes);
    const std::size_t end = start < window ? find_head_end(buffer.substr(0, window), start, limits.lenient, span.lines) : npos;
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

// The value of the field line ending at `lf`, continued by the obs-fold
// lines after it (lenient only: find_head_end refuses them otherwise), each
// joined by one SP (RFC 9112 5.2). Moves `lf` and `index` to the last line
// it took.
std::string folded_value(std::string_view head, const LineEnds& lines, std::size_t last_index, std::string_view name,
                         std::string_view value, std::size_t& index, std::size_t& lf) {
    std::string folded(value);
    while (index < last_index && is_ows(head[lf + 1])) {
        const std::size_t from = lf + 1;
        lf = lines.lf_after(head, ++index, from);
        const std::string_view line = line_at(head, from, lf);
        const std::string_view more = trim_ows(line);
        if (find_invalid_field_char(more) != npos)
            fail_value(name, more, from + static_cast<std::size_t>(more.data() - line.data()));
        if (!more.empty()) folded.append(folded.empty() ? "" : " ").append(more);
    }
    return folded;
}

// Parses the field lines: every line of the span after the start line.
void parse_fields(std::string_view buffer, const HeadSpan& span, const Limits& limits, Headers& headers) {
    const std::string_view head = buffer.substr(0, span.end);
    const std::size_t lines = span.lines.count - 1;
    if (lines > limits.max_headers) fail(431, "more than " + std::to_string(limits.max_headers) + " header fields");
    headers.clear();
    headers.reserve(lines);
    std::size_t from = span.lines.at[0] + 1;
    for (std::size_t index = 1; index <= lines; ++index) {
        std::size_t lf = span.lines.lf_after(head, index, from);
        const std::string_view line = line_at(head, from, lf);
        // One pass finds and checks the name: it ends at the first non-tchar,
        // which must be the colon. Anything else is diagnosed off the hot path.
        const std::size_t colon = find_invalid(line, kTchar);
        if (colon == 0 || colon == npos || line[colon] != ':') fail_field_line(line, from);
        const std::string_view name = line.substr(0, colon);
        const std::string_view value = trim_ows(line.substr(colon + 1));
        if (find_invalid_field_char(value) != npos)
            fail_value(name, value, from + static_cast<std::size_t>(value.data() - line.data()));
        if (limits.lenient && index < lines && is_ows(head[lf + 1]))
            headers.add(std::string(name), folded_value(head, span.lines, lines, name, value, index, lf));
        else
            headers.add(std::string(name), std::string(value));
        from = lf + 1;
    }
}

// Why `value` is not a Host field value (RFC 9112 3.2: uri-host [":" port],
// RFC 3986 3.2.2), or nullptr. An empty value is allowed: it is what a
// request whose target has no authority sends.
const char* host_error(std::string_view value) noexcept {
    std::size_t port = find_invalid(value, kRegName);  // a reg-name or IPv4 address, then perhaps ":"
    if (port == 0 && value.front() == '[') {
        const std::size_t close = value.find(']');
        if (close == npos) return "an IP literal without its closing \"]\"";
        if (close == 1) return "an empty IP literal";
        for (const char c : value.substr(1, close - 1))
            if (c != ':' && !has_class(c, kRegName)) return "an invalid character in its IP literal";
        port = close + 1;
        if (port == value.size()) return nullptr;
    }
    if (port == npos) return nullptr;
    if (value[port] != ':') return "a character a host name cannot hold";
    if (value.find_first_not_of("0123456789", port + 1) != npos) return "a port that is not a number";
    return nullptr;
}

// RFC 9112 3.2: a server MUST answer 400 to an HTTP/1.1 request without Host,
// and to any request with more than one or with an invalid one.
void check_host(const RequestHead& head) {
    const Headers::Field* host = nullptr;
    for (const auto& field : head.headers) {
        if (field.first.size() != 4 || !iequals(field.first, "Host")) continue;
        if (host != nullptr)
            fail(400, "more than one Host field (" + quoted(host->second) + " and " + quoted(field.second) + ")");
        host = &field;
    }
    if (host == nullptr) {
        if (head.version_minor >= 1) fail(400, "HTTP/1.1 request without a Host field");
        return;
    }
    if (const char* error = host_error(host->second)) fail(400, "invalid Host " + quoted(host->second) + ": " + error);
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
    const auto used = parse_head(buffer, out, limits, true, parse_request_line, [](const RequestLine& line, RequestHead& head) {
        head.method.assign(line.method);
        head.target.assign(line.target);
        head.version_minor = line.version_minor;
    });
    if (used) check_host(out);
    return used;
}

std::optional<std::size_t> parse_response_head(std::string_view buffer, ResponseHead& out, const Limits& limits) {
    return parse_head(buffer, out, limits, false, parse_status_line, [](const StatusLine& line, ResponseHead& head) {
        head.status = line.status;
        head.reason.assign(line.reason);
        head.version_minor = line.version_minor;
    });
}

}  // namespace agentio::http
