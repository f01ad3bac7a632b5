// form.hpp: percent-encoding, application/x-www-form-urlencoded bodies and
// URL query strings, and base64, as OAuth and HTML forms use them.
//
// compile-context: extern std::string code; extern std::string redirect_url;
//     std::string body = http::form_encode({{"grant_type", "authorization_code"}, {"code", code}});
//     std::optional<std::string> code = http::query_parameter(redirect_url, "code");
//
// Encoding follows the WHATWG URL standard's form encoder (letters, digits
// and "*-._" kept, space as '+', every other byte as %XX). Decoding accepts
// what any encoder sends ('+' and %20 are spaces) and keeps a malformed %
// escape as it is, never throwing on a peer's text.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agentio::http {

using FormFields = std::vector<std::pair<std::string, std::string>>;

// One value as a form or query string carries it.
std::string form_escape(std::string_view text);
std::string form_unescape(std::string_view text);
// "a=1&b=two+words"
std::string form_encode(const FormFields& fields);
// The name=value pairs of a form body or a query string ("?" and "#..." not included).
FormFields form_decode(std::string_view text);
// The first value of `name` in the query of `url` ("https://x/cb?code=abc&state=1").
std::optional<std::string> query_parameter(std::string_view url, std::string_view name);

// Base64 (RFC 4648 section 4), with padding; base64url (section 5) without it, as JWTs and PKCE write it.
std::string base64_encode(std::string_view bytes);
std::string base64url_encode(std::string_view bytes);

}  // namespace agentio::http
