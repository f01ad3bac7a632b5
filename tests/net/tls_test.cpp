// TLS on loopback: TlsContext and TlsStream against each other and against
// the openssl command line (s_server, s_client), with certificates made at
// test time (tls_support.hpp).
#include <agentio/agentio.hpp>
#include <agentio/net/tcp_listener.hpp>
#include <agentio/net/tcp_stream.hpp>
#include <agentio/net/tls_context.hpp>
#include <agentio/net/tls_stream.hpp>
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <optional>
#include <string>
#include <vector>

#include "core/test_support.hpp"
#include "net/read_all.hpp"
#include "net/tls_support.hpp"

using namespace agentio;
using namespace agentio::net;
using namespace std::chrono_literals;
using agentio::testkit::ChildProcess;
using agentio::testkit::contains;
using agentio::testkit::read_all;
using agentio::testkit::test_certificates;

namespace {

class TlsTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!agentio::testkit::have_openssl_cli()) GTEST_SKIP() << "the openssl command line is not installed";
        (void)test_certificates();  // made once, outside any test's time limit
    }
};

// (No default arguments: g++ 12 fails to compile a coroutine that evaluates
// one holding an initializer list, "array used as initializer".)
TlsContext trusting_client(TlsClientOptions options) {
    options.ca_file = test_certificates().ca_cert;
    return TlsContext::client(options);
}
TlsContext trusting_client() { return trusting_client(TlsClientOptions()); }

TlsContext localhost_server(const TlsServerOptions& options) {
    return TlsContext::server(test_certificates().server_cert, test_certificates().server_key, options);
}
TlsContext localhost_server() { return localhost_server(TlsServerOptions()); }

// (Not designated initializers: g++ 12 -Wextra wants every field named.)
TlsClientOptions alpn_options(std::vector<std::string> alpn) {
    TlsClientOptions options;
    options.alpn = std::move(alpn);
    return options;
}
TlsContext insecure_client() {
    TlsClientOptions options;
    options.verify = false;
    return TlsContext::client(options);
}

Task<std::unique_ptr<TlsStream>> accept_tls(TcpListener& listener, const TlsContext& context) {
    auto tcp = std::make_unique<TcpStream>(co_await listener.accept());
    co_return co_await TlsStream::accept(std::move(tcp), context);
}

Task<std::unique_ptr<TlsStream>> connect_tls(std::uint16_t port, const TlsContext& context, std::string name) {
    auto tcp = std::make_unique<TcpStream>(co_await TcpStream::connect(*SocketAddress::parse("127.0.0.1", port)));
    co_return co_await TlsStream::connect(std::move(tcp), context, std::move(name));
}

// Both ends of one handshake over loopback.
struct TlsPair {
    std::unique_ptr<TlsStream> client;
    std::unique_ptr<TlsStream> server;
};
Task<TlsPair> tls_pair(TlsContext server_context, TlsContext client_context, std::string name) {
    auto listener = TcpListener::bind("127.0.0.1", 0);
    auto server = create_task(accept_tls(listener, server_context));
    auto client = co_await connect_tls(listener.port(), client_context, name);
    auto accepted = co_await server;
    co_return TlsPair{std::move(client), std::move(accepted)};
}

Task<std::string> read_line(Stream& stream) {
    std::string line;
    char c;
    // (Not `!done && co_await ...`: g++ 12 can evaluate a co_await on the
    // right of && even when the left side is false.)
    while (!line.ends_with('\n')) {
        const std::size_t n = co_await stream.read(std::span<char>(&c, 1));
        if (n == 0) break;
        line += c;
    }
    co_return line;
}

// Both ends of one handshake: what each side threw (empty if it connected).
struct HandshakeOutcome {
    std::string client_error;
    std::string server_error;
};

HandshakeOutcome handshake(const TlsContext& client, std::string name, const TlsContext& server) {
    return run([&]() -> Task<HandshakeOutcome> {
        HandshakeOutcome outcome;
        co_await wait_for(
            [&]() -> Task<> {
                auto listener = TcpListener::bind("127.0.0.1", 0);
                auto server_side = create_task([&]() -> Task<> {
                    try {
                        auto stream = co_await accept_tls(listener, server);
                        (void)co_await read_all(*stream);  // until the client leaves
                    } catch (const ConnectionError& e) {
                        outcome.server_error = e.what();
                    }
                });
                try {
                    auto stream = co_await connect_tls(listener.port(), client, name);
                    co_await stream->shutdown_write();
                } catch (const TlsError& e) {
                    outcome.client_error = e.what();
                }
                co_await server_side;
            },
            10s);
        co_return outcome;
    }());
}

// Sends `size` bytes through a client and back from a server that echoes
// them, both directions at once, and ends with close_notify each way.
void expect_echo(const TlsContext& server_context, std::size_t size, std::string_view version) {
    const std::string payload = [size] {
        std::string s(size, '\0');
        for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<char>(i * 7 + i / 4099);
        return s;
    }();
    run(wait_for(
        [&]() -> Task<> {
            auto listener = TcpListener::bind("127.0.0.1", 0);
            auto server = create_task([&]() -> Task<bool> {
                auto stream = co_await accept_tls(listener, server_context);
                std::vector<char> buffer(40000);  // odd size: records straddle reads
                while (std::size_t n = co_await stream->read(buffer)) co_await stream->write({buffer.data(), n});
                const bool clean = stream->close_notify_received();
                co_await stream->shutdown_write();
                co_return clean;
            });
            auto client = co_await connect_tls(listener.port(), trusting_client(), "localhost");
            EXPECT_EQ(client->protocol_version(), version);
            // Write and read at once, or both sides stall on full buffers.
            auto writer = create_task([&]() -> Task<> {
                co_await client->write(payload);
                co_await client->shutdown_write();  // reading goes on after it
            });
            const std::string back = co_await read_all(*client);
            co_await writer;
            const bool server_saw_close_notify = co_await server;
            EXPECT_TRUE(server_saw_close_notify);
            EXPECT_TRUE(client->close_notify_received());
            EXPECT_EQ(back.size(), payload.size());
            EXPECT_TRUE(back == payload);
        },
        60s));
}

TEST_F(TlsTest, EchoesMegabytesBothWaysAndEndsWithCloseNotify) {
    expect_echo(localhost_server(), 5 << 20, "TLSv1.3");
}

TEST_F(TlsTest, EchoesOverTls12Too) {
    const TlsContext tls12_server = localhost_server();
    SSL_CTX_set_max_proto_version(tls12_server.native_handle(), TLS1_2_VERSION);
    expect_echo(tls12_server, 1 << 20, "TLSv1.2");
}

TEST_F(TlsTest, AlpnNegotiatesHttp11AndTheServerSeesTheSni) {
    run(wait_for(
        [&]() -> Task<> {
            auto [client, accepted] = co_await tls_pair(localhost_server(), trusting_client(), "localhost");
            EXPECT_EQ(client->alpn(), "http/1.1");
            EXPECT_EQ(accepted->alpn(), "http/1.1");
            EXPECT_EQ(accepted->server_name(), "localhost");
            EXPECT_EQ(client->protocol_version(), "TLSv1.3");
        },
        10s));
}

TEST_F(TlsTest, NoCommonAlpnProtocolConnectsWithoutAlpn) {
    const TlsContext h2_only = trusting_client(alpn_options({"h2"}));
    run(wait_for(
        [&]() -> Task<> {
            auto [client, accepted] = co_await tls_pair(localhost_server(), h2_only, "localhost");
            EXPECT_EQ(client->alpn(), "");
            EXPECT_EQ(accepted->alpn(), "");
        },
        10s));
}

TEST_F(TlsTest, ServerPicksItsPreferredAlpnProtocolAmongTheOffered) {
    const TlsContext server_context = localhost_server(TlsServerOptions{.alpn = {"h2", "http/1.1"}});
    const TlsContext client_context = trusting_client(alpn_options({"http/1.1", "h2"}));
    run(wait_for(
        [&]() -> Task<> {
            auto [client, accepted] = co_await tls_pair(server_context, client_context, "localhost");
            EXPECT_EQ(client->alpn(), "h2");
        },
        10s));
}

TEST_F(TlsTest, HostnameMismatchFailsNamingHostPeerAndReason) {
    const auto& c = test_certificates();
    const auto outcome =
        handshake(trusting_client(), "localhost", TlsContext::server(c.other_host_cert, c.other_host_key));
    EXPECT_TRUE(contains(outcome.client_error, "TLS handshake with localhost (127.0.0.1:")) << outcome.client_error;
    EXPECT_TRUE(contains(outcome.client_error, "failed: certificate verify failed: hostname mismatch"))
        << outcome.client_error;
}

TEST_F(TlsTest, AnIpAddressIsVerifiedAgainstTheCertificatesIpNames) {
    const auto& c = test_certificates();
    EXPECT_EQ(handshake(trusting_client(), "127.0.0.1", localhost_server()).client_error, "");
    const auto outcome =
        handshake(trusting_client(), "127.0.0.1", TlsContext::server(c.other_host_cert, c.other_host_key));
    EXPECT_TRUE(contains(outcome.client_error, "TLS handshake with 127.0.0.1:")) << outcome.client_error;
    EXPECT_TRUE(contains(outcome.client_error, "IP address mismatch")) << outcome.client_error;
}

TEST_F(TlsTest, ExpiredCertificateFailsSayingItExpired) {
    const auto& c = test_certificates();
    const auto outcome = handshake(trusting_client(), "localhost", TlsContext::server(c.expired_cert, c.expired_key));
    EXPECT_TRUE(contains(outcome.client_error, "certificate verify failed: certificate has expired"))
        << outcome.client_error;
}

TEST_F(TlsTest, UnknownCaFailsSayingSoAndTheServerHearsTheAlert) {
    // The system store does not know the test CA.
    const auto outcome = handshake(TlsContext::client(), "localhost", localhost_server());
    EXPECT_TRUE(contains(outcome.client_error, "unable to get local issuer certificate (unknown CA)"))
        << outcome.client_error;
    EXPECT_TRUE(contains(outcome.server_error, "TLS handshake with 127.0.0.1:")) << outcome.server_error;
    EXPECT_TRUE(contains(outcome.server_error, "unknown ca")) << outcome.server_error;
}

TEST_F(TlsTest, VerifyFalseConnectsToASelfSignedServerThatVerificationRejects) {
    const auto& c = test_certificates();
    const TlsContext self_signed = TlsContext::server(c.self_signed_cert, c.self_signed_key);
    EXPECT_EQ(handshake(insecure_client(), "localhost", self_signed).client_error, "");
    EXPECT_EQ(handshake(insecure_client(), "", self_signed).client_error, "");
    const auto verified = handshake(trusting_client(), "localhost", self_signed);
    EXPECT_TRUE(contains(verified.client_error, "self-signed certificate")) << verified.client_error;
}

TEST_F(TlsTest, AFailedHandshakeLeavesNoOpenSslErrorOnTheThread) {
    const auto& c = test_certificates();
    const auto failed = handshake(trusting_client(), "localhost", TlsContext::server(c.expired_cert, c.expired_key));
    ASSERT_FALSE(failed.client_error.empty());
    EXPECT_EQ(ERR_peek_error(), 0u);
    // The next connection's error is its own, not the previous one's.
    const auto next = handshake(trusting_client(), "localhost", TlsContext::server(c.other_host_cert, c.other_host_key));
    EXPECT_TRUE(contains(next.client_error, "hostname mismatch")) << next.client_error;
    EXPECT_FALSE(contains(next.client_error, "expired")) << next.client_error;
    EXPECT_EQ(handshake(trusting_client(), "localhost", localhost_server()).client_error, "");
}

TEST_F(TlsTest, VerifyingNeedsAServerName) {
    const auto outcome = handshake(trusting_client(), "", localhost_server());
    EXPECT_TRUE(contains(outcome.client_error, "no server name to verify")) << outcome.client_error;
}

TEST_F(TlsTest, PlainHttpToATlsServerFailsTheHandshakeWithAReason) {
    run(wait_for(
        [&]() -> Task<> {
            auto listener = TcpListener::bind("127.0.0.1", 0);
            const TlsContext server_context = localhost_server();
            auto server = create_task(accept_tls(listener, server_context));
            TcpStream client = co_await TcpStream::connect(listener.local_address());
            co_await client.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
            std::string error;
            try {
                (void)co_await server;
            } catch (const TlsError& e) {
                error = e.what();
            }
            EXPECT_TRUE(contains(error, "TLS handshake with 127.0.0.1:")) << error;
            EXPECT_TRUE(contains(error, "http request")) << error;
        },
        10s));
}

TEST_F(TlsTest, HandshakeTimeoutsAgainstSilentPeersCancelCleanly) {
    run([]() -> Task<> {
        auto listener = TcpListener::bind("127.0.0.1", 0);  // the kernel accepts; nobody answers
        bool timed_out = false;
        try {
            (void)co_await wait_for(connect_tls(listener.port(), trusting_client(), "localhost"), 50ms);
        } catch (const TimeoutError&) {
            timed_out = true;
        }
        EXPECT_TRUE(timed_out);

        // A server waiting for a ClientHello that never comes.
        auto quiet_listener = TcpListener::bind("127.0.0.1", 0);
        TcpStream silent = co_await TcpStream::connect(quiet_listener.local_address());
        timed_out = false;
        const TlsContext server_context = localhost_server();
        try {
            (void)co_await wait_for(accept_tls(quiet_listener, server_context), 50ms);
        } catch (const TimeoutError&) {
            timed_out = true;
        }
        EXPECT_TRUE(timed_out);
    }());
}

// A transport that counts the writes it passes on, and can cut one short.
class TapStream final : public Stream {
public:
    explicit TapStream(std::unique_ptr<Stream> inner) : inner_(std::move(inner)) {}
    Task<std::size_t> read(std::span<char> buffer) override { return inner_->read(buffer); }
    Task<> write(std::string_view data) override {
        ++writes;
        if (cut_after) {
            co_await inner_->write(data.substr(0, *cut_after));
            inner_->close();
            co_return;
        }
        co_await inner_->write(data);
    }
    Task<> shutdown_write() override { return inner_->shutdown_write(); }
    void close() noexcept override { inner_->close(); }
    bool is_open() const noexcept override { return inner_->is_open(); }
    std::string peer() const override { return inner_->peer(); }

    int writes = 0;
    std::optional<std::size_t> cut_after;  // bytes of the next write that get through before it closes

private:
    std::unique_ptr<Stream> inner_;
};

TEST_F(TlsTest, AConnectionClosedWithoutCloseNotifyReadsAsEndOfStream) {
    run(wait_for(
        [&]() -> Task<> {
            auto listener = TcpListener::bind("127.0.0.1", 0);
            const TlsContext server_context = localhost_server();
            auto server = create_task([&]() -> Task<> {
                auto stream = co_await accept_tls(listener, server_context);
                co_await stream->write("last words");
                stream->close();  // no close_notify
            });
            auto client = co_await connect_tls(listener.port(), trusting_client(), "localhost");
            co_await server;
            const std::string got = co_await read_all(*client);
            EXPECT_EQ(got, "last words");
            EXPECT_FALSE(client->close_notify_received());
            char buffer[8];
            const std::size_t after_end = co_await client->read(buffer);
            EXPECT_EQ(after_end, 0u);  // and stays at the end
        },
        10s));
}

TEST_F(TlsTest, AConnectionClosedInTheMiddleOfARecordIsUnexpectedEof) {
    run(wait_for(
        [&]() -> Task<> {
            auto listener = TcpListener::bind("127.0.0.1", 0);
            const TlsContext server_context = localhost_server();
            auto server = create_task([&]() -> Task<> {
                auto tap = std::make_unique<TapStream>(std::make_unique<TcpStream>(co_await listener.accept()));
                TapStream& transport = *tap;
                auto stream = co_await TlsStream::accept(std::move(tap), server_context);
                transport.cut_after = 500;
                co_await stream->write(std::string(1000, 'x'));  // one record, half of it sent
            });
            auto client = co_await connect_tls(listener.port(), trusting_client(), "localhost");
            co_await server;
            std::string error;
            try {
                (void)co_await read_all(*client);
            } catch (const UnexpectedEof& e) {
                error = e.what();
            }
            EXPECT_TRUE(contains(error, "in the middle of a TLS record")) << error;
        },
        10s));
}

TEST_F(TlsTest, AWriteOfManyRecordsGoesOutInFewerTransportWrites) {
    run(wait_for(
        [&]() -> Task<> {
            auto listener = TcpListener::bind("127.0.0.1", 0);
            const TlsContext server_context = localhost_server();
            auto server = create_task([&]() -> Task<std::size_t> {
                auto stream = co_await accept_tls(listener, server_context);
                co_return (co_await read_all(*stream)).size();
            });
            auto tap = std::make_unique<TapStream>(
                std::make_unique<TcpStream>(co_await TcpStream::connect(listener.local_address())));
            TapStream& transport = *tap;
            auto client = co_await TlsStream::connect(std::move(tap), trusting_client(), "localhost");
            const int before = transport.writes;
            co_await client->write(std::string(64 * 16384, 'r'));  // 64 full records
            const int writes = transport.writes - before;
            co_await client->shutdown_write();
            const std::size_t received = co_await server;
            EXPECT_EQ(received, 64u * 16384u);
            EXPECT_LE(writes, 33);  // two records per transport write
            EXPECT_GE(writes, 2);
        },
        10s));
}

TEST_F(TlsTest, AReadTakesEveryRecordAlreadyReceivedThatFits) {
    run(wait_for(
        [&]() -> Task<> {
            auto listener = TcpListener::bind("127.0.0.1", 0);
            const TlsContext server_context = localhost_server();
            Event sent;
            auto server = create_task([&]() -> Task<> {
                auto stream = co_await accept_tls(listener, server_context);
                for (const char* piece : {"one ", "two ", "three"}) co_await stream->write(piece);
                sent.set();
                (void)co_await read_all(*stream);
            });
            auto client = co_await connect_tls(listener.port(), trusting_client(), "localhost");
            co_await sent.wait();
            co_await sleep(10ms);  // loopback delivery is immediate; this is slack
            char buffer[1024];
            const std::size_t n = co_await client->read(buffer);
            EXPECT_EQ(std::string_view(buffer, n), "one two three");
            co_await client->shutdown_write();
            co_await server;
        },
        10s));
}

TEST_F(TlsTest, WritingAfterShutdownWriteIsAConnectionError) {
    run(wait_for(
        [&]() -> Task<> {
            auto [client, accepted] = co_await tls_pair(localhost_server(), trusting_client(), "localhost");
            co_await client->shutdown_write();
            co_await client->shutdown_write();  // idempotent
            bool refused = false;
            try {
                co_await client->write("more");
            } catch (const ConnectionError& e) {
                refused = contains(e.what(), "shut for writing");
            }
            EXPECT_TRUE(refused);
            const std::string rest = co_await read_all(*accepted);
            EXPECT_EQ(rest, "");
            EXPECT_TRUE(accepted->close_notify_received());
        },
        10s));
}

TEST_F(TlsTest, ContextErrorsNameTheFileThatCannotBeUsed) {
    const auto& c = test_certificates();
    auto message_of = [](auto make) {
        try {
            make();
        } catch (const TlsError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    const std::string missing = c.dir + "/missing.pem";
    const std::string no_cert = message_of([&] { TlsContext::server(missing, c.server_key); });
    EXPECT_TRUE(contains(no_cert, "certificate chain " + missing)) << no_cert;
    EXPECT_TRUE(contains(no_cert, "No such file")) << no_cert;
    const std::string no_key = message_of([&] { TlsContext::server(c.server_cert, missing); });
    EXPECT_TRUE(contains(no_key, "private key " + missing)) << no_key;
    const std::string mismatch = message_of([&] { TlsContext::server(c.server_cert, c.other_host_key); });
    EXPECT_TRUE(contains(mismatch, c.other_host_key + " does not match the certificate in " + c.server_cert))
        << mismatch;
    TlsClientOptions missing_ca;
    missing_ca.ca_file = missing;
    const std::string no_ca = message_of([&] { TlsContext::client(missing_ca); });
    EXPECT_TRUE(contains(no_ca, "CA file " + missing)) << no_ca;
    EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST_F(TlsTest, OurClientTalksToOpensslSServer) {
    const auto& c = test_certificates();
    ChildProcess server({"openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", c.server_cert, "-key",
                         c.server_key, "-rev", "-naccept", "1", "-alpn", "http/1.1"});
    const auto accept_line = server.wait_for_line("ACCEPT", 10s);
    ASSERT_TRUE(accept_line) << server.output();
    const auto port = static_cast<std::uint16_t>(std::stoi(accept_line->substr(accept_line->rfind(':') + 1)));
    run(wait_for(
        [&]() -> Task<> {
            auto client = co_await connect_tls(port, trusting_client(), "localhost");
            EXPECT_EQ(client->alpn(), "http/1.1");
            co_await client->write("hello tls\n");
            const std::string reversed = co_await read_line(*client);
            EXPECT_EQ(reversed, "slt olleh\n");
            co_await client->write("CLOSE\n");  // s_server -rev answers with close_notify
            const std::string rest = co_await read_all(*client);
            EXPECT_EQ(rest, "");
            EXPECT_TRUE(client->close_notify_received());
        },
        10s));
    EXPECT_EQ(server.wait(10s), 0) << server.output();
}

TEST_F(TlsTest, OpensslSClientVerifiesAndTalksToOurServer) {
    const auto& c = test_certificates();
    auto listener = TcpListener::bind("127.0.0.1", 0);
    ChildProcess client({"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(listener.port()),
                         "-servername", "localhost", "-verify_return_error", "-verify_hostname", "localhost",
                         "-CAfile", c.ca_cert, "-alpn", "http/1.1", "-quiet"});
    client.write_stdin("ping\n");
    client.close_stdin();  // -quiet ignores the end of input
    run(wait_for(
        [&]() -> Task<> {
            const TlsContext server_context = localhost_server();
            auto stream = co_await accept_tls(listener, server_context);
            EXPECT_EQ(stream->alpn(), "http/1.1");
            EXPECT_EQ(stream->server_name(), "localhost");
            const std::string line = co_await read_line(*stream);
            EXPECT_EQ(line, "ping\n");
            co_await stream->write("pong\n");
            co_await stream->shutdown_write();  // s_client leaves at close_notify
            (void)co_await read_all(*stream);
        },
        10s));
    EXPECT_EQ(client.wait(10s), 0) << client.output();
    EXPECT_TRUE(contains(client.output(), "pong\n")) << client.output();
}

}  // namespace
