// oauth.hpp: OAuth, the authorization of an MCP client at a protected
// Streamable HTTP server (MCP 2025-11-25 "Authorization": OAuth 2.1 with
// PKCE, resource indicators and metadata discovery).
//
// compile-context: Task<std::string> open_browser_and_wait(std::string url);
//     mcp::OAuthOptions oauth;
//     oauth.redirect_uri = "http://localhost:8765/callback";
//     oauth.authorize = open_browser_and_wait;   // returns the URL the browser was sent back to
//     mcp::HttpClientOptions options;
//     options.url = "https://mcp.example.com/mcp";
//     options.oauth = std::make_shared<mcp::OAuth>(std::move(oauth));
//
// HttpClientTransport hands it every 401, and every 403 whose challenge says
// insufficient_scope; it answers with a token, and the request is sent again.
// What one authorization does, in order:
// - Protected resource metadata (RFC 9728): the challenge's resource_metadata
//   URL, else /.well-known/oauth-protected-resource with the endpoint's path,
//   else without it. None: the server's origin is its authorization server
//   (the 2025-03-26 revision's rule).
// - Authorization server metadata (RFC 8414 and OpenID discovery), at the
//   well-known URLs the spec lists for an issuer with or without a path.
//   None: /authorize, /token and /register at the server's origin (2025-03-26).
// - A client id: the pre-registered one when given; else the client id
//   metadata document URL when the server supports those (SEP-991); else
//   dynamic client registration (RFC 7591), once per OAuth object.
// - Scopes: the challenge's scope, else OAuthOptions::scope, else every scope
//   the resource metadata lists, else none (the parameter is left out).
// - The user's step: `authorize` receives the authorization URL (PKCE S256,
//   state, resource) and returns the redirect URL; its state must match.
// - The token endpoint with the client authentication the registration or
//   the server's metadata names (client_secret_basic, client_secret_post, or
//   none for a public client), and the resource indicator.
// - A 401 while a refresh token is held tries the refresh first.
// - At most max_authorizations for one request: a server that refuses every
//   token (403 forever) fails the request with AuthorizationError, never loops.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "agentio/core/task.hpp"
#include "agentio/http/client.hpp"

namespace agentio::agent::mcp {

struct OAuthTokens {
    std::string access_token = {};
    std::string token_type = "Bearer";
    std::string refresh_token = {};  // empty when none
    std::string scope = {};          // as granted; empty when not said
    std::optional<std::chrono::system_clock::time_point> expires_at = {};
};

struct OAuthOptions {
    std::string client_name = "agentio";
    // Where the authorization server sends the user back (it carries the code).
    std::string redirect_uri = "http://localhost:8765/callback";
    // A client registered beforehand; then no registration is made.
    std::string client_id = {};
    std::string client_secret = {};
    // An HTTPS URL serving this client's metadata document (SEP-991), used
    // as its client id where the authorization server supports that.
    std::string client_metadata_url = {};
    // Scopes to ask for when the server's challenge names none (space-separated).
    std::string scope = {};
    // The user's step: show `authorization_url` (a browser), return the URL
    // the authorization server redirected to. Required.
    std::function<Task<std::string>(std::string authorization_url)> authorize = nullptr;
    // Tokens from an earlier run, and where new ones go to be kept.
    std::optional<OAuthTokens> tokens = {};
    std::function<void(const OAuthTokens&)> on_tokens = nullptr;
    // Authorizations (and refreshes) one request may cause, at most.
    int max_authorizations = 3;
    http::ClientOptions http = {};
};

class OAuth {
public:
    explicit OAuth(OAuthOptions options);
    ~OAuth();
    OAuth(const OAuth&) = delete;
    OAuth& operator=(const OAuth&) = delete;

    // The Authorization header's value ("Bearer ..."), or nullopt before the first token.
    std::optional<std::string> authorization() const;
    const std::optional<OAuthTokens>& tokens() const noexcept;
    const OAuthOptions& options() const noexcept;

    // The server at `resource_url` refused a request with `status` (401 or
    // 403) and this WWW-Authenticate header: obtains a token that should
    // pass (see the steps above). Throws AuthorizationError naming the step
    // that failed. `sent` is the Authorization the refused request carried
    // ("" for none): when another request's authorization has replaced it
    // meanwhile, this returns at once, so that many requests refused
    // together cause one authorization.
    Task<> handle_challenge(std::string resource_url, int status, std::string www_authenticate, std::string sent);

    struct State;

private:
    std::shared_ptr<State> state_;
};

}  // namespace agentio::agent::mcp
