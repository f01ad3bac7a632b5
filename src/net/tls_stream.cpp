// tls_stream.cpp: TLS records moved between OpenSSL's BIO pair and the transport.
//
// OpenSSL reads ciphertext from the pair's incoming ring and writes it into the
// outgoing ring; this file moves bytes between the rings and the transport
// with no buffer in between: BIO_nwrite0 and BIO_nread0 hand out pointers into
// the rings, and the transport reads into / writes from them directly.
//
// Why those pointers stay valid while the transport waits:
// - Incoming: only receive() appends, and only the reading side (the
//   handshake, then read()) calls it and SSL_read, one at a time. SSL_write
//   never consumes incoming bytes: renegotiation is off and a WANT_READ from
//   it is an error. So nothing consumes the ring (which would move its start)
//   while receive() waits for the transport to fill the free region.
// - Outgoing: any task may append (SSL_write, SSL_read answering a key
//   update), appends only fill free space, and only the holder of send_lock_
//   consumes; the region handed to the transport is data nobody else touches.
#include "agentio/net/tls_stream.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "agentio/net/socket_address.hpp"
#include "tls_openssl.hpp"

namespace agentio::net {

namespace {

// The largest record on the wire: 16 KiB of plaintext, OpenSSL's bound on
// the encryption overhead, the header.
constexpr std::size_t record_on_wire = 16384 + 320 + 5;
// Two records each way: a bulk write sends two records per transport write,
// and a connection costs 66 KiB of ring buffers, not more.
constexpr std::size_t ring_size = 2 * record_on_wire;

// Verification errors that mean "signed by no CA that we trust".
bool unknown_ca(long verify_result) {
    switch (verify_result) {
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
            return true;
        default:
            return false;
    }
}

bool is_verify_failure(unsigned long error) {
    return ERR_GET_LIB(error) == ERR_LIB_SSL && ERR_GET_REASON(error) == SSL_R_CERTIFICATE_VERIFY_FAILED;
}

}  // namespace

TlsStream::TlsStream(std::unique_ptr<Stream> transport, TlsContext context, bool server)
    : transport_(std::move(transport)), context_(std::move(context)) {
    ERR_clear_error();
    ssl_ = SSL_new(context_.native_handle());
    BIO* inner = nullptr;
    if (ssl_ == nullptr || BIO_new_bio_pair(&inner, ring_size, &network_, ring_size) != 1) {
        SSL_free(ssl_);  // the destructor does not run for a throwing constructor
        std::string message = "TLS setup for ";
        message += transport_->peer();
        message += ": ";
        message += detail::take_openssl_errors("out of memory");
        throw TlsError(message);
    }
    SSL_set_bio(ssl_, inner, inner);  // SSL owns `inner` from here
    if (server) SSL_set_accept_state(ssl_);
    else SSL_set_connect_state(ssl_);
}

TlsStream::~TlsStream() {
    SSL_free(ssl_);
    BIO_free(network_);
}

Task<std::unique_ptr<TlsStream>> TlsStream::connect(std::unique_ptr<Stream> transport, const TlsContext& context,
                                                    std::string server_name) {
    return start(std::move(transport), context, std::move(server_name), false);
}

Task<std::unique_ptr<TlsStream>> TlsStream::accept(std::unique_ptr<Stream> transport, const TlsContext& context) {
    return start(std::move(transport), context, {}, true);
}

Task<std::unique_ptr<TlsStream>> TlsStream::start(std::unique_ptr<Stream> transport, TlsContext context,
                                                  std::string server_name, bool server) {
    if (!transport) throw InvalidStateError("TLS over a null transport");
    if (context.is_server() != server)
        throw InvalidStateError(server ? "TlsStream::accept needs a server context (TlsContext::server)"
                                       : "TlsStream::connect needs a client context (TlsContext::client)");
    std::unique_ptr<TlsStream> stream(new TlsStream(std::move(transport), std::move(context), server));
    if (!server) stream->expect_server_name(std::move(server_name));
    co_await stream->handshake();
    co_return std::move(stream);
}

void TlsStream::expect_server_name(std::string name) {
    server_name_ = std::move(name);
    const bool verify = context_.verifies_peer();
    if (auto ip = SocketAddress::parse(server_name_, 0)) {
        // No SNI for an address (RFC 6066), but the certificate must name it.
        server_name_is_ip_ = true;
        if (verify && X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), ip->ip().c_str()) != 1)
            throw TlsError("TLS connect to " + transport_->peer() + ": cannot verify IP address " + server_name_);
    } else if (!server_name_.empty()) {
        SSL_set_tlsext_host_name(ssl_, server_name_.c_str());
        if (verify) {
            SSL_set_hostflags(ssl_, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
            if (SSL_set1_host(ssl_, server_name_.c_str()) != 1)
                throw TlsError("TLS connect to " + transport_->peer() + ": cannot verify host name " + server_name_);
        }
    } else if (verify) {
        throw TlsError("TLS connect to " + transport_->peer() +
                       ": no server name to verify the certificate against (pass the host name, or "
                       "use a context with verify = false)");
    }
    ERR_clear_error();
}

Task<> TlsStream::handshake() {
    for (;;) {
        ERR_clear_error();
        const int result = SSL_do_handshake(ssl_);
        if (result == 1) break;
        const int code = SSL_get_error(ssl_, result);
        if (code == SSL_ERROR_WANT_READ) {
            co_await flush();  // our flight first: the peer answers it
            if (!co_await receive()) {
                write_state_ = WriteState::Failed;
                std::string message = "TLS handshake with ";
                message += describe_peer();
                message += " failed: the connection was closed by the peer";
                throw TlsError(message);
            }
        } else if (code == SSL_ERROR_WANT_WRITE) {
            co_await flush();
        } else {
            std::string what = "TLS handshake with ";
            what += describe_peer();
            TlsError error = failure(what, code);
            co_await flush_quietly();  // the alert that tells the peer why
            throw error;
        }
    }
    // The client's Finished, or the server's session tickets.
    co_await flush();
    if (SSL_is_server(ssl_) == 1) {
        if (const char* name = SSL_get_servername(ssl_, TLSEXT_NAMETYPE_host_name)) server_name_ = name;
    }
}

Task<std::size_t> TlsStream::read(std::span<char> buffer) {
    std::size_t total = 0;
    while (read_state_ == ReadState::Open && total < buffer.size()) {
        ERR_clear_error();
        std::size_t n = 0;
        const int result = SSL_read_ex(ssl_, buffer.data() + total, buffer.size() - total, &n);
        if (result == 1) {
            total += n;
            continue;  // more records may already be here
        }
        const int code = SSL_get_error(ssl_, result);
        if (code == SSL_ERROR_ZERO_RETURN) {
            read_state_ = ReadState::CloseNotify;
        } else if (code == SSL_ERROR_WANT_WRITE) {
            co_await flush();
        } else if (code != SSL_ERROR_WANT_READ) {
            std::string what = "TLS read from ";
            what += describe_peer();
            throw failure(what, code);
        } else {
            // Reading may have queued bytes to send (a key update reply). If
            // another task is sending, its loop sends them too: waiting for it
            // here could stall this read behind a write the peer is not
            // reading yet.
            if (BIO_ctrl_pending(network_) > 0 && send_lock_.try_lock()) {
                Lock::Guard guard(send_lock_);
                co_await send_pending();
            }
            if (total > 0) break;  // give what we have; wait for no more
            if (!co_await receive()) {
                // At a WANT_READ the ring is empty, so bytes still held are
                // OpenSSL's, of a record the peer never finished.
                if (SSL_has_pending(ssl_) == 1)
                    throw UnexpectedEof("TLS read from " + describe_peer() +
                                        ": the connection closed in the middle of a TLS record");
                read_state_ = ReadState::TransportEof;
            }
        }
    }
    co_return total;
}

Task<> TlsStream::write(std::string_view data) {
    if (write_state_ != WriteState::Open) {
        std::string message = "TLS write to ";
        message += describe_peer();
        message += write_state_ == WriteState::Shut ? ": the stream was shut for writing" : ": the stream failed earlier";
        throw ConnectionError(message);
    }
    BIO* outgoing = SSL_get_wbio(ssl_);
    while (!data.empty()) {
        // Send before the ring gets too full for a whole record: otherwise
        // OpenSSL keeps the rest of the record in its own buffer (a copy more).
        if (BIO_ctrl_get_write_guarantee(outgoing) < record_on_wire && BIO_ctrl_pending(network_) > 0)
            co_await flush();
        ERR_clear_error();
        std::size_t written = 0;
        // One record per call (SSL_MODE_ENABLE_PARTIAL_WRITE). After
        // WANT_WRITE the call is repeated with the same bytes, as OpenSSL requires.
        const int result = SSL_write_ex(ssl_, data.data(), data.size(), &written);
        if (result == 1) {
            data.remove_prefix(written);
            continue;
        }
        const int code = SSL_get_error(ssl_, result);
        if (code != SSL_ERROR_WANT_WRITE) {
            std::string what = "TLS write to ";
            what += describe_peer();
            throw failure(what, code);
        }
        co_await flush();
    }
    co_await flush();
}

Task<> TlsStream::shutdown_write() {
    if (write_state_ == WriteState::Shut) co_return;
    if (write_state_ == WriteState::Open) {
        write_state_ = WriteState::Shut;
        for (;;) {
            ERR_clear_error();
            // 0: close_notify sent (queued); 1: and the peer's already came.
            const int result = SSL_shutdown(ssl_);
            if (result >= 0) break;
            const int code = SSL_get_error(ssl_, result);
            if (code != SSL_ERROR_WANT_WRITE) {
                std::string what = "TLS shutdown of ";
                what += describe_peer();
                throw failure(what, code);
            }
            co_await flush();
        }
        co_await flush();
    }
    co_await transport_->shutdown_write();
}

void TlsStream::close() noexcept { transport_->close(); }
bool TlsStream::is_open() const noexcept { return transport_->is_open(); }
bool TlsStream::closed_by_peer() noexcept { return !is_open() || SSL_pending(ssl_) > 0 || transport_->closed_by_peer(); }
std::string TlsStream::peer() const { return transport_->peer(); }

std::string TlsStream::alpn() const {
    const unsigned char* name = nullptr;
    unsigned int length = 0;
    SSL_get0_alpn_selected(ssl_, &name, &length);
    if (name == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(name), length);
}

std::string TlsStream::protocol_version() const { return SSL_get_version(ssl_); }

std::string TlsStream::server_name() const { return server_name_; }

Task<> TlsStream::flush() {
    if (BIO_ctrl_pending(network_) == 0) co_return;
    Lock::Guard guard = co_await send_lock_.acquire();
    co_await send_pending();
}

Task<> TlsStream::send_pending() {
    // Loops until the ring is empty, so bytes appended by another task while
    // this one waits on the transport go out too (read() counts on it).
    char* data = nullptr;
    for (int n; (n = BIO_nread0(network_, &data)) > 0;) {
        co_await transport_->write(std::string_view(data, static_cast<std::size_t>(n)));
        BIO_nread(network_, &data, n);
    }
}

Task<> TlsStream::flush_quietly() {
    try {
        co_await flush();
    } catch (const Error&) {
        // The peer may have hung up already; the caller reports its own error.
    }
}

Task<bool> TlsStream::receive() {
    char* space = nullptr;
    const int room = BIO_nwrite0(network_, &space);
    // OpenSSL asks for more only after taking every byte the ring held.
    if (room <= 0) throw TlsError("TLS read from " + describe_peer() + ": the receive ring is full");
    const std::size_t n = co_await transport_->read(std::span<char>(space, static_cast<std::size_t>(room)));
    if (n == 0) co_return false;
    BIO_nwrite(network_, &space, static_cast<int>(n));
    co_return true;
}

TlsError TlsStream::failure(const std::string& operation, int code) {
    write_state_ = WriteState::Failed;
    std::string reason;
    const long verify_result = SSL_get_verify_result(ssl_);
    if (code == SSL_ERROR_SSL && verify_result != X509_V_OK &&
        (is_verify_failure(ERR_peek_error()) || is_verify_failure(ERR_peek_last_error()))) {
        reason = "certificate verify failed: ";
        reason += X509_verify_cert_error_string(verify_result);
        if (unknown_ca(verify_result)) reason += " (unknown CA)";
        ERR_clear_error();
    } else {
        reason = detail::take_openssl_errors(code == SSL_ERROR_SYSCALL ? "the transport failed" : "protocol error");
    }
    std::string message = operation;
    message += " failed: ";
    message += reason;
    return TlsError(message);
}

std::string TlsStream::describe_peer() const {
    std::string peer = transport_->peer();
    if (server_name_.empty() || server_name_is_ip_ || SSL_is_server(ssl_) == 1) return peer;
    std::string described = server_name_;
    described += " (";
    described += peer;
    described += ")";
    return described;
}

}  // namespace agentio::net
