// tls_context.cpp: building client and server SSL_CTXs.
//
// Everything that can fail (loading CA, certificate and key files) fails
// here, while the caller still knows which file it passed; the handshake then
// only fails for reasons that belong to the peer.
#include "agentio/net/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cctype>
#include <system_error>

#include "agentio/net/errors.hpp"
#include "tls_openssl.hpp"

namespace agentio::net {

namespace detail {

std::string take_openssl_errors(const char* fallback) {
    std::string text;
    std::string folded;  // `text` in lower case
    while (const unsigned long code = ERR_get_error()) {
        std::string reason;
        if (ERR_SYSTEM_ERROR(code)) {
            reason = std::error_code(ERR_GET_REASON(code), std::generic_category()).message();  // errno
        } else if (const char* words = ERR_reason_error_string(code)) {
            reason = words;
        } else {
            char buffer[256];
            ERR_error_string_n(code, buffer, sizeof buffer);
            reason = buffer;
        }
        // OpenSSL often queues one reason at several levels ("No such file
        // or directory", then "no such file").
        std::string lower = reason;
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (folded.find(lower) != std::string::npos) continue;
        if (!text.empty()) {
            text += ": ";
            folded += ": ";
        }
        text += reason;
        folded += lower;
    }
    return text.empty() ? std::string(fallback) : text;
}

}  // namespace detail

struct TlsContext::State {
    SSL_CTX* ctx = nullptr;
    // The server's ALPN list in wire format (length-prefixed names): the
    // selection callback points into it, so it lives as long as the SSL_CTX.
    std::string alpn_wire;
    bool server = false;
    bool verify = true;

    State() = default;
    State(const State&) = delete;
    State& operator=(const State&) = delete;
    ~State() { SSL_CTX_free(ctx); }
};

namespace {

std::string alpn_wire_format(const std::vector<std::string>& protocols) {
    std::string wire;
    for (const std::string& name : protocols) {
        if (name.empty() || name.size() > 255)
            throw Error("TLS ALPN protocol name \"" + name + "\" must be 1 to 255 bytes long");
        wire += static_cast<char>(name.size());
        wire += name;
    }
    return wire;
}

// Server preference: the first of our names that the client offered.
int select_alpn(SSL*, const unsigned char** out, unsigned char* out_length, const unsigned char* offered,
                unsigned int offered_length, void* arg) {
    const auto* ours = static_cast<const std::string*>(arg);
    unsigned char* chosen = nullptr;
    if (SSL_select_next_proto(&chosen, out_length, reinterpret_cast<const unsigned char*>(ours->data()),
                              static_cast<unsigned int>(ours->size()), offered,
                              offered_length) != OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_NOACK;
    *out = chosen;
    return SSL_TLSEXT_ERR_OK;
}

bool is_key_mismatch(unsigned long error) {
    return ERR_GET_LIB(error) == ERR_LIB_X509 &&
           (ERR_GET_REASON(error) == X509_R_KEY_VALUES_MISMATCH || ERR_GET_REASON(error) == X509_R_KEY_TYPE_MISMATCH);
}

SSL_CTX* new_ctx(bool server) {
    ERR_clear_error();
    SSL_CTX* ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
    if (ctx == nullptr) throw TlsError("TLS context: " + detail::take_openssl_errors("SSL_CTX_new failed"));
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
    // TlsStream writes one record per SSL_write and may retry from a moved view.
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    return ctx;
}

}  // namespace

TlsContext TlsContext::client(const TlsClientOptions& options) {
    auto state = std::make_shared<State>();
    state->verify = options.verify;
    SSL_CTX* ctx = state->ctx = new_ctx(false);
    if (!options.ca_file.empty()) {
        if (SSL_CTX_load_verify_locations(ctx, options.ca_file.c_str(), nullptr) != 1)
            throw TlsError("cannot load TLS CA file " + options.ca_file + ": " +
                           detail::take_openssl_errors("no certificate in it"));
    } else if (options.verify && SSL_CTX_set_default_verify_paths(ctx) != 1) {
        throw TlsError("cannot load the system's TLS CA store: " + detail::take_openssl_errors("unknown reason"));
    }
    SSL_CTX_set_verify(ctx, options.verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);
    if (!options.alpn.empty()) {
        const std::string wire = alpn_wire_format(options.alpn);
        // Unlike almost every OpenSSL call, this one returns 0 on success.
        if (SSL_CTX_set_alpn_protos(ctx, reinterpret_cast<const unsigned char*>(wire.data()),
                                    static_cast<unsigned int>(wire.size())) != 0)
            throw TlsError("TLS ALPN list: " + detail::take_openssl_errors("rejected by OpenSSL"));
    }
    return TlsContext(std::move(state));
}

TlsContext TlsContext::server(const std::string& cert_chain_file, const std::string& private_key_file,
                              const TlsServerOptions& options) {
    auto state = std::make_shared<State>();
    state->server = true;
    state->verify = false;  // no client certificates are asked for
    SSL_CTX* ctx = state->ctx = new_ctx(true);
    if (SSL_CTX_use_certificate_chain_file(ctx, cert_chain_file.c_str()) != 1)
        throw TlsError("cannot load TLS certificate chain " + cert_chain_file + ": " +
                       detail::take_openssl_errors("no certificate in it"));
    // OpenSSL compares the key with the certificate as it loads it, so a
    // mismatch shows up here, as X509's reason, rather than in
    // SSL_CTX_check_private_key.
    const bool loaded = SSL_CTX_use_PrivateKey_file(ctx, private_key_file.c_str(), SSL_FILETYPE_PEM) == 1;
    if (!loaded && !is_key_mismatch(ERR_peek_last_error()))
        throw TlsError("cannot load TLS private key " + private_key_file + ": " +
                       detail::take_openssl_errors("no key in it"));
    if (!loaded || SSL_CTX_check_private_key(ctx) != 1)
        throw TlsError("TLS private key " + private_key_file + " does not match the certificate in " +
                       cert_chain_file + ": " + detail::take_openssl_errors("key values mismatch"));
    state->alpn_wire = alpn_wire_format(options.alpn);
    if (!state->alpn_wire.empty()) SSL_CTX_set_alpn_select_cb(ctx, select_alpn, &state->alpn_wire);
    return TlsContext(std::move(state));
}

bool TlsContext::is_server() const noexcept { return state_->server; }
bool TlsContext::verifies_peer() const noexcept { return state_->verify; }
ssl_ctx_st* TlsContext::native_handle() const noexcept { return state_->ctx; }

}  // namespace agentio::net
