// url_fuzz: Url::parse and the NO_PROXY matcher on arbitrary bytes.
//
// Invariants: parsing either throws agentio::Error or yields a URL whose parts
// are consistent (scheme http/https, non-empty host, port 1..65535, target
// starting with '/'), and whose printed form parses back to the same parts.
// The bytes after the first newline are a NO_PROXY list matched against it.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "agentio/core/errors.hpp"
#include "agentio/http/proxy.hpp"
#include "agentio/http/url.hpp"

using agentio::http::ProxyConfig;
using agentio::http::Url;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t newline = input.find('\n');
    const std::string_view text = input.substr(0, newline);
    Url url;
    try {
        url = Url::parse(text);
    } catch (const agentio::Error&) {
        return 0;
    }
    if ((url.scheme != "http" && url.scheme != "https") || url.host.empty() || url.port == 0 || url.target.empty() ||
        url.target.front() != '/')
        std::abort();
    const Url again = Url::parse(url.to_string());
    if (again.scheme != url.scheme || again.host != url.host || again.port != url.port || again.target != url.target)
        std::abort();
    if (newline != std::string_view::npos) {
        ProxyConfig config;
        config.https_proxy = Url::parse("http://proxy.test:3128");
        config.http_proxy = config.https_proxy;
        config.no_proxy = ProxyConfig::parse_no_proxy(input.substr(newline + 1));
        (void)config.proxy_for(url);
    }
    return 0;
}
