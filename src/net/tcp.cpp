// tcp.cpp: TcpStream and TcpListener over non-blocking sockets.
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "agentio/core/sleep.hpp"
#include "agentio/net/errors.hpp"
#include "agentio/net/tcp_listener.hpp"
#include "agentio/net/tcp_stream.hpp"

namespace agentio::net {

namespace {

int open_socket(int family, const std::string& purpose) {
    int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) throw ConnectionError(errno_message(purpose + ": socket()", errno), errno);
    return fd;
}

void set_option(int fd, int level, int option, int value) noexcept {
    ::setsockopt(fd, level, option, &value, sizeof value);
}

}  // namespace

TcpStream::TcpStream(int fd, SocketAddress peer) : io_(fd, peer.to_string()), peer_(peer) {
    set_option(fd, IPPROTO_TCP, TCP_NODELAY, 1);
}

Task<TcpStream> TcpStream::connect(SocketAddress address) {
    const std::string what = "connect to " + address.to_string();
    TcpStream stream(open_socket(address.family(), what), address);
    if (::connect(stream.fd(), address.native(), address.native_size()) != 0) {
        if (errno != EINPROGRESS) throw ConnectionError(errno_message(what, errno), errno);
        co_await stream.io_.writable();
        int error = 0;
        socklen_t length = sizeof error;
        ::getsockopt(stream.fd(), SOL_SOCKET, SO_ERROR, &error, &length);
        if (error != 0) throw ConnectionError(errno_message(what, error), error);
    }
    co_return stream;
}

Task<std::size_t> TcpStream::read(std::span<char> buffer) {
    // The last read emptied the socket and nothing was reported since: a recv
    // now would only say EAGAIN. Wait first (as nginx does with its `ready`
    // flag); that saves a syscall per request on a keep-alive connection.
    if (drained_ && !io_.may_have_input()) co_await io_.readable();
    for (;;) {
        const ssize_t n = ::recv(fd(), buffer.data(), buffer.size(), 0);
        if (n >= 0) {
            // Fewer bytes than asked: the socket is empty now (a FIN queued
            // behind the data is reported separately, and sticks).
            drained_ = n > 0 && static_cast<std::size_t>(n) < buffer.size();
            if (drained_) io_.input_drained();
            co_return static_cast<std::size_t>(n);
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            co_await io_.readable();
        } else if (errno != EINTR) {
            throw ConnectionError(errno_message("read from " + peer(), errno), errno);
        }
    }
}

Task<> TcpStream::write(std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::send(fd(), data.data(), data.size(), MSG_NOSIGNAL);
        if (n >= 0) {
            data.remove_prefix(static_cast<std::size_t>(n));
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            co_await io_.writable();
        } else if (errno != EINTR) {
            throw ConnectionError(errno_message("write to " + peer(), errno), errno);
        }
    }
}

Task<> TcpStream::shutdown_write() {
    if (::shutdown(fd(), SHUT_WR) != 0 && errno != ENOTCONN)
        throw ConnectionError(errno_message("shutdown of " + peer(), errno), errno);
    co_return;
}

bool TcpStream::closed_by_peer() noexcept {
    if (!is_open()) return true;
    // The reactor saw nothing arrive since our last wait: no need to ask the
    // kernel (this runs before every reuse of a pooled connection).
    if (!io_.may_have_input()) return false;
    char byte;
    const ssize_t n = ::recv(fd(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK);  // data, EOF, or an error
}

SocketAddress TcpStream::local_address() const {
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    ::getsockname(fd(), reinterpret_cast<sockaddr*>(&storage), &length);
    return SocketAddress::from_native(reinterpret_cast<sockaddr*>(&storage), length);
}

TcpListener TcpListener::bind(const SocketAddress& address, int backlog) {
    const std::string what = "listen on " + address.to_string();
    TcpListener listener;
    const int fd = open_socket(address.family(), what);
    listener.io_ = IoHandle(fd, address.to_string());
    set_option(fd, SOL_SOCKET, SO_REUSEADDR, 1);
    if (address.is_ipv6()) set_option(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
    if (::bind(fd, address.native(), address.native_size()) != 0 || ::listen(fd, backlog) != 0)
        throw ConnectionError(errno_message(what, errno), errno);
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length);
    listener.local_ = SocketAddress::from_native(reinterpret_cast<sockaddr*>(&storage), length);
    return listener;
}

TcpListener TcpListener::bind(std::string_view ip, std::uint16_t port, int backlog) {
    auto address = SocketAddress::parse(ip, port);
    if (!address) throw ConnectionError("listen on " + std::string(ip) + ": not a numeric IPv4 or IPv6 address");
    return bind(*address, backlog);
}

Task<TcpStream> TcpListener::accept() {
    for (;;) {
        sockaddr_storage storage{};
        socklen_t length = sizeof storage;
        const int fd = ::accept4(io_.fd(), reinterpret_cast<sockaddr*>(&storage), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) co_return TcpStream(fd, SocketAddress::from_native(reinterpret_cast<sockaddr*>(&storage), length));
        switch (errno) {
            case EAGAIN:
                co_await io_.readable();
                break;
            case EINTR:
            case ECONNABORTED:
            case EPROTO:
                break;  // that one connection is gone; the next may be fine
            case EMFILE:
            case ENFILE:
            case ENOBUFS:
            case ENOMEM:
                // Out of descriptors or memory: serving what is open frees
                // some; spinning on accept would starve it.
                co_await sleep(std::chrono::milliseconds(50));
                break;
            default:
                throw ConnectionError(errno_message("accept on " + local_.to_string(), errno), errno);
        }
    }
}

}  // namespace agentio::net
