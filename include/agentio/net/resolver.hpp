// resolver.hpp: Resolver, host names to addresses through c-ares on the loop.
//
//     auto addresses = co_await net::resolve("api.openai.com", 443);
//
// No thread per lookup: c-ares's sockets are watched by the loop's reactor and
// its retry timeouts by a timerfd in the same reactor, so a lookup is one more
// thing the loop waits on.
//
// What resolve() answers:
// - numeric IPv4/IPv6 literals ("10.0.0.1", "::1", "[::1]") at once, without
//   c-ares;
// - "localhost" and names under ".localhost" with the loopback addresses
//   without asking anyone (RFC 6761, as curl and browsers do): ::1 then
//   127.0.0.1 for Family::Any;
// - anything else through ares_getaddrinfo, which reads /etc/hosts and
//   /etc/resolv.conf as the system resolver does. The addresses come in
//   c-ares's RFC 6724 order (getaddrinfo's), then interleaved by family
//   starting with the first one's (RFC 8305, section 4), so connect() tries an
//   IPv6 and an IPv4 address before a second of either. Duplicates are dropped.
//   (c-ares reads resolv.conf when a resolver attaches and the hosts file at
//   each lookup, on the loop thread: small local files.)
// Every address carries the requested port.
//
// Cache: answers are kept per (lower-cased host, family) for their record TTL
// (the smallest in the answer), at least 1 s and at most `max_ttl`, measured
// on the loop's clock (so tests can move it with the virtual clock). Failures
// are not cached. Concurrent lookups of one name share one query.
//
// Errors: DnsError naming the host and c-ares's reason, e.g.
// "resolve nope.invalid: Domain name not found". c-ares's own retry timeouts
// (ResolverOptions::timeout and tries) end in a DnsError too; a deadline of an
// enclosing timeout scope cancels the wait as usual.
//
// Cancellation: a cancelled resolve() throws CancelledError at once. The query
// goes on in the background if others wait for it or nobody does (its answer
// still fills the cache); its completion only wakes the tasks still waiting,
// which are linked from the query and unlink themselves when cancelled, so it
// never touches a cancelled waiter.
//
// Lifetime: a Resolver attaches to the loop it is first used on and then works
// only there (InvalidStateError elsewhere). It keeps a small background task
// on that loop ("agentio DNS resolver" in pending_tasks() and debug dumps;
// only once a lookup needed c-ares), which the loop's shutdown drain (when
// run() ends) cancels: that
// detaches the resolver (pending queries fail with DnsError, sockets close,
// cache is cleared), after which it may be used on another loop. Destroying an
// attached Resolver on its loop detaches it the same way. Destroy it on its
// loop's thread, while that loop is alive or after it has drained.
//
// Virtual clock: c-ares measures its retry timeouts on the real monotonic
// clock, so they are not loop timers. A lookup arms no virtual timer: with
// nothing else pending the loop waits for the real answer instead of jumping
// virtual time forward.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agentio/core/clock.hpp"
#include "agentio/core/task.hpp"
#include "agentio/net/errors.hpp"
#include "agentio/net/socket_address.hpp"

namespace agentio::net {

enum class Family : std::uint8_t { Any, V4, V6 };

struct ResolverOptions {
    // Per-try timeout of a DNS query (c-ares doubles it per round of servers);
    // default: resolv.conf's "options timeout:", else c-ares's 5 s.
    std::optional<Duration> timeout;
    // Tries per server; default: resolv.conf's "options attempts:", else 4.
    std::optional<int> tries;
    // Name servers as "ip" or "ip:port" ("127.0.0.1:5353", "[::1]:53");
    // empty: those of /etc/resolv.conf.
    std::vector<std::string> servers;
    // Longest time an answer is cached; zero disables the cache.
    Duration max_ttl = std::chrono::seconds(300);
};

class Resolver {
public:
    class Core;  // the channel, its watches, the queries and the cache (resolver.cpp)

    explicit Resolver(ResolverOptions options = {});
    ~Resolver();
    Resolver(Resolver&&) noexcept;
    Resolver& operator=(Resolver&&) noexcept;
    Resolver(const Resolver&) = delete;
    Resolver& operator=(const Resolver&) = delete;

    // The running loop's default resolver (default options), created on first
    // use and kept in a thread-local table keyed by loop: it lives until the
    // thread ends, detached from its loop when that loop drains and reattached
    // by the next loop that uses it. InvalidStateError outside a running loop.
    static Resolver& for_current_loop();

    // The addresses of `host` with `port` set, in the order to try them (see
    // the file comment). Never empty: no address is a DnsError.
    Task<std::vector<SocketAddress>> resolve(std::string host, std::uint16_t port, Family family = Family::Any);

    // Answers cached now (expired ones included until they are looked up).
    std::size_t cache_size() const noexcept;
    void clear_cache() noexcept;
    // Queries c-ares is working on (cancelled ones finish in the background).
    std::size_t queries_in_flight() const noexcept;

private:
    std::shared_ptr<Core> core_;
};

// Resolver::for_current_loop().resolve(...), the loop's default resolver
// looked up when the returned Task starts.
Task<std::vector<SocketAddress>> resolve(std::string host, std::uint16_t port, Family family = Family::Any);

}  // namespace agentio::net
