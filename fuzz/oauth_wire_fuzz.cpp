// oauth_wire_fuzz: what an MCP client reads from servers during OAuth, on
// arbitrary bytes: WWW-Authenticate challenges, form/query decoding, URI
// template matching.
//
// Invariants: nothing throws or crashes; a challenge has a non-empty scheme
// and lower-case parameter names; form_decode(form_encode(fields)) gives the
// fields back; a template match rebuilt from its variables is the URI.
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "agentio/agent/mcp/resources.hpp"
#include "agentio/http/auth_challenge.hpp"
#include "agentio/http/form.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    for (const auto& challenge : agentio::http::parse_auth_challenges(input)) {
        if (challenge.scheme.empty()) std::abort();
        for (const auto& [name, value] : challenge.params)
            for (char c : name)
                if (std::isupper(static_cast<unsigned char>(c))) std::abort();
    }

    const agentio::http::FormFields fields = agentio::http::form_decode(input);
    if (agentio::http::form_decode(agentio::http::form_encode(fields)) != fields) {
        // Empty names with empty values vanish ("=" encodes an empty pair); nothing else may change.
        for (const auto& [name, value] : fields)
            if (!name.empty() || !value.empty()) std::abort();
    }
    (void)agentio::http::query_parameter(input, "code");

    // The first line is a template, the rest a URI.
    const std::size_t newline = input.find('\n');
    if (newline != std::string_view::npos) {
        const std::string_view uri_template = input.substr(0, newline);
        const std::string_view uri = input.substr(newline + 1);
        if (const auto variables = agentio::agent::mcp::match_uri_template(uri_template, uri)) {
            std::string rebuilt;
            std::string_view rest = uri_template;
            while (!rest.empty()) {
                const std::size_t open = rest.find('{');
                rebuilt.append(rest.substr(0, open));
                if (open == std::string_view::npos) break;
                const std::size_t close = rest.find('}', open);
                rebuilt.append(variables->at(std::string(rest.substr(open + 1, close - open - 1))));
                rest.remove_prefix(close + 1);
            }
            if (rebuilt != uri) std::abort();
        }
    }
    return 0;
}
