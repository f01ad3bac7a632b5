#include "agentio/http/proxy.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "agentio/core/errors.hpp"

namespace agentio::http {

namespace {

std::optional<std::string> environment(const char* lower, const char* upper, const char** used) {
    for (const char* name : {lower, upper}) {
        const char* value = std::getenv(name);
        if (value != nullptr && *value != '\0') {
            *used = name;
            return std::string(value);
        }
    }
    return std::nullopt;
}

std::optional<Url> proxy_from(const char* lower, const char* upper) {
    const char* name = nullptr;
    std::optional<std::string> value = environment(lower, upper, &name);
    if (!value) return std::nullopt;
    if (value->find("://") == std::string::npos) value->insert(0, "http://");  // "proxy:3128", as curl accepts
    try {
        return Url::parse(*value);
    } catch (const Error& e) {
        throw Error(std::string("the ") + name + " environment variable is not a usable proxy URL: " + e.what());
    }
}

std::string lowercase(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

bool matches(const std::string& entry, const Url& url) {
    if (entry == "*") return true;
    std::string_view pattern = entry;
    // "host:port" limits the entry to one port (but "::1" is an address).
    if (const std::size_t colon = pattern.rfind(':');
        colon != std::string_view::npos && pattern.find(':') == colon && pattern.front() != '[') {
        if (pattern.substr(colon + 1) != std::to_string(url.port)) return false;
        pattern = pattern.substr(0, colon);
    }
    if (pattern.size() >= 2 && pattern.front() == '[' && pattern.back() == ']') pattern = pattern.substr(1, pattern.size() - 2);
    if (!pattern.empty() && pattern.front() == '.') pattern.remove_prefix(1);
    const std::string host = lowercase(url.host);
    if (host == pattern) return true;
    return host.size() > pattern.size() && host.ends_with(pattern) && host[host.size() - pattern.size() - 1] == '.';
}

}  // namespace

ProxyConfig ProxyConfig::from_environment() {
    ProxyConfig config;
    config.https_proxy = proxy_from("https_proxy", "HTTPS_PROXY");
    // Like curl, never the upper-case HTTP_PROXY: CGI programs get a request's
    // "Proxy:" header there (httpoxy).
    config.http_proxy = proxy_from("http_proxy", "http_proxy");
    const char* name = nullptr;
    if (auto list = environment("no_proxy", "NO_PROXY", &name)) config.no_proxy = parse_no_proxy(*list);
    return config;
}

std::vector<std::string> ProxyConfig::parse_no_proxy(std::string_view list) {
    std::vector<std::string> entries;
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        std::string_view entry = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
        while (!entry.empty() && std::isspace(static_cast<unsigned char>(entry.front()))) entry.remove_prefix(1);
        while (!entry.empty() && std::isspace(static_cast<unsigned char>(entry.back()))) entry.remove_suffix(1);
        if (!entry.empty()) entries.push_back(lowercase(entry));
    }
    return entries;
}

const Url* ProxyConfig::proxy_for(const Url& url) const {
    const std::optional<Url>& proxy = url.is_https() ? https_proxy : http_proxy;
    if (!proxy) return nullptr;
    for (const std::string& entry : no_proxy)
        if (matches(entry, url)) return nullptr;
    return &*proxy;
}

}  // namespace agentio::http
