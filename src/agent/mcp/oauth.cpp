// oauth.cpp: discovery, client registration, the authorization code grant
// with PKCE, refresh.
//
// Invariants:
// - What discovery and registration learn is kept in the State for later
//   challenges (a step-up asks the user again, not the servers again),
//   except that a new resource_metadata URL is discovered afresh.
// - Every HTTP exchange here is named in the AuthorizationError it may
//   cause, with the status and an excerpt of what the server said.
#include "agentio/agent/mcp/oauth.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "agentio/agent/mcp/errors.hpp"
#include "agentio/core/lock.hpp"
#include "agentio/http/auth_challenge.hpp"
#include "agentio/http/form.hpp"
#include "agentio/http/url.hpp"
#include "agentio/llm/json.hpp"
#include "excerpt.hpp"

namespace agentio::agent::mcp {

using Json = llm::Json;

namespace {

std::string random_text(std::size_t bytes) {
    std::string raw(bytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(raw.size())) != 1)
        throw AuthorizationError("OAuth: the system's random source failed");
    return http::base64url_encode(raw);
}

std::string sha256(std::string_view text) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr) != 1)
        throw AuthorizationError("OAuth: SHA-256 failed");
    return std::string(reinterpret_cast<const char*>(digest), length);
}

// "https://host:port" and the path without query or trailing slash ("" for "/").
std::pair<std::string, std::string> origin_and_path(const std::string& url) {
    const http::Url parsed = http::Url::parse(url);
    std::string path = parsed.target.substr(0, parsed.target.find_first_of("?#"));
    while (!path.empty() && path.back() == '/') path.pop_back();
    return {parsed.origin(), path};
}

std::string string_or_empty(const Json& object, const char* name) {
    const auto found = object.find(name);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

bool lists(const Json& object, const char* name, std::string_view value) {
    const auto found = object.find(name);
    if (found == object.end() || !found->is_array()) return false;
    for (const Json& entry : *found)
        if (entry.is_string() && entry.get_ref<const std::string&>() == value) return true;
    return false;
}

}  // namespace

struct OAuth::State {
    OAuthOptions options;
    http::Client http;
    std::optional<OAuthTokens> tokens;
    Lock authorizing;  // one authorization at a time

    // What discovery found.
    std::string resource_metadata_url;  // the one it was read from ("" : well-known or none)
    Json resource_metadata;             // null when the server has none
    Json server_metadata;               // the authorization server's, or the legacy defaults
    bool discovered = false;
    // What registration gave.
    std::string client_id;
    std::string client_secret;
    std::string auth_method;  // client_secret_basic, client_secret_post or none

    explicit State(OAuthOptions o) : options(std::move(o)), http(options.http), tokens(options.tokens) {}

    // GET `url` as JSON: the object, or null on any failure (discovery tries on).
    Task<Json> fetch_json(std::string url) {
        try {
            http::Headers headers;
            headers.set("Accept", "application/json");
            headers.set("MCP-Protocol-Version", "2025-11-25");
            Task<http::ClientResponse> getting = http.get(url, headers);
            http::ClientResponse response = co_await std::move(getting);
            std::string body = co_await response.text();
            if (!response.ok()) co_return nullptr;
            Json value = llm::parse_json(body);
            co_return value.is_object() ? value : Json();
        } catch (const std::exception&) {
            co_return nullptr;
        }
    }

    // RFC 9728: protected resource metadata, from the challenge or the well-known URLs.
    Task<> discover_resource(std::string resource_url, std::string metadata_url) {
        const auto [origin, path] = origin_and_path(resource_url);
        std::vector<std::string> candidates;
        if (!metadata_url.empty()) candidates.push_back(metadata_url);
        if (!path.empty()) candidates.push_back(origin + "/.well-known/oauth-protected-resource" + path);
        candidates.push_back(origin + "/.well-known/oauth-protected-resource");
        resource_metadata = nullptr;
        for (const std::string& candidate : candidates) {
            Task<Json> fetching = fetch_json(candidate);
            Json found = co_await std::move(fetching);
            if (found.is_object()) {
                resource_metadata = std::move(found);
                break;
            }
        }
        resource_metadata_url = metadata_url;
        check_resource(resource_url);
    }

    // RFC 9728 section 3.3: the metadata must describe this server, or a
    // token for another one would be asked for (and sent) here.
    void check_resource(const std::string& resource_url) const {
        if (!resource_metadata.is_object()) return;
        const std::string resource = string_or_empty(resource_metadata, "resource");
        if (resource.empty()) return;
        bool same = false;
        try {
            const auto [origin, path] = origin_and_path(resource_url);
            const auto [claimed_origin, claimed_path] = origin_and_path(resource);
            same = origin == claimed_origin && path.starts_with(claimed_path) &&
                   (path.size() == claimed_path.size() || path[claimed_path.size()] == '/');
        } catch (const Error&) {
        }
        if (!same)
            throw AuthorizationError("OAuth discovery: the protected resource metadata is for " + resource + ", not for " +
                                     resource_url + " (refusing to ask for a token meant elsewhere)");
    }

    // RFC 8414 / OpenID discovery for `issuer`; the 2025-03-26 defaults when none answers.
    Task<> discover_server(std::string issuer) {
        const auto [origin, path] = origin_and_path(issuer);
        std::vector<std::string> candidates;
        if (!path.empty()) {
            candidates.push_back(origin + "/.well-known/oauth-authorization-server" + path);
            candidates.push_back(origin + "/.well-known/openid-configuration" + path);
            candidates.push_back(origin + path + "/.well-known/openid-configuration");
        } else {
            candidates.push_back(origin + "/.well-known/oauth-authorization-server");
            candidates.push_back(origin + "/.well-known/openid-configuration");
        }
        for (const std::string& candidate : candidates) {
            Task<Json> fetching = fetch_json(candidate);
            Json found = co_await std::move(fetching);
            if (!found.is_object()) continue;
            if (string_or_empty(found, "authorization_endpoint").empty() || string_or_empty(found, "token_endpoint").empty())
                throw AuthorizationError("OAuth discovery: " + candidate +
                                         " names no authorization_endpoint or token_endpoint: " + detail::excerpt(found.dump()));
            server_metadata = std::move(found);
            co_return;
        }
        server_metadata = {{"authorization_endpoint", origin + "/authorize"},
                           {"token_endpoint", origin + "/token"},
                           {"registration_endpoint", origin + "/register"}};
    }

    Task<> discover(std::string resource_url, std::string metadata_url) {
        Task<> reading = discover_resource(resource_url, metadata_url);
        co_await std::move(reading);
        std::string issuer;
        if (resource_metadata.is_object()) {
            const auto servers = resource_metadata.find("authorization_servers");
            if (servers != resource_metadata.end() && servers->is_array() && !servers->empty() && (*servers)[0].is_string())
                issuer = (*servers)[0].get<std::string>();
        }
        if (issuer.empty()) issuer = origin_and_path(resource_url).first;  // 2025-03-26: the server is its own
        Task<> finding = discover_server(issuer);
        co_await std::move(finding);
        discovered = true;
    }

    // The method the token endpoint wants, for a client with or without a secret.
    std::string choose_auth_method(bool has_secret) const {
        if (!has_secret) return "none";
        if (lists(server_metadata, "token_endpoint_auth_methods_supported", "client_secret_basic")) return "client_secret_basic";
        if (lists(server_metadata, "token_endpoint_auth_methods_supported", "client_secret_post")) return "client_secret_post";
        return "client_secret_basic";  // RFC 8414's default
    }

    Task<> ensure_client() {
        if (!client_id.empty()) co_return;
        if (!options.client_id.empty()) {
            client_id = options.client_id;
            client_secret = options.client_secret;
            auth_method = choose_auth_method(!client_secret.empty());
            co_return;
        }
        const auto cimd = server_metadata.find("client_id_metadata_document_supported");
        if (!options.client_metadata_url.empty() && cimd != server_metadata.end() && cimd->is_boolean() && cimd->get<bool>()) {
            client_id = options.client_metadata_url;
            auth_method = "none";
            co_return;
        }
        const std::string endpoint = string_or_empty(server_metadata, "registration_endpoint");
        if (endpoint.empty())
            throw AuthorizationError("OAuth: the authorization server offers no dynamic client registration; give "
                                     "OAuthOptions::client_id (a pre-registered client)");
        Json request = {{"client_name", options.client_name},
                        {"redirect_uris", Json::array({options.redirect_uri})},
                        {"grant_types", Json::array({"authorization_code", "refresh_token"})},
                        {"response_types", Json::array({"code"})},
                        {"token_endpoint_auth_method",
                         lists(server_metadata, "token_endpoint_auth_methods_supported", "none") ||
                                 !server_metadata.contains("token_endpoint_auth_methods_supported")
                             ? "none"
                             : choose_auth_method(true)}};
        http::Headers headers;
        headers.set("Content-Type", "application/json");
        headers.set("Accept", "application/json");
        Task<Json> registering = exchange("client registration at " + endpoint, endpoint, request.dump(), std::move(headers));
        Json answer = co_await std::move(registering);
        client_id = string_or_empty(answer, "client_id");
        if (client_id.empty())
            throw AuthorizationError("OAuth client registration at " + endpoint + " gave no client_id: " +
                                     detail::excerpt(answer.dump()));
        client_secret = string_or_empty(answer, "client_secret");
        auth_method = string_or_empty(answer, "token_endpoint_auth_method");
        if (auth_method.empty()) auth_method = choose_auth_method(!client_secret.empty());
    }

    // POSTs `body` and reads a JSON object back; AuthorizationError naming `what` otherwise.
    Task<Json> exchange(std::string what, std::string url, std::string body, http::Headers headers) {
        Task<http::ClientResponse> posting = http.post(url, std::move(body), std::move(headers));
        http::ClientResponse response = co_await std::move(posting);
        const std::string text = co_await response.text();
        Json value;
        try {
            value = llm::parse_json(text);
        } catch (const std::exception&) {
        }
        if (!response.ok() || !value.is_object())
            throw AuthorizationError("OAuth " + what + " failed: HTTP " + std::to_string(response.status()) +
                                     (text.empty() ? "" : ": " + detail::excerpt(text, 300)));
        co_return value;
    }

    std::string resource_indicator(const std::string& resource_url) const {
        if (resource_metadata.is_object()) {
            std::string resource = string_or_empty(resource_metadata, "resource");
            if (!resource.empty()) return resource;
        }
        return resource_url.substr(0, resource_url.find('#'));
    }

    std::string choose_scope(const http::AuthChallenge* challenge) const {
        if (challenge) {
            if (auto scope = challenge->param("scope"); scope && !scope->empty()) return *scope;
        }
        if (!options.scope.empty()) return options.scope;
        if (resource_metadata.is_object()) {
            const auto supported = resource_metadata.find("scopes_supported");
            if (supported != resource_metadata.end() && supported->is_array()) {
                std::string joined;
                for (const Json& scope : *supported) {
                    if (!scope.is_string()) continue;
                    if (!joined.empty()) joined += ' ';
                    joined += scope.get<std::string>();
                }
                return joined;
            }
        }
        return {};
    }

    // The token endpoint, with this client's authentication.
    Task<> request_tokens(http::FormFields fields, std::string what) {
        const std::string endpoint = string_or_empty(server_metadata, "token_endpoint");
        http::Headers headers;
        headers.set("Content-Type", "application/x-www-form-urlencoded");
        headers.set("Accept", "application/json");
        if (auth_method == "client_secret_basic") {
            headers.set("Authorization", "Basic " + http::base64_encode(http::form_escape(client_id) + ":" +
                                                                        http::form_escape(client_secret)));
        } else {
            fields.emplace_back("client_id", client_id);
            if (auth_method == "client_secret_post") fields.emplace_back("client_secret", client_secret);
        }
        Task<Json> asking = exchange(what + " at " + endpoint, endpoint, http::form_encode(fields), std::move(headers));
        Json answer = co_await std::move(asking);
        OAuthTokens fresh;
        fresh.access_token = string_or_empty(answer, "access_token");
        if (fresh.access_token.empty())
            throw AuthorizationError("OAuth " + what + " at " + endpoint + " gave no access_token: " +
                                     detail::excerpt(answer.dump()));
        if (std::string type = string_or_empty(answer, "token_type"); !type.empty()) fresh.token_type = type;
        fresh.refresh_token = string_or_empty(answer, "refresh_token");
        if (fresh.refresh_token.empty() && tokens) fresh.refresh_token = tokens->refresh_token;  // RFC 6749 6: may be kept
        fresh.scope = string_or_empty(answer, "scope");
        if (const auto expires = answer.find("expires_in"); expires != answer.end() && expires->is_number())
            fresh.expires_at = std::chrono::system_clock::now() + std::chrono::seconds(expires->get<std::int64_t>());
        tokens = std::move(fresh);
        if (options.on_tokens) options.on_tokens(*tokens);
    }

    Task<bool> refresh(std::string resource_url) {
        if (!tokens || tokens->refresh_token.empty()) co_return false;
        http::FormFields fields = {{"grant_type", "refresh_token"},
                                   {"refresh_token", tokens->refresh_token},
                                   {"resource", resource_indicator(resource_url)}};
        try {
            Task<> requesting = request_tokens(std::move(fields), "token refresh");
            co_await std::move(requesting);
        } catch (const AuthorizationError&) {
            tokens.reset();  // a refused refresh token is spent: authorize afresh
            co_return false;
        }
        co_return true;
    }

    Task<> authorize(std::string resource_url, const http::AuthChallenge* challenge) {
        if (!options.authorize)
            throw AuthorizationError("OAuth: the server at " + resource_url +
                                     " needs authorization and OAuthOptions::authorize is not set");
        Task<> registering = ensure_client();
        co_await std::move(registering);
        const std::string verifier = random_text(32);
        const std::string state = random_text(16);
        const std::string scope = choose_scope(challenge);
        const std::string resource = resource_indicator(resource_url);
        http::FormFields query = {{"response_type", "code"},
                                  {"client_id", client_id},
                                  {"redirect_uri", options.redirect_uri},
                                  {"code_challenge", http::base64url_encode(sha256(verifier))},
                                  {"code_challenge_method", "S256"},
                                  {"state", state},
                                  {"resource", resource}};
        if (!scope.empty()) query.emplace_back("scope", scope);
        const std::string endpoint = string_or_empty(server_metadata, "authorization_endpoint");
        const std::string url = endpoint + (endpoint.find('?') == std::string::npos ? "?" : "&") + http::form_encode(query);

        Task<std::string> asking = options.authorize(url);
        const std::string redirect = co_await std::move(asking);
        if (auto error = http::query_parameter(redirect, "error"))
            throw AuthorizationError("OAuth authorization was refused: " + *error +
                                     (http::query_parameter(redirect, "error_description")
                                          ? " (" + *http::query_parameter(redirect, "error_description") + ")"
                                          : std::string()));
        if (http::query_parameter(redirect, "state") != state)
            throw AuthorizationError("OAuth authorization: the redirect's state does not match the request's "
                                     "(a forged or stale redirect): " + detail::excerpt(redirect, 200));
        const std::optional<std::string> code = http::query_parameter(redirect, "code");
        if (!code || code->empty()) throw AuthorizationError("OAuth authorization: the redirect carries no code: " + detail::excerpt(redirect, 200));
        http::FormFields fields = {{"grant_type", "authorization_code"},
                                   {"code", *code},
                                   {"redirect_uri", options.redirect_uri},
                                   {"code_verifier", verifier},
                                   {"resource", resource}};
        Task<> requesting = request_tokens(std::move(fields), "token request");
        co_await std::move(requesting);
    }
};

OAuth::OAuth(OAuthOptions options) : state_(std::make_shared<State>(std::move(options))) {}
OAuth::~OAuth() = default;

std::optional<std::string> OAuth::authorization() const {
    if (!state_->tokens || state_->tokens->access_token.empty()) return std::nullopt;
    // RFC 6750: the scheme is "Bearer" whatever case the server wrote token_type in.
    return "Bearer " + state_->tokens->access_token;
}

const std::optional<OAuthTokens>& OAuth::tokens() const noexcept { return state_->tokens; }
const OAuthOptions& OAuth::options() const noexcept { return state_->options; }

Task<> OAuth::handle_challenge(std::string resource_url, int status, std::string www_authenticate, std::string sent) {
    const std::shared_ptr<State> self = state_;
    auto guard = co_await self->authorizing.acquire();
    if (authorization().value_or("") != sent) co_return;  // another request's authorization came first
    const std::vector<http::AuthChallenge> challenges = http::parse_auth_challenges(www_authenticate);
    const http::AuthChallenge* bearer = nullptr;
    for (const http::AuthChallenge& challenge : challenges)
        if (http::iequals(challenge.scheme, "Bearer")) bearer = &challenge;
    const std::string metadata_url = bearer ? bearer->param("resource_metadata").value_or("") : "";
    if (!self->discovered || (!metadata_url.empty() && metadata_url != self->resource_metadata_url)) {
        Task<> discovering = self->discover(resource_url, metadata_url);
        co_await std::move(discovering);
    }
    // An expired or revoked token (401) may only need refreshing; a token
    // without the scope needed (403) needs the user again.
    if (status == 401) {
        Task<bool> refreshing = self->refresh(resource_url);
        if (co_await std::move(refreshing)) co_return;
    }
    Task<> authorizing = self->authorize(resource_url, bearer);
    co_await std::move(authorizing);
}

}  // namespace agentio::agent::mcp
