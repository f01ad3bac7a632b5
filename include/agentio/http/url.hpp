// url.hpp: Url, the parts of an http:// or https:// URL that a client needs.
//
// Parsing is strict where a mistake would send a request somewhere else: the
// scheme must be http or https, the host non-empty, the port 1..65535, and no
// user:password@ part (credentials belong in headers, not in URLs that end up
// in logs). The path and query are kept as given (already percent-encoded).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace agentio::http {

struct Url {
    std::string scheme;  // "http" or "https"
    std::string host;    // "example.com", "127.0.0.1", "::1" (no brackets)
    std::uint16_t port = 0;
    std::string target;  // path and query: "/v1/models?x=1"; "/" if empty

    // Throws agentio::Error naming the URL and what is wrong with it.
    static Url parse(std::string_view url);

    bool is_https() const noexcept { return scheme == "https"; }
    bool default_port() const noexcept { return port == (is_https() ? 443 : 80); }
    // The Host header: "example.com", "example.com:8080", "[::1]:8080".
    std::string host_header() const;
    // "https://example.com:8443": the key of a connection pool.
    std::string origin() const;
    // "https://example.com/v1/models" (the port only if not the default).
    std::string to_string() const { return scheme + "://" + host_header() + target; }
};

}  // namespace agentio::http
