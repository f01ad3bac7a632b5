// tcp_listener.hpp: TcpListener, a listening TCP socket.
//
// bind() with port 0 picks a free port (port() says which): tests and the
// embedded simulator use that. accept() survives the transient failures a busy
// server sees (a connection aborted before accept, out of descriptors: it
// waits and retries) and throws only when the listener is closed.
#pragma once

#include <cstdint>
#include <string_view>

#include "agentio/net/io_handle.hpp"
#include "agentio/net/socket_address.hpp"
#include "agentio/net/tcp_stream.hpp"

namespace agentio::net {

class TcpListener {
public:
    TcpListener() = default;

    // Listens on `address` (SO_REUSEADDR; IPv6 sockets are IPv6-only).
    static TcpListener bind(const SocketAddress& address, int backlog = 4096);
    // Listens on a numeric address: bind("127.0.0.1", 0).
    static TcpListener bind(std::string_view ip, std::uint16_t port, int backlog = 4096);

    Task<TcpStream> accept();

    const SocketAddress& local_address() const noexcept { return local_; }
    std::uint16_t port() const noexcept { return local_.port(); }
    bool is_open() const noexcept { return io_.is_open(); }
    // Stops listening; a task blocked in accept() gets ConnectionError.
    void close() noexcept { io_.close(); }

private:
    IoHandle io_;
    SocketAddress local_;
};

}  // namespace agentio::net
