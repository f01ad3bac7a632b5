// options.cpp: redis:// and rediss:// URLs.
#include "agentio/db/redis/options.hpp"

#include <charconv>

#include "agentio/core/errors.hpp"

namespace agentio::db::redis {

namespace {

[[noreturn]] void bad_url(std::string_view url, const std::string& why) {
    // The password is not repeated in the message.
    std::string shown(url);
    const std::size_t at = shown.rfind('@');
    const std::size_t scheme_end = shown.find("://");
    if (at != std::string::npos && scheme_end != std::string::npos && at > scheme_end)
        shown = shown.substr(0, scheme_end + 3) + "***@" + shown.substr(at + 1);
    throw Error("redis URL `" + shown + "`: " + why);
}

int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decoded(std::string_view url, std::string_view part) {
    std::string out;
    for (std::size_t i = 0; i < part.size(); ++i) {
        if (part[i] != '%') {
            out += part[i];
            continue;
        }
        const int high = i + 2 < part.size() ? hex(part[i + 1]) : -1;
        const int low = i + 2 < part.size() ? hex(part[i + 2]) : -1;
        if (high < 0 || low < 0) bad_url(url, "a `%` not followed by two hex digits in the user or password");
        out += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return out;
}

template <class Int>
Int number(std::string_view url, std::string_view text, const char* what, Int low, Int high) {
    Int value{};
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < low || value > high)
        bad_url(url, std::string(what) + " `" + std::string(text) + "` is not a number from " + std::to_string(low) +
                         " to " + std::to_string(high));
    return value;
}

}  // namespace

Options Options::from_url(std::string_view url) {
    Options options;
    std::string_view rest = url;
    if (rest.starts_with("redis://")) {
        rest.remove_prefix(8);
    } else if (rest.starts_with("rediss://")) {
        rest.remove_prefix(9);
        options.tls = true;
    } else {
        bad_url(url, "the scheme must be redis:// or rediss://");
    }
    std::string_view query;
    if (const std::size_t q = rest.find('?'); q != std::string_view::npos) {
        query = rest.substr(q + 1);
        rest = rest.substr(0, q);
    }
    std::string_view path;
    if (const std::size_t slash = rest.find('/'); slash != std::string_view::npos) {
        path = rest.substr(slash + 1);
        rest = rest.substr(0, slash);
    }
    if (const std::size_t at = rest.rfind('@'); at != std::string_view::npos) {
        const std::string_view credentials = rest.substr(0, at);
        rest = rest.substr(at + 1);
        const std::size_t colon = credentials.find(':');
        if (colon == std::string_view::npos) {
            // redis-py reads a lone userinfo as the password of the default user.
            options.password = percent_decoded(url, credentials);
        } else {
            options.username = percent_decoded(url, credentials.substr(0, colon));
            options.password = percent_decoded(url, credentials.substr(colon + 1));
        }
    }
    std::string_view port;
    if (rest.starts_with('[')) {
        const std::size_t close = rest.find(']');
        if (close == std::string_view::npos) bad_url(url, "an IPv6 address without its closing `]`");
        options.host = std::string(rest.substr(1, close - 1));
        rest.remove_prefix(close + 1);
        if (rest.starts_with(':')) port = rest.substr(1);
        else if (!rest.empty()) bad_url(url, "something after the IPv6 address that is not a port");
    } else {
        const std::size_t colon = rest.find(':');
        options.host = std::string(rest.substr(0, colon));
        if (colon != std::string_view::npos) port = rest.substr(colon + 1);
    }
    if (options.host.empty()) bad_url(url, "no host");
    if (!port.empty()) options.port = number<std::uint16_t>(url, port, "the port", 1, 65535);
    if (!path.empty()) options.database = number<int>(url, path, "the database", 0, 1 << 20);
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        const std::size_t equals = pair.find('=');
        const std::string_view key = pair.substr(0, equals);
        const std::string_view value = equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
        if (key == "protocol") options.protocol = number<int>(url, value, "protocol", 2, 3);
        else if (key == "db") options.database = number<int>(url, value, "the database", 0, 1 << 20);
        else if (key == "client_name") options.client_name = std::string(value);
        else bad_url(url, "unknown parameter `" + std::string(key) + "` (known: protocol, db, client_name)");
    }
    return options;
}

std::string Options::address() const {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace agentio::db::redis
