// tls_stream.hpp: TlsStream, TLS over any Stream (TCP, a proxy tunnel).
//
// compile-context: extern SocketAddress address; extern TlsContext context; extern std::string request;
//     auto tcp = std::make_unique<TcpStream>(co_await TcpStream::connect(address));
//     auto tls = co_await TlsStream::connect(std::move(tcp), context, "api.example.com");
//     co_await tls->write(request);
//
// OpenSSL never touches a socket: it reads and writes two in-memory buffers
// (a BIO pair), and the stream moves the ciphertext between those buffers and
// the transport with the transport's own coroutine read and write. So a TLS
// operation is cancelled, and times out, exactly like the transport's:
// wrap connect/accept in wait_for or a timeout scope to bound a handshake.
// After a cancelled or failed operation the stream's state is unknown: close it.
//
// Semantics:
// - connect() sends SNI = `server_name` unless it is an IP literal, and
//   verifies (when the context does) that the certificate is valid for that
//   name or IP address. A failed handshake is TlsError saying why in words:
//   "TLS handshake with localhost (127.0.0.1:8443) failed: certificate verify
//   failed: certificate has expired".
// - read() decrypts as many bytes as are already here and fit the buffer; it
//   waits for the transport only when nothing is. It returns 0 at the peer's
//   close_notify AND at a bare end of the transport without close_notify
//   (many servers close that way; close_notify_received() tells the two
//   apart, and framing such as Content-Length is what says whether data was
//   lost). An end in the middle of a TLS record is UnexpectedEof.
// - write() cuts data into records of up to 16 KiB and sends as many records
//   as the send buffer holds with one transport write.
// - shutdown_write() sends close_notify, then shuts the transport's write side.
//   Reading still works after it; writing is ConnectionError. close() drops
//   the connection with no goodbye.
// - A record that fails to decrypt or a fatal alert is TlsError; the
//   transport's own failures come through as its ConnectionError.
// - One read and one write may be in flight at once (Stream's rule). Both
//   send through one lock, so bytes that a read has to send (a key update
//   reply) never interleave with a write's records.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "agentio/core/lock.hpp"
#include "agentio/net/errors.hpp"
#include "agentio/net/stream.hpp"
#include "agentio/net/tls_context.hpp"

struct ssl_st;  // OpenSSL's SSL
struct bio_st;  // OpenSSL's BIO

namespace agentio::net {

class TlsStream final : public Stream {
public:
    // The client side of a handshake over `transport`. `server_name` is the
    // host name or IP address the caller meant to reach; it may be empty
    // only with a context that does not verify. Both calls copy the context
    // at once, so a temporary context is fine. TlsError if the handshake
    // fails, ConnectionError if the transport does, InvalidStateError for a
    // context of the wrong side.
    static Task<std::unique_ptr<TlsStream>> connect(std::unique_ptr<Stream> transport, const TlsContext& context,
                                                    std::string server_name);
    // The server side of a handshake over an accepted `transport`.
    static Task<std::unique_ptr<TlsStream>> accept(std::unique_ptr<Stream> transport, const TlsContext& context);

    ~TlsStream() override;
    TlsStream(const TlsStream&) = delete;
    TlsStream& operator=(const TlsStream&) = delete;

    Task<std::size_t> read(std::span<char> buffer) override;
    Task<> write(std::string_view data) override;
    Task<> shutdown_write() override;
    void close() noexcept override;
    bool is_open() const noexcept override;
    // Decrypted bytes waiting, or anything (a close_notify, a FIN) on the transport.
    bool closed_by_peer() noexcept override;
    std::string peer() const override;

    // The protocol chosen by ALPN ("http/1.1"); empty if none was.
    std::string alpn() const;
    // "TLSv1.3" or "TLSv1.2".
    std::string protocol_version() const;
    // The client: the name it asked for. The server: the SNI the client sent.
    std::string server_name() const;
    // Whether read() ended (or will end) with the peer's close_notify rather
    // than a bare end of the transport.
    bool close_notify_received() const noexcept { return read_state_ == ReadState::CloseNotify; }

    Stream& transport() noexcept { return *transport_; }

private:
    enum class ReadState : std::uint8_t { Open, CloseNotify, TransportEof };
    // Shut: close_notify sent. Failed: a fatal TLS error, after which OpenSSL
    // must not be asked to send anything more (not even close_notify).
    enum class WriteState : std::uint8_t { Open, Shut, Failed };

    TlsStream(std::unique_ptr<Stream> transport, TlsContext context, bool server);

    // connect() and accept() copy the context before the task starts (a
    // temporary argument may be gone by the time it is awaited) and call this.
    static Task<std::unique_ptr<TlsStream>> start(std::unique_ptr<Stream> transport, TlsContext context,
                                                  std::string server_name, bool server);
    void expect_server_name(std::string name);
    Task<> handshake();
    // Sends everything OpenSSL has written into the outgoing buffer.
    Task<> flush();
    // The same, by a task that already holds send_lock_.
    Task<> send_pending();
    // flush() that swallows the transport's errors: for an alert after a
    // failure, which the peer may already have stopped listening for.
    Task<> flush_quietly();
    // Reads once from the transport into the incoming buffer; false at its end.
    Task<bool> receive();
    // A TlsError for the failed OpenSSL call whose SSL_get_error was `code`;
    // leaves this thread's OpenSSL error queue empty.
    TlsError failure(const std::string& operation, int code);
    // "localhost (127.0.0.1:8443)", or the transport's peer alone.
    std::string describe_peer() const;

    std::unique_ptr<Stream> transport_;
    TlsContext context_;  // keeps the SSL_CTX and its ALPN list alive
    ssl_st* ssl_ = nullptr;
    bio_st* network_ = nullptr;  // our end of the BIO pair; OpenSSL owns the other
    std::string server_name_;
    bool server_name_is_ip_ = false;
    Lock send_lock_;
    ReadState read_state_ = ReadState::Open;
    WriteState write_state_ = WriteState::Open;
};

}  // namespace agentio::net
