// pipe_stream.cpp: pipe reads and writes on the reactor.
//
// The same protocol as TcpStream: try the syscall, and wait for readiness
// only after EAGAIN (io_handle.hpp explains why no wake-up is lost). SIGPIPE
// is ignored process-wide on first use, as a server library must: a child
// that exits while we write would otherwise kill us; the write then fails
// with EPIPE, which we report as ConnectionError naming the peer.
#include "pipe_stream.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>

#include "agentio/net/errors.hpp"

namespace agentio::agent::mcp::detail {

namespace {

void ignore_sigpipe_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        struct sigaction current {};
        // Leave a handler the program installed alone.
        if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) ::signal(SIGPIPE, SIG_IGN);
    });
}

}  // namespace

bool set_nonblocking(int fd) {
    const int flags = ::fcntl(fd, F_GETFL);
    return flags >= 0 && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

PipeStream::PipeStream(int read_fd, int write_fd, std::string peer) : peer_(std::move(peer)) {
    ignore_sigpipe_once();
    if (read_fd >= 0) in_ = net::IoHandle(read_fd, peer_);
    if (write_fd >= 0) out_ = net::IoHandle(write_fd, peer_);
}

Task<std::size_t> PipeStream::read(std::span<char> buffer) {
    for (;;) {
        if (!in_.is_open()) throw net::ConnectionError("read from " + peer_ + ": the pipe is closed");
        const ssize_t n = ::read(in_.fd(), buffer.data(), buffer.size());
        if (n >= 0) co_return static_cast<std::size_t>(n);
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            co_await in_.readable();
        } else if (errno != EINTR) {
            throw net::ConnectionError(net::errno_message("read from " + peer_, errno), errno);
        }
    }
}

Task<> PipeStream::write(std::string_view data) {
    while (!data.empty()) {
        if (!out_.is_open()) throw net::ConnectionError("write to " + peer_ + ": the pipe is closed");
        const ssize_t n = ::write(out_.fd(), data.data(), data.size());
        if (n >= 0) {
            data.remove_prefix(static_cast<std::size_t>(n));
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            co_await out_.writable();
        } else if (errno != EINTR) {
            throw net::ConnectionError(net::errno_message("write to " + peer_, errno), errno);
        }
    }
}

Task<> PipeStream::shutdown_write() {
    close_write();
    co_return;
}

void PipeStream::close() noexcept {
    in_.close();
    out_.close();
}

}  // namespace agentio::agent::mcp::detail
