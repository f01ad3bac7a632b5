// Real loopback sockets: the loop's reactor, TcpStream, TcpListener.
#include <agentio/agentio.hpp>
#include <agentio/net/tcp_listener.hpp>
#include <agentio/net/tcp_stream.hpp>
#include <gtest/gtest.h>

#include <string>

#include "net/read_all.hpp"

using namespace agentio;
using namespace agentio::net;
using namespace std::chrono_literals;
using agentio::testkit::read_all;

namespace {

TEST(TcpTest, EchoesMegabytesBothWaysAndSeesEndOfStream) {
    const std::string payload = [] {
        std::string s(3 << 20, '\0');
        for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<char>('a' + i % 26);
        return s;
    }();
    const std::string echoed = run([&]() -> Task<std::string> {
        auto listener = TcpListener::bind("127.0.0.1", 0);
        auto server = create_task([&]() -> Task<> {
            TcpStream peer = co_await listener.accept();
            std::string got = co_await read_all(peer);
            co_await peer.write(got);  // more than the socket buffers: the writer must wait
            co_await peer.shutdown_write();
        });
        TcpStream client = co_await TcpStream::connect(listener.local_address());
        // Write and read at once, or both sides stall on full buffers.
        auto writer = create_task([&]() -> Task<> {
            co_await client.write(payload);
            co_await client.shutdown_write();
        });
        std::string back = co_await read_all(client);
        co_await writer;
        co_await server;
        co_return back;
    }());
    EXPECT_EQ(echoed.size(), payload.size());
    EXPECT_TRUE(echoed == payload);
}

TEST(TcpTest, UnderTheVirtualClockLoopbackRepliesBeatTimeoutsAndTakeNoTime) {
    // Every round trip waits under a 10 s timeout, and nothing else is ready:
    // the loop must take the peer's bytes before it jumps to that timer.
    LoopOptions options;
    options.virtual_clock = true;
    const Duration elapsed = run(
        []() -> Task<Duration> {
            auto listener = TcpListener::bind("127.0.0.1", 0);
            auto echo = create_task([&]() -> Task<> {
                TcpStream peer = co_await listener.accept();
                char byte;
                while (co_await peer.read(std::span<char>(&byte, 1)) == 1) co_await peer.write(std::string_view(&byte, 1));
            });
            TcpStream client = co_await TcpStream::connect(listener.local_address());
            const TimePoint start = EventLoop::current()->now();
            for (int i = 0; i < 200; ++i) {
                const char sent = static_cast<char>('a' + i % 26);
                co_await wait_for(client.write(std::string_view(&sent, 1)), 10s);
                char got = 0;
                const std::size_t n = co_await wait_for(client.read(std::span<char>(&got, 1)), 10s);
                EXPECT_EQ(n, 1u);
                EXPECT_EQ(got, sent);
            }
            const Duration elapsed = EventLoop::current()->now() - start;
            co_await client.shutdown_write();
            co_await echo;
            co_return elapsed;
        }(),
        options);
    EXPECT_EQ(elapsed, Duration::zero());
}

TEST(TcpTest, ConnectToAClosedPortIsConnectionErrorNamingThePeer) {
    run([]() -> Task<> {
        std::uint16_t port;
        {
            auto listener = TcpListener::bind("127.0.0.1", 0);
            port = listener.port();
        }
        try {
            co_await TcpStream::connect(*SocketAddress::parse("127.0.0.1", port));
            ADD_FAILURE() << "connect succeeded";
        } catch (const ConnectionError& e) {
            EXPECT_EQ(e.code(), ECONNREFUSED);
            EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(port)), std::string::npos) << e.what();
        }
    }());
}

TEST(TcpTest, ATimeoutCancelsABlockedReadAndTheStreamCanBeClosed) {
    run([]() -> Task<> {
        auto listener = TcpListener::bind("127.0.0.1", 0);
        TcpStream client = co_await TcpStream::connect(listener.local_address());
        TcpStream peer = co_await listener.accept();  // says nothing
        char buffer[16];
        bool timed_out = false;
        try {
            co_await wait_for(client.read(buffer), 20ms);
        } catch (const TimeoutError&) {
            timed_out = true;
        }
        EXPECT_TRUE(timed_out);
        // The read is no longer registered: a new one works.
        co_await peer.write("late");
        EXPECT_EQ(co_await client.read(buffer), 4u);
        client.close();
        EXPECT_FALSE(client.is_open());
    }());
}

TEST(TcpTest, AResetPeerIsAConnectionErrorNotEndOfStream) {
    run([]() -> Task<> {
        auto listener = TcpListener::bind("127.0.0.1", 0);
        TcpStream client = co_await TcpStream::connect(listener.local_address());
        {
            TcpStream peer = co_await listener.accept();
            linger hard_close{1, 0};  // close with RST
            ::setsockopt(peer.fd(), SOL_SOCKET, SO_LINGER, &hard_close, sizeof hard_close);
        }
        char buffer[16];
        bool reset = false;
        try {
            (void)co_await client.read(buffer);
        } catch (const ConnectionError& e) {
            reset = e.code() == ECONNRESET;
        }
        EXPECT_TRUE(reset);
    }());
}

TEST(TcpTest, ClosingAListenerWakesItsAcceptWithAnError) {
    run([]() -> Task<> {
        auto listener = TcpListener::bind("127.0.0.1", 0);
        auto acceptor = create_task([&]() -> Task<bool> {
            try {
                co_await listener.accept();
            } catch (const ConnectionError&) {
                co_return true;
            }
            co_return false;
        });
        co_await sleep(0s);  // let it block in accept
        listener.close();
        EXPECT_TRUE(co_await acceptor);
    }());
}

TEST(TcpTest, TwoReadersOnOneSocketIsInvalidState) {
    run([]() -> Task<> {
        auto listener = TcpListener::bind("127.0.0.1", 0);
        TcpStream client = co_await TcpStream::connect(listener.local_address());
        TcpStream peer = co_await listener.accept();
        char a[4], b[4];
        auto first = create_task(client.read(a));
        co_await sleep(0s);
        bool rejected = false;
        try {
            co_await client.read(b);
        } catch (const InvalidStateError&) {
            rejected = true;
        }
        EXPECT_TRUE(rejected);
        co_await peer.write("x");
        EXPECT_EQ(co_await first, 1u);
    }());
}

TEST(TcpTest, Ipv6LoopbackWorksWhenTheMachineHasIt) {
    try {
        TcpListener::bind("::1", 0);
    } catch (const ConnectionError&) {
        GTEST_SKIP() << "no IPv6 loopback here";
    }
    run([]() -> Task<> {
        auto listener = TcpListener::bind("::1", 0);
        TcpStream client = co_await TcpStream::connect(listener.local_address());
        TcpStream peer = co_await listener.accept();
        co_await client.write("v6");
        char buffer[4];
        EXPECT_EQ(co_await peer.read(buffer), 2u);
        EXPECT_EQ(client.peer(), "[::1]:" + std::to_string(listener.port()));
    }());
}

// A read that returns less than asked marks the socket drained, so the next
// read waits for readiness instead of calling recv: that must still see data
// sent later, and a FIN that arrived together with the data.
TEST(TcpTest, AfterAShortReadLaterDataAndAQueuedFinAreStillSeen) {
    run([]() -> Task<> {
        auto listener = TcpListener::bind("127.0.0.1", 0);
        TcpStream client = co_await TcpStream::connect(listener.local_address());
        TcpStream peer = co_await listener.accept();
        char buffer[64];
        co_await peer.write("one");
        EXPECT_EQ(co_await wait_for(client.read(buffer), 5s), 3u);  // short: drained
        auto later = create_task([&]() -> Task<> {
            co_await sleep(20ms);
            co_await peer.write("two");
            co_await peer.shutdown_write();  // FIN right behind the data
        });
        EXPECT_EQ(co_await wait_for(client.read(buffer), 5s), 3u);
        EXPECT_EQ(std::string_view(buffer, 3), "two");
        EXPECT_EQ(co_await wait_for(client.read(buffer), 5s), 0u);  // the FIN, not a hang
        co_await later;
    }());
}

TEST(SocketAddressTest, ParsesAndPrintsBothFamilies) {
    EXPECT_EQ(SocketAddress::parse("127.0.0.1", 80)->to_string(), "127.0.0.1:80");
    EXPECT_EQ(SocketAddress::parse("[::1]", 443)->to_string(), "[::1]:443");
    EXPECT_FALSE(SocketAddress::parse("localhost", 80));
    EXPECT_FALSE(SocketAddress::parse("", 80));
    EXPECT_FALSE(SocketAddress::parse("1.2.3.4.5", 80));
}

}  // namespace
