// connect.hpp: net::connect(host, port), a TCP connection to a named host.
//
//     TcpStream stream = co_await net::connect("api.openai.com", 443, {.timeout = 10s});
//
// Resolves `host` (resolver.hpp: literals, localhost, /etc/hosts, DNS), then
// races the addresses as RFC 8305 ("happy eyeballs") says: the first attempt
// starts at once; each next one starts when the previous attempt failed or
// `attempt_delay` (250 ms) passed without it connecting, whichever is first,
// so a dead IPv6 route costs 250 ms, not a TCP timeout. The first connection
// made wins; every other attempt is cancelled and its socket closed (also one
// that connected in the same instant). The addresses are tried in the
// resolver's order, which alternates families.
//
// Errors:
// - DnsError from the lookup, as is;
// - ConnectionError when every address failed, naming each address tried and
//   its error ("connect to localhost:8080: [::1]:8080: Connection refused;
//   127.0.0.1:8080: Connection refused"); code() is the errno of the last
//   address in that list;
// - TimeoutError when `timeout` (the whole connect: DNS and every attempt)
//   passes: "connect to example.com:443: timed out after 5.000 s". An enclosing
//   timeout scope or a cancellation works as usual and is not turned into
//   this error.
// A cancelled or timed-out connect has closed every socket it opened and left
// no task behind (the attempts are children of a task group).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "agentio/core/clock.hpp"
#include "agentio/core/task.hpp"
#include "agentio/net/resolver.hpp"
#include "agentio/net/tcp_stream.hpp"

namespace agentio::net {

struct ConnectOptions {
    // Budget for the whole connect, DNS included; none by default.
    std::optional<Duration> timeout;
    // Which address families to connect over.
    Family family = Family::Any;
    // RFC 8305's "Connection Attempt Delay" (it recommends 250 ms).
    Duration attempt_delay = std::chrono::milliseconds(250);
    // Null: Resolver::for_current_loop(). Must outlive the connect.
    Resolver* resolver = nullptr;
};

Task<TcpStream> connect(std::string host, std::uint16_t port, ConnectOptions options = {});

}  // namespace agentio::net
