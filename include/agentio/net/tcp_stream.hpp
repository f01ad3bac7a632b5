// tcp_stream.hpp: TcpStream, a connected TCP socket, and connect().
//
// Non-blocking with TCP_NODELAY (request/response traffic wants no Nagle
// delay). Errors name the peer: "read from 127.0.0.1:8080: Connection reset by
// peer". A connect has no timeout of its own: wrap it in wait_for or a timeout
// scope (http::Client does), which closes the half-open socket on expiry.
#pragma once

#include <string_view>

#include "agentio/net/errors.hpp"
#include "agentio/net/io_handle.hpp"
#include "agentio/net/socket_address.hpp"
#include "agentio/net/stream.hpp"

namespace agentio::net {

class TcpStream final : public Stream {
public:
    TcpStream() = default;
    // Adopts a connected non-blocking socket (TcpListener::accept uses it).
    TcpStream(int fd, SocketAddress peer);

    // Connects to `address`; ConnectionError if refused or unreachable.
    static Task<TcpStream> connect(SocketAddress address);

    Task<std::size_t> read(std::span<char> buffer) override;
    Task<> write(std::string_view data) override;
    Task<> shutdown_write() override;
    void close() noexcept override { io_.close(); }
    bool is_open() const noexcept override { return io_.is_open(); }
    bool closed_by_peer() noexcept override;
    std::string peer() const override { return peer_.to_string(); }

    const SocketAddress& peer_address() const noexcept { return peer_; }
    SocketAddress local_address() const;
    int fd() const noexcept { return io_.fd(); }

private:
    IoHandle io_;
    SocketAddress peer_;
    bool drained_ = false;  // the last read returned less than asked
};

}  // namespace agentio::net
