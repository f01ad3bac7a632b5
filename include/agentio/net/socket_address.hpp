// socket_address.hpp: an IPv4 or IPv6 address and port.
//
// A plain value (a sockaddr_storage inside): cheap to copy, comparable, and
// printable as "127.0.0.1:8080" or "[::1]:8080". Host names are not addresses:
// resolve them with net::resolve (resolver.hpp).
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace agentio::net {

class SocketAddress {
public:
    SocketAddress() noexcept;
    // From a numeric IPv4 or IPv6 literal ("::1" or "[::1]"); nullopt if `ip`
    // is not one.
    static std::optional<SocketAddress> parse(std::string_view ip, std::uint16_t port);
    // From what the kernel filled in (accept, getsockname).
    static SocketAddress from_native(const sockaddr* address, socklen_t length);

    int family() const noexcept { return storage_.ss_family; }
    bool is_ipv6() const noexcept { return family() == AF_INET6; }
    std::uint16_t port() const noexcept;
    void set_port(std::uint16_t port) noexcept;
    // The address alone ("::1"), and with the port ("[::1]:443").
    std::string ip() const;
    std::string to_string() const;

    const sockaddr* native() const noexcept { return reinterpret_cast<const sockaddr*>(&storage_); }
    socklen_t native_size() const noexcept { return length_; }

    friend bool operator==(const SocketAddress& a, const SocketAddress& b) noexcept;

private:
    sockaddr_storage storage_;
    socklen_t length_ = 0;
};

}  // namespace agentio::net
