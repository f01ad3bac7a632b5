// syntax.cpp: the out-of-line helpers of syntax.hpp: byte names and quoted
// excerpts for error messages, and the request-target forms of RFC 9112 3.2.
#include "syntax.hpp"

#include <algorithm>

namespace agentio::http::detail {

std::string byte_name(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return std::string("0x") + kHexDigits[byte >> 4] + kHexDigits[byte & 15];
}

std::string quoted(std::string_view text) {
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

const char* target_form_error(std::string_view method, std::string_view target) noexcept {
    if (target.empty()) return "empty request target";
    if (find_invalid(target, kTargetChar) != npos) return "invalid character in request target";
    if (method == "CONNECT") {
        const std::size_t colon = target.rfind(':');
        const bool authority = colon != npos && colon > 0 && colon + 1 < target.size() &&
                               target.find_first_of("/?#@") == npos &&
                               target.find_first_not_of("0123456789", colon + 1) == npos;
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

}  // namespace agentio::http::detail
