// raw_peer.hpp: RawPeer, a hand-driven TCP client for hostile-input tests.
//
// It sends exactly the bytes a test gives (malformed heads, half bodies),
// resets or stalls on purpose, and reads what comes back with a deadline,
// reporting how the exchange ended (the server closed, reset, or said nothing
// in time). It uses plain blocking sockets with poll(), not agentio, so that
// the harness judging the server does not share its code. Its response
// parser is deliberately small: a status line, header lines, and a
// Content-Length body are all these tests look at.
#pragma once

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <strings.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "integration/support.hpp"

namespace agentio::itest {

// How reading stopped.
enum class ReadEnd {
    Complete,  // a whole response (head and Content-Length body) arrived
    Closed,    // the server closed (FIN) first
    Reset,     // the connection was reset (ECONNRESET)
    Timeout,   // nothing more within the deadline: a hang, for these tests
};

inline const char* to_string(ReadEnd end) {
    switch (end) {
        case ReadEnd::Complete: return "complete";
        case ReadEnd::Closed: return "closed";
        case ReadEnd::Reset: return "reset";
        case ReadEnd::Timeout: return "timeout";
    }
    return "?";
}

struct RawResponse {
    ReadEnd end = ReadEnd::Timeout;
    std::string bytes;  // everything received
    int status = 0;     // from the status line, 0 if none arrived
    std::string head;   // through the empty line
    std::string body;   // per Content-Length, when the response was complete

    std::optional<std::string> header(std::string_view name) const {
        std::size_t at = head.find("\r\n");
        while (at != std::string::npos && at + 2 < head.size()) {
            const std::size_t end = head.find("\r\n", at + 2);
            const std::string line = head.substr(at + 2, end - at - 2);
            const std::size_t colon = line.find(':');
            if (colon == name.size() && ::strncasecmp(line.data(), name.data(), name.size()) == 0) {
                std::size_t value = colon + 1;
                while (value < line.size() && line[value] == ' ') ++value;
                return line.substr(value);
            }
            at = end;
        }
        return std::nullopt;
    }
};

class RawPeer {
public:
    // Connects to 127.0.0.1:`port` (blocking, loopback: immediate).
    explicit RawPeer(std::uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(port);
        if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
            const int error = errno;
            if (fd_ >= 0) ::close(fd_);
            fd_ = -1;
            throw std::runtime_error("RawPeer: connect to port " + std::to_string(port) + ": " + std::strerror(error));
        }
        const int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    ~RawPeer() { close(); }
    RawPeer(const RawPeer&) = delete;
    RawPeer& operator=(const RawPeer&) = delete;

    // Sends all of `data`; false if the server stopped taking it (it may have
    // answered and closed early, which the tests accept) or `limit` passed.
    bool send(std::string_view data, Millis limit = Millis(5000)) {
        const auto deadline = SteadyClock::now() + limit;
        while (!data.empty()) {
            if (!wait_for(POLLOUT, deadline)) return false;
            const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
            if (n <= 0) return false;
            data.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

    // Half-closes: the server sees the end of the request stream.
    void shutdown_write() { ::shutdown(fd_, SHUT_WR); }

    // Closes with a TCP reset instead of a FIN (SO_LINGER with zero time).
    void reset() {
        const linger abort{1, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
        close();
    }

    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

    // Reads one response: stops once a head and its Content-Length body are
    // in (Complete), at the server's close or reset, or at the deadline.
    RawResponse read_response(Millis limit = Millis(5000)) { return read(limit, true); }
    // Reads until the server closes or resets (or the deadline passes).
    RawResponse read_until_close(Millis limit = Millis(5000)) { return read(limit, false); }

private:
    bool wait_for(short events, SteadyClock::time_point deadline) {
        for (;;) {
            const auto left = std::chrono::duration_cast<Millis>(deadline - SteadyClock::now()).count();
            if (left <= 0) return false;
            pollfd watch{fd_, events, 0};
            const int ready = ::poll(&watch, 1, static_cast<int>(left));
            if (ready > 0) return true;
            if (ready < 0 && errno != EINTR) return false;
        }
    }

    RawResponse read(Millis limit, bool stop_at_complete) {
        const auto deadline = SteadyClock::now() + limit;
        RawResponse response;
        response.bytes = std::move(leftover_);
        leftover_.clear();
        for (;;) {
            if (stop_at_complete) {
                if (const auto used = parse(response)) {
                    // Bytes past it (a pipelined next response) wait for the next read.
                    leftover_ = response.bytes.substr(*used);
                    response.bytes.resize(*used);
                    response.end = ReadEnd::Complete;
                    return response;
                }
            }
            if (!wait_for(POLLIN, deadline)) {
                parse(response);
                response.end = ReadEnd::Timeout;
                return response;
            }
            char buffer[16 * 1024];
            const ssize_t n = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
            if (n > 0) {
                response.bytes.append(buffer, static_cast<std::size_t>(n));
                continue;
            }
            parse(response);
            response.end = n == 0 ? ReadEnd::Closed : ReadEnd::Reset;
            return response;
        }
    }

    // Fills status, head and body from the bytes; the length of the first
    // response once it is whole (a head with a Content-Length body).
    static std::optional<std::size_t> parse(RawResponse& response) {
        const std::string& bytes = response.bytes;
        if (bytes.size() >= 12 && bytes.compare(0, 5, "HTTP/") == 0)
            response.status = std::atoi(bytes.substr(9, 3).c_str());
        const std::size_t head_end = bytes.find("\r\n\r\n");
        if (head_end == std::string::npos) return std::nullopt;
        response.head = bytes.substr(0, head_end + 4);
        const auto length = response.header("Content-Length");
        if (!length) return std::nullopt;  // chunked or close-delimited: read until close
        const std::size_t body_length = std::strtoull(length->c_str(), nullptr, 10);
        if (bytes.size() < head_end + 4 + body_length) return std::nullopt;
        response.body = bytes.substr(head_end + 4, body_length);
        return head_end + 4 + body_length;
    }

    int fd_ = -1;
    std::string leftover_;
};

}  // namespace agentio::itest
