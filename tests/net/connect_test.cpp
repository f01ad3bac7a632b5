// net::connect: by literal and by name, the fall-through and the race between
// addresses (RFC 8305), the error naming every address, and the timeout that
// covers the DNS lookup (against a UDP socket that never answers).
#include <agentio/agentio.hpp>
#include <agentio/net/connect.hpp>
#include <agentio/net/tcp_listener.hpp>
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include "core/test_support.hpp"
#include "net/fake_dns.hpp"
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

using namespace agentio;
using namespace agentio::net;
using namespace std::chrono_literals;
using agentio::testkit::contains;
using agentio::testkit::virtual_clock;

namespace {

// A port nothing listens on (bound, then released).
std::uint16_t free_port() {
    auto listener = TcpListener::bind("127.0.0.1", 0);
    return listener.port();
}

// Opens connections to `address` until one stays pending: the listener's
// accept queue is full and later connects hang in SYN (what a dead route looks
// like). The sockets are kept open. False if none stays pending.
bool fill_backlog(const SocketAddress& address, std::vector<int>& sockets) {
    for (int i = 0; i < 16; ++i) {
        const int fd = ::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        sockets.push_back(fd);
        ::connect(fd, address.native(), address.native_size());
        pollfd writable{fd, POLLOUT, 0};
        if (::poll(&writable, 1, 100) == 0) return true;
    }
    return false;
}

TEST(ConnectTest, ConnectsToAnIpv4Literal) {
    run([]() -> Task<> {
        auto listener = TcpListener::bind("127.0.0.1", 0);
        TcpStream stream = co_await net::connect("127.0.0.1", listener.port());
        TcpStream peer = co_await listener.accept();
        EXPECT_EQ(stream.peer_address(), listener.local_address());
        co_await stream.write("hi");
        char buffer[4];
        const std::size_t n = co_await peer.read(buffer);
        EXPECT_EQ(std::string(buffer, n), "hi");
    }());
}

TEST(ConnectTest, LocalhostFallsThroughARefusedIpv6LoopbackToIpv4) {
    run([]() -> Task<> {
        auto listener = TcpListener::bind("127.0.0.1", 0);  // nothing on [::1]:port
        TcpStream stream = co_await net::connect("localhost", listener.port());
        EXPECT_EQ(stream.peer(), "127.0.0.1:" + std::to_string(listener.port()));
        TcpStream peer = co_await listener.accept();
        EXPECT_EQ(peer.peer_address(), stream.local_address());
    }());
}

TEST(ConnectTest, ARefusedPortNamesEveryAddressTried) {
    const std::uint16_t port = free_port();
    const std::string p = std::to_string(port);
    run([&]() -> Task<> {
        try {
            co_await net::connect("localhost", port);
            ADD_FAILURE() << "connected";
        } catch (const ConnectionError& e) {
            const std::string message = e.what();
            EXPECT_TRUE(contains(message, "connect to localhost:" + p + ": [::1]:" + p + ": ")) << message;
            EXPECT_TRUE(contains(message, "; 127.0.0.1:" + p + ": Connection refused")) << message;
            EXPECT_EQ(e.code(), ECONNREFUSED);
        }
        try {
            ConnectOptions options;
            options.family = Family::V4;
            co_await net::connect("localhost", port, options);
            ADD_FAILURE() << "connected";
        } catch (const ConnectionError& e) {
            EXPECT_EQ(std::string(e.what()), "connect to localhost:" + p + ": 127.0.0.1:" + p + ": Connection refused");
        }
        try {
            co_await net::connect("127.0.0.1", port);
            ADD_FAILURE() << "connected";
        } catch (const ConnectionError& e) {
            // The address is the target: named once.
            EXPECT_EQ(std::string(e.what()), "connect to 127.0.0.1:" + p + ": Connection refused");
        }
    }());
}

TEST(ConnectTest, TheNextAddressStartsAfterTheAttemptDelayAndTheFirstToConnectWins) {
    // localhost is [::1] then 127.0.0.1: [::1] hangs (full accept queue), so
    // 127.0.0.1 starts 250 ms later and wins; the hanging attempt is dropped.
    std::unique_ptr<TcpListener> hanging;
    try {
        hanging = std::make_unique<TcpListener>(TcpListener::bind("::1", 0, 0));
    } catch (const ConnectionError&) {
        GTEST_SKIP() << "no IPv6 loopback here";
    }
    auto listener = TcpListener::bind("127.0.0.1", hanging->port());
    std::vector<int> fillers;
    if (!fill_backlog(hanging->local_address(), fillers)) {
        for (int fd : fillers) ::close(fd);
        GTEST_SKIP() << "connects to a full accept queue do not hang here";
    }
    run(
        [&]() -> Task<> {
            const TimePoint started = get_running_loop().now();
            TcpStream stream = co_await net::connect("localhost", listener.port());
            EXPECT_EQ(get_running_loop().now() - started, 250ms);  // virtual clock: exact
            EXPECT_EQ(stream.peer_address(), listener.local_address());
            TcpStream peer = co_await listener.accept();
            co_await peer.write("won");
            char buffer[4];
            const std::size_t n = co_await stream.read(buffer);
            EXPECT_EQ(std::string(buffer, n), "won");
            EXPECT_EQ(get_running_loop().pending_tasks(), 1u);  // no attempt left behind
        }(),
        virtual_clock());
    for (int fd : fillers) ::close(fd);
}

TEST(ConnectTest, TheTimeoutCoversTheLookupAndNamesHostAndBudget) {
    FakeDns dns;
    dns.set_mode(FakeDns::Mode::Silent);
    run(
        [&]() -> Task<> {
            Resolver resolver(using_server(dns, 1s, 1));
            ConnectOptions options;
            options.timeout = 2s;
            options.resolver = &resolver;
            const TimePoint started = get_running_loop().now();
            try {
                co_await net::connect("slow.test", 443, options);
                ADD_FAILURE() << "connected";
            } catch (const TimeoutError& e) {
                EXPECT_STREQ(e.what(), "connect to slow.test:443: timed out after 2.000 s");
            }
            EXPECT_EQ(get_running_loop().now() - started, 2s);
            EXPECT_EQ(resolver.queries_in_flight(), 1u);  // abandoned, finishing in the background
        }(),
        virtual_clock());
}

TEST(ConnectTest, AnEnclosingTimeoutStaysItsOwnError) {
    FakeDns dns;
    dns.set_mode(FakeDns::Mode::Silent);
    run(
        [&]() -> Task<> {
            Resolver resolver(using_server(dns, 1s, 1));
            ConnectOptions options;
            options.timeout = 10s;
            options.resolver = &resolver;
            try {
                co_await wait_for(net::connect("slow.test", 443, options), 1s);
                ADD_FAILURE() << "connected";
            } catch (const TimeoutError& e) {
                EXPECT_FALSE(contains(e.what(), "slow.test")) << e.what();  // the outer scope's, not connect's
            }
        }(),
        virtual_clock());
}

TEST(ConnectTest, ALookupFailureIsTheResolversDnsError) {
    // Nothing listens on this UDP port: c-ares sees "connection refused".
    const std::uint16_t port = free_port();
    run([&]() -> Task<> {
        ResolverOptions resolver_options;
        resolver_options.servers = {"127.0.0.1:" + std::to_string(port)};
        resolver_options.timeout = 500ms;
        resolver_options.tries = 1;
        Resolver resolver(resolver_options);
        ConnectOptions options;
        options.resolver = &resolver;
        try {
            co_await net::connect("unreachable.test", 80, options);
            ADD_FAILURE() << "connected";
        } catch (const DnsError& e) {
            EXPECT_TRUE(contains(e.what(), "resolve unreachable.test: ")) << e.what();
        }
    }());
}

}  // namespace
