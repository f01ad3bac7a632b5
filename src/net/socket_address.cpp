#include "agentio/net/socket_address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

#include "agentio/net/errors.hpp"

namespace agentio::net {

std::string errno_message(const std::string& operation, int code) {
    return operation + ": " + std::strerror(code);
}

SocketAddress::SocketAddress() noexcept { std::memset(&storage_, 0, sizeof storage_); }

std::optional<SocketAddress> SocketAddress::parse(std::string_view ip, std::uint16_t port) {
    if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
    if (ip.empty() || ip.size() >= INET6_ADDRSTRLEN) return std::nullopt;
    char text[INET6_ADDRSTRLEN] = {};
    std::memcpy(text, ip.data(), ip.size());
    SocketAddress address;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&address.storage_);
    if (::inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        address.length_ = sizeof(sockaddr_in);
        return address;
    }
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&address.storage_);
    if (::inet_pton(AF_INET6, text, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        address.length_ = sizeof(sockaddr_in6);
        return address;
    }
    return std::nullopt;
}

SocketAddress SocketAddress::from_native(const sockaddr* native, socklen_t length) {
    SocketAddress address;
    length = std::min<socklen_t>(length, sizeof address.storage_);
    std::memcpy(&address.storage_, native, length);
    address.length_ = length;
    return address;
}

std::uint16_t SocketAddress::port() const noexcept {
    if (is_ipv6()) return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
    return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
}

void SocketAddress::set_port(std::uint16_t port) noexcept {
    if (is_ipv6()) reinterpret_cast<sockaddr_in6*>(&storage_)->sin6_port = htons(port);
    else reinterpret_cast<sockaddr_in*>(&storage_)->sin_port = htons(port);
}

std::string SocketAddress::ip() const {
    char text[INET6_ADDRSTRLEN] = {};
    if (is_ipv6()) ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, text, sizeof text);
    else if (family() == AF_INET) ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, text, sizeof text);
    else return "(no address)";
    return text;
}

std::string SocketAddress::to_string() const {
    // Appended piece by piece: g++ 12 -O3 warns (-Wrestrict, wrongly) on "[" + ip() + ...
    std::string text;
    if (is_ipv6()) text.append("[").append(ip()).append("]");
    else text.append(ip());
    text.append(":").append(std::to_string(port()));
    return text;
}

bool operator==(const SocketAddress& a, const SocketAddress& b) noexcept {
    return a.length_ == b.length_ && std::memcmp(&a.storage_, &b.storage_, a.length_) == 0;
}

}  // namespace agentio::net
