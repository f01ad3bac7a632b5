#include "agentio/http/url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "agentio/core/errors.hpp"

namespace agentio::http {

namespace {

// `url` with any user info (a password, most likely) cut out: messages
// quote URLs, and a secret must never reach a log.
std::string without_user_info(std::string_view url) {
    const std::size_t scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return std::string(url);
    const std::size_t authority = scheme_end + 3;
    const std::size_t authority_end = std::min(url.find_first_of("/?#", authority), url.size());
    const std::size_t at = url.substr(0, authority_end).rfind('@');
    if (at == std::string_view::npos || at < authority) return std::string(url);
    return std::string(url.substr(0, authority)) + "(user info not shown)@" + std::string(url.substr(at + 1));
}

[[noreturn]] void invalid(std::string_view url, const char* why) {
    std::string message = "invalid URL \"";
    message.append(without_user_info(url)).append("\": ").append(why);
    throw Error(message);
}

}  // namespace

Url Url::parse(std::string_view text) {
    Url url;
    const std::size_t colon = text.find("://");
    if (colon == std::string_view::npos) invalid(text, "no scheme (expected http:// or https://)");
    url.scheme = std::string(text.substr(0, colon));
    std::transform(url.scheme.begin(), url.scheme.end(), url.scheme.begin(), [](unsigned char c) { return std::tolower(c); });
    if (url.scheme != "http" && url.scheme != "https") invalid(text, "the scheme is not http or https");

    std::string_view rest = text.substr(colon + 3);
    const std::size_t path_start = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, path_start);
    std::string_view target = path_start == std::string_view::npos ? std::string_view() : rest.substr(path_start);
    if (const std::size_t hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
    if (authority.find('@') != std::string_view::npos) invalid(text, "credentials in URLs are not supported");

    std::string_view port_text;
    if (!authority.empty() && authority.front() == '[') {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) invalid(text, "unterminated [IPv6] host");
        url.host = std::string(authority.substr(1, close - 1));
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') invalid(text, "junk after the [IPv6] host");
            port_text = after.substr(1);
        }
    } else {
        const std::size_t port_colon = authority.rfind(':');
        url.host = std::string(authority.substr(0, port_colon));
        if (port_colon != std::string_view::npos) port_text = authority.substr(port_colon + 1);
    }
    if (url.host.empty()) invalid(text, "no host");
    const bool bracketed = !authority.empty() && authority.front() == '[';
    for (char c : url.host) {
        const auto byte = static_cast<unsigned char>(c);
        // A bracketed host is an IPv6 literal; any other is a DNS name or an
        // IPv4 address (internationalized names must come punycoded).
        const bool allowed = bracketed ? std::isxdigit(byte) || c == ':' || c == '.'
                                       : std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~';
        if (!allowed) invalid(text, "the host has a character that no host name has");
    }

    url.port = url.is_https() ? 443 : 80;
    if (!port_text.empty()) {
        unsigned value = 0;
        const auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
        if (error != std::errc() || end != port_text.data() + port_text.size() || value == 0 || value > 65535)
            invalid(text, "the port is not a number from 1 to 65535");
        url.port = static_cast<std::uint16_t>(value);
    }

    if (target.empty() || target.front() == '?') url.target = "/";
    url.target.append(target);
    for (char c : url.target)
        if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) invalid(text, "the path has a space or control character");
    return url;
}

std::string Url::host_header() const {
    std::string header;
    if (host.find(':') != std::string::npos) header.append("[").append(host).append("]");
    else header.append(host);
    if (!default_port()) header.append(":").append(std::to_string(port));
    return header;
}

std::string Url::origin() const {
    std::string origin = scheme;
    origin.append("://");
    if (host.find(':') != std::string::npos) origin.append("[").append(host).append("]");
    else origin.append(host);
    origin.append(":").append(std::to_string(port));
    return origin;
}

}  // namespace agentio::http
