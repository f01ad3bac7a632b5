// Resolver: literals, localhost, /etc/hosts, and DNS against a fake server on
// 127.0.0.1 (a plain UDP socket on a thread) that answers A/AAAA records with
// a TTL or NXDOMAIN, stays silent, or holds its answers until released.
#include <agentio/agentio.hpp>
#include <agentio/net/resolver.hpp>
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include "core/test_support.hpp"
#include "net/fake_dns.hpp"
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace agentio;
using namespace agentio::net;
using namespace std::chrono_literals;
using agentio::testkit::virtual_clock;

namespace {

std::vector<std::string> texts(const std::vector<SocketAddress>& addresses) {
    std::vector<std::string> out;
    for (const auto& address : addresses) out.push_back(address.to_string());
    return out;
}

using Strings = std::vector<std::string>;

TEST(ResolverTest, LiteralsComeBackAtOnceWithoutAQuery) {
    FakeDns dns;
    run([&]() -> Task<> {
        Resolver resolver(using_server(dns));
        {
            const auto got = texts(co_await resolver.resolve("10.1.2.3", 80));
            EXPECT_EQ(got, Strings{"10.1.2.3:80"});
        }
        {
            const auto got = texts(co_await resolver.resolve("::1", 443));
            EXPECT_EQ(got, Strings{"[::1]:443"});
        }
        {
            const auto got = texts(co_await resolver.resolve("[fd00::7]", 8080, Family::V6));
            EXPECT_EQ(got, Strings{"[fd00::7]:8080"});
        }
        try {
            co_await resolver.resolve("::1", 80, Family::V4);
            ADD_FAILURE() << "an IPv6 literal resolved for IPv4";
        } catch (const DnsError& e) {
            EXPECT_NE(std::string(e.what()).find("resolve ::1"), std::string::npos) << e.what();
        }
        EXPECT_EQ(resolver.cache_size(), 0u);
    }());
    EXPECT_EQ(dns.queries("10.1.2.3"), 0);
}

TEST(ResolverTest, LocalhostIsLoopbackWithoutAskingAServer) {
    FakeDns dns;
    run([&]() -> Task<> {
        Resolver resolver(using_server(dns));
        {
            const auto got = texts(co_await resolver.resolve("localhost", 80));
            EXPECT_EQ(got, (Strings{"[::1]:80", "127.0.0.1:80"}));
        }
        {
            const auto got = texts(co_await resolver.resolve("LocalHost.", 80, Family::V4));
            EXPECT_EQ(got, Strings{"127.0.0.1:80"});
        }
        {
            const auto got = texts(co_await resolver.resolve("api.localhost", 9, Family::V6));
            EXPECT_EQ(got, Strings{"[::1]:9"});
        }
        // The loop's default resolver does the same, through net::resolve.
        {
            const auto got = texts(co_await net::resolve("localhost", 1, Family::V4));
            EXPECT_EQ(got, Strings{"127.0.0.1:1"});
        }
        EXPECT_EQ(&Resolver::for_current_loop(), &Resolver::for_current_loop());
    }());
    EXPECT_EQ(dns.queries("localhost"), 0);
    EXPECT_EQ(dns.queries("api.localhost"), 0);
}

std::string host_name() {
    char text[256] = {};
    ::gethostname(text, sizeof text - 1);
    return text;
}

TEST(ResolverTest, ANameFromEtcHostsResolvesWithoutAQuery) {
    const std::string name = host_name();
    std::string listed;
    std::ifstream hosts("/etc/hosts");
    for (std::string line; std::getline(hosts, line) && listed.empty();) {
        std::istringstream fields(line.substr(0, line.find('#')));
        std::string ip, alias;
        fields >> ip;
        while (fields >> alias)
            if (alias == name && SocketAddress::parse(ip, 0)) listed = ip;
    }
    if (name.empty() || name == "localhost" || listed.empty()) GTEST_SKIP() << "the host name is not in /etc/hosts";
    FakeDns dns;
    run([&]() -> Task<> {
        Resolver resolver(using_server(dns));
        const auto addresses = co_await resolver.resolve(name, 22);
        const std::string expected = SocketAddress::parse(listed, 22)->to_string();
        EXPECT_NE(std::find(addresses.begin(), addresses.end(), *SocketAddress::parse(listed, 22)), addresses.end())
            << name << " should include " << expected;
    }());
    EXPECT_EQ(dns.queries(name), 0);
}

TEST(ResolverTest, AnUnknownNameIsADnsErrorNamingTheHostAndTheReason) {
    FakeDns dns;
    run([&]() -> Task<> {
        Resolver resolver(using_server(dns));
        try {
            co_await resolver.resolve("nope.invalid", 80);
            ADD_FAILURE() << "resolved";
        } catch (const DnsError& e) {
            EXPECT_STREQ(e.what(), "resolve nope.invalid: Domain name not found");
        }
        EXPECT_EQ(resolver.cache_size(), 0u);  // failures are not cached
    }());
    EXPECT_GE(dns.queries("nope.invalid"), 1);
}

TEST(ResolverTest, ASilentServerEndsInADnsErrorAfterTheConfiguredTimeout) {
    FakeDns dns;
    dns.set_mode(FakeDns::Mode::Silent);
    const auto started = std::chrono::steady_clock::now();
    run([&]() -> Task<> {
        Resolver resolver(using_server(dns, 100ms, 1));
        try {
            co_await resolver.resolve("quiet.test", 80, Family::V4);
            ADD_FAILURE() << "resolved";
        } catch (const DnsError& e) {
            EXPECT_NE(std::string(e.what()).find("resolve quiet.test: Timeout"), std::string::npos) << e.what();
        }
    }());
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
    EXPECT_EQ(dns.queries("quiet.test"), 1);
}

TEST(ResolverTest, AnswersAlternateFamiliesAndCarryThePort) {
    FakeDns dns;
    dns.add("dual.test", "10.0.0.1", 60);
    dns.add("dual.test", "10.0.0.2", 60);
    dns.add("dual.test", "fd00::1", 60);
    dns.add("dual.test", "fd00::2", 60);
    run([&]() -> Task<> {
        Resolver resolver(using_server(dns));
        const auto addresses = co_await resolver.resolve("dual.test", 443);
        auto got = texts(addresses);
        if (got.size() != 4u) {
            ADD_FAILURE() << "expected 4 addresses, got " << got.size();
            co_return;
        }
        for (std::size_t i = 0; i + 1 < addresses.size(); ++i)
            EXPECT_NE(addresses[i].family(), addresses[i + 1].family()) << "position " << i;
        std::sort(got.begin(), got.end());
        EXPECT_EQ(got, (Strings{"10.0.0.1:443", "10.0.0.2:443", "[fd00::1]:443", "[fd00::2]:443"}));
        {
            const auto got = texts(co_await resolver.resolve("dual.test", 80, Family::V4));
            EXPECT_EQ(got.size(), 2u);
        }
    }());
}

TEST(ResolverTest, AnAnswerIsCachedForItsTtlOnTheLoopsClock) {
    FakeDns dns;
    dns.add("cached.test", "10.9.8.7", 30);
    run(
        [&]() -> Task<> {
            Resolver resolver(using_server(dns));
            {
                const auto got = texts(co_await resolver.resolve("cached.test", 1, Family::V4));
                EXPECT_EQ(got, Strings{"10.9.8.7:1"});
            }
            EXPECT_EQ(dns.queries("cached.test"), 1);
            co_await sleep(29s);
            // Another port, another case: the same entry.
            {
                const auto got = texts(co_await resolver.resolve("Cached.Test", 2, Family::V4));
                EXPECT_EQ(got, Strings{"10.9.8.7:2"});
            }
            EXPECT_EQ(dns.queries("cached.test"), 1);
            co_await sleep(1s);
            {
                const auto got = texts(co_await resolver.resolve("cached.test", 3, Family::V4));
                EXPECT_EQ(got, Strings{"10.9.8.7:3"});
            }
            EXPECT_EQ(dns.queries("cached.test"), 2);
        }(),
        virtual_clock());
}

TEST(ResolverTest, TheTtlIsClampedBetweenOneSecondAndTheCap) {
    FakeDns dns;
    dns.add("long.test", "10.0.0.1", 86400);
    dns.add("zero.test", "10.0.0.2", 0);
    run(
        [&]() -> Task<> {
            ResolverOptions options = using_server(dns);
            options.max_ttl = 10s;
            Resolver resolver(options);
            co_await resolver.resolve("long.test", 80, Family::V4);
            co_await resolver.resolve("zero.test", 80, Family::V4);
            co_await resolver.resolve("zero.test", 80, Family::V4);  // kept for 1 s despite TTL 0
            EXPECT_EQ(dns.queries("zero.test"), 1);
            co_await sleep(1s);
            co_await resolver.resolve("zero.test", 80, Family::V4);
            EXPECT_EQ(dns.queries("zero.test"), 2);
            co_await sleep(8500ms);
            co_await resolver.resolve("long.test", 80, Family::V4);
            EXPECT_EQ(dns.queries("long.test"), 1);
            co_await sleep(1s);  // 10.5 s: past the cap
            co_await resolver.resolve("long.test", 80, Family::V4);
            EXPECT_EQ(dns.queries("long.test"), 2);
        }(),
        virtual_clock());
}

TEST(ResolverTest, ConcurrentLookupsOfOneNameShareOneQuery) {
    FakeDns dns;
    dns.add("shared.test", "10.4.4.4", 60);
    dns.set_mode(FakeDns::Mode::Hold);
    run([&]() -> Task<> {
        Resolver resolver(using_server(dns));
        std::vector<TaskHandle<std::vector<SocketAddress>>> lookups;
        for (std::uint16_t port = 1; port <= 3; ++port)
            lookups.push_back(create_task(resolver.resolve("shared.test", port, Family::V4)));
        co_await sleep(0s);  // all three are waiting now
        EXPECT_EQ(resolver.queries_in_flight(), 1u);
        EXPECT_TRUE(dns.release(1));
        for (std::uint16_t port = 1; port <= 3; ++port)
            {
                const auto got = texts(co_await lookups[port - 1]);
                EXPECT_EQ(got, Strings{"10.4.4.4:" + std::to_string(port)});
            }
    }());
    EXPECT_EQ(dns.queries("shared.test"), 1);
}

TEST(ResolverTest, ACancelledLookupLeavesAHarmlessQueryThatStillFillsTheCache) {
    FakeDns dns;
    dns.add("late.test", "10.5.5.5", 60);
    dns.set_mode(FakeDns::Mode::Hold);
    run([&]() -> Task<> {
        Resolver resolver(using_server(dns));
        bool timed_out = false;
        try {
            co_await wait_for(resolver.resolve("late.test", 80, Family::V4), 20ms);
        } catch (const TimeoutError&) {
            timed_out = true;
        }
        EXPECT_TRUE(timed_out);
        auto cancelled = create_task(resolver.resolve("late.test", 81, Family::V4));
        co_await sleep(0s);
        cancelled.cancel();
        co_await sleep(0s);
        EXPECT_TRUE(cancelled.cancelled());
        EXPECT_EQ(resolver.queries_in_flight(), 1u);  // nobody waits; it goes on
        EXPECT_TRUE(dns.release(1));
        for (int i = 0; i < 200 && resolver.queries_in_flight() > 0; ++i) co_await sleep(10ms);
        EXPECT_EQ(resolver.queries_in_flight(), 0u);
        {
            const auto got = texts(co_await resolver.resolve("late.test", 82, Family::V4));
            EXPECT_EQ(got, Strings{"10.5.5.5:82"});
        }
    }());
    EXPECT_EQ(dns.queries("late.test"), 1);
}

TEST(ResolverTest, LoopShutdownWithALookupInFlightFailsNothingAndLeaksNothing) {
    FakeDns dns;
    dns.set_mode(FakeDns::Mode::Silent);
    Resolver resolver(using_server(dns));  // outlives the loop: detached by its drain
    bool cancelled = false;
    run([&]() -> Task<> {
        create_task([&]() -> Task<> {
            try {
                co_await resolver.resolve("stuck.test", 80);
            } catch (const CancelledError&) {
                cancelled = true;
                throw;
            }
        });
        co_await sleep(5ms);
        EXPECT_EQ(resolver.queries_in_flight(), 1u);
    }());  // main ends: the drain cancels the lookup and the resolver's driver
    EXPECT_TRUE(cancelled);
    EXPECT_EQ(resolver.queries_in_flight(), 0u);
    EXPECT_EQ(resolver.cache_size(), 0u);
}

TEST(ResolverTest, DestroyingAResolverFailsTheLookupsWaitingOnIt) {
    FakeDns dns;
    dns.set_mode(FakeDns::Mode::Silent);
    run([&]() -> Task<> {
        auto resolver = std::make_unique<Resolver>(using_server(dns));
        auto waiting = create_task(resolver->resolve("gone.test", 80));
        co_await sleep(5ms);
        resolver.reset();
        try {
            co_await waiting;
            ADD_FAILURE() << "resolved";
        } catch (const DnsError& e) {
            EXPECT_NE(std::string(e.what()).find("resolve gone.test: "), std::string::npos) << e.what();
        }
        co_await sleep(0s);
        EXPECT_EQ(get_running_loop().pending_tasks(), 1u);  // main alone: the driver has ended too
    }());
}

TEST(ResolverTest, AResolverMovesToTheNextLoopWithAFreshCache) {
    FakeDns dns;
    dns.add("again.test", "10.6.6.6", 300);
    Resolver resolver(using_server(dns));
    for (int round = 1; round <= 2; ++round) {
        run([&]() -> Task<> {
            {
                const auto got = texts(co_await resolver.resolve("again.test", 80, Family::V4));
                EXPECT_EQ(got, Strings{"10.6.6.6:80"});
            }
            {
                const auto got = texts(co_await resolver.resolve("again.test", 80, Family::V4));
                EXPECT_EQ(got, Strings{"10.6.6.6:80"});
            }
        }());
        EXPECT_EQ(dns.queries("again.test"), round);
    }
}

}  // namespace
