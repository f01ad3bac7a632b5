// proxy.hpp: ProxyConfig, which requests go through a proxy (HTTPS_PROXY,
// HTTP_PROXY, NO_PROXY), as curl and the Python HTTP clients read them.
//
// https:// requests go through an HTTP CONNECT tunnel to the proxy (TLS is
// end to end, the proxy sees only the host and port); http:// requests are
// sent to the proxy in absolute form. NO_PROXY is a comma-separated list of
// host names, domain suffixes (".example.com" or "example.com", matching the
// domain and its subdomains), IP literals, optional ":port", or "*" for all.
// Proxy credentials (user:pass@) are not supported: a URL with them is refused.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agentio/http/url.hpp"

namespace agentio::http {

struct ProxyConfig {
    std::optional<Url> https_proxy;
    std::optional<Url> http_proxy;
    std::vector<std::string> no_proxy;

    // From HTTPS_PROXY/https_proxy, HTTP_PROXY/http_proxy, NO_PROXY/no_proxy
    // (the lower-case name wins, as in curl). Error naming the variable if a
    // proxy URL does not parse.
    static ProxyConfig from_environment();
    // Parses a NO_PROXY value.
    static std::vector<std::string> parse_no_proxy(std::string_view list);

    // The proxy for `url`, or nullopt for a direct connection.
    const Url* proxy_for(const Url& url) const;
};

}  // namespace agentio::http
