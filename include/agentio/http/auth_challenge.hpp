// auth_challenge.hpp: the challenges of a WWW-Authenticate header (RFC 9110
// section 11.6.1), as OAuth-protected servers send them: `Bearer
// error="insufficient_scope", scope="files:read", resource_metadata="..."`.
//
// Several challenges may share one header, separated by commas like their
// parameters. Parameter names are case-insensitive (kept lower case here);
// a value is a token or a quoted string (its escapes undone). Text that does
// not parse ends the list where it stops making sense: a peer's malformed
// header loses its tail, never throws.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agentio::http {

struct AuthChallenge {
    std::string scheme;                         // as sent: "Bearer"
    std::string token68;                        // the token68 form ("Basic abc=="); empty when parameters
    std::map<std::string, std::string> params;  // lower-case names

    std::optional<std::string> param(std::string_view name) const;
};

std::vector<AuthChallenge> parse_auth_challenges(std::string_view header);

}  // namespace agentio::http
