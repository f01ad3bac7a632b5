// tls_context.hpp: TlsContext, the shared TLS configuration of a client or a server.
//
//     auto client = TlsContext::client();  // the system's CAs, verification on
//     TlsClientOptions options;
//     options.ca_file = "test-ca.pem";     // trust this CA only
//     auto test_client = TlsContext::client(options);
//     auto server = TlsContext::server("chain.pem", "key.pem");
//
// A context wraps one reference-counted OpenSSL SSL_CTX: copies are cheap and
// share it, and it lives as long as the last copy or the last TlsStream made
// from it. It is immutable once made, so any number of connections on any
// loop may use it at once.
//
// Invariants kept:
// - A client context verifies the peer's chain AND its name (the name given
//   to TlsStream::connect) unless `verify` was explicitly turned off.
// - TLS 1.2 is the oldest version either side speaks; renegotiation is off.
// - Loading errors are TlsError naming the file and OpenSSL's reason, thrown
//   by client()/server(), never later at connect time.
#pragma once

#include <memory>
#include <string>
#include <vector>

struct ssl_ctx_st;  // OpenSSL's SSL_CTX

namespace agentio::net {

struct TlsClientOptions {
    // Verify the server's certificate chain and host name. Turning it off
    // accepts any certificate, a man in the middle's included: for tests and
    // known self-signed peers only.
    bool verify = true;
    // A PEM file of CA certificates to trust instead of the system store
    // (a test CA, a company CA). Empty: the system store.
    std::string ca_file;
    // Offered by ALPN, in order of preference; empty: no ALPN extension.
    std::vector<std::string> alpn = {"http/1.1"};
};

struct TlsServerOptions {
    // Accepted by ALPN, in the server's order of preference: the first of
    // these that the client offers is chosen. A client that offers none of
    // them is served without ALPN rather than refused.
    std::vector<std::string> alpn = {"http/1.1"};
};

class TlsContext {
public:
    // A client context. TlsError if `ca_file` cannot be loaded; Error if an
    // ALPN name is empty or longer than 255 bytes.
    static TlsContext client(const TlsClientOptions& options = {});
    // A server context presenting the PEM certificate chain (leaf first) and
    // its private key. TlsError naming the file if either cannot be loaded,
    // or naming both if the key does not belong to the certificate.
    static TlsContext server(const std::string& cert_chain_file, const std::string& private_key_file,
                             const TlsServerOptions& options = {});

    bool is_server() const noexcept;
    // False only for a client made with `verify = false`.
    bool verifies_peer() const noexcept;

    // The SSL_CTX, for settings this class does not offer (cipher lists,
    // session caching). Changing it while connections are being made is a race.
    ssl_ctx_st* native_handle() const noexcept;

private:
    struct State;
    explicit TlsContext(std::shared_ptr<const State> state) noexcept : state_(std::move(state)) {}

    std::shared_ptr<const State> state_;
};

}  // namespace agentio::net
