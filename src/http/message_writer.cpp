// message_writer.cpp: heads and chunks as HTTP/1.1 bytes (message_writer.hpp).
//
// Every field is checked before anything is appended, so a refused head
// leaves `out` as it was; the checks use the parser's byte classes
// (syntax.hpp), so that what is written is what the strict parser reads.
#include "agentio/http/message_writer.hpp"

#include "syntax.hpp"

namespace agentio::http {

namespace {

using namespace detail;

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

// Checks every field before anything is written. Returns the bytes the
// fields will take.
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
