// client_nginx_test.cpp: http::Client against a real nginx on loopback.
//
// Checks, with nginx as the judge: keep-alive reuse ($connection_requests
// counts the requests a connection carried), the per-origin connection
// limit under 64 concurrent requests, a chunked + gzip body decoded byte for
// byte, 404/500 bodies, Connection: close honoured, HTTPS against a
// certificate from the test CA, refusal of a certificate for another host
// and of an unknown CA, an idle connection that nginx closed being replaced
// transparently (plain and TLS), HTTPS through a CONNECT proxy (a small one
// written here on agentio's TcpListener, since nginx cannot tunnel), and the
// http_get example program.
#include <agentio/agentio.hpp>
#include <agentio/http/client.hpp>
#include <agentio/net/buffered_reader.hpp>
#include <agentio/net/errors.hpp>
#include <agentio/net/tcp_listener.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "integration/nginx.hpp"
#include "integration/support.hpp"

using namespace agentio;
using namespace agentio::itest;
using namespace std::chrono_literals;

namespace {

// One nginx for the whole program: starting it is the slow part.
Nginx& nginx() {
    static Nginx instance;
    return instance;
}

class ClientNginxTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!Nginx::available()) GTEST_SKIP() << "needs " << nginx_binary << " and the openssl command line";
    }
};

// A client that ignores any proxy in the environment and never waits long.
http::ClientOptions direct() {
    http::ClientOptions options;
    options.proxy = http::ProxyConfig{};
    options.connect_timeout = 5s;
    options.total_timeout = 10s;
    return options;
}

http::ClientOptions trusting_test_ca() {
    http::ClientOptions options = direct();
    options.tls.ca_file = testkit::test_certificates().ca_cert;
    return options;
}

// Every test body runs on a fresh loop, under a deadline of its own, so a
// client that hangs fails the test instead of the whole program.
template <class Body>
void run_bounded(Body body) {
    run(wait_for(body(), 60s));
}

Task<std::string> get_text(http::Client& client, std::string url, int expected_status = 200) {
    http::ClientResponse response = co_await client.get(url);
    EXPECT_EQ(response.status(), expected_status) << url;
    co_return co_await response.text();
}

TEST_F(ClientNginxTest, KeepAliveCarriesTenRequestsOnOneConnection) {
    run_bounded([]() -> Task<> {
        http::Client client(direct());
        std::vector<std::string> counts;
        for (int i = 0; i < 10; ++i) counts.push_back(co_await get_text(client, nginx().http_url("/requests")));
        // nginx numbers the requests of a connection: 1..10 means one connection.
        EXPECT_EQ(counts.front(), "1");
        EXPECT_EQ(counts.back(), "10");
        EXPECT_EQ(client.idle_connections(), 1u);
    });
}

TEST_F(ClientNginxTest, ChunkedGzipBodyIsDecodedToTheFile) {
    run_bounded([]() -> Task<> {
        http::Client client(direct());
        http::ClientResponse response = co_await client.get(nginx().http_url("/static/data.txt"));
        EXPECT_EQ(response.status(), 200);
        // What nginx sent on the wire: compressed, and chunked (no length known in advance).
        EXPECT_EQ(response.header("Content-Encoding").value_or(""), "gzip");
        EXPECT_EQ(response.header("Transfer-Encoding").value_or(""), "chunked");
        EXPECT_FALSE(response.header("Content-Length").has_value());
        std::string body;
        int pieces = 0;
        while (auto piece = co_await response.body().next()) {
            body.append(*piece);
            ++pieces;
        }
        EXPECT_GE(pieces, 1);
        EXPECT_EQ(body.size(), nginx().static_body().size());
        EXPECT_TRUE(body == nginx().static_body()) << "decoded body differs from the file";
        // Reading to the end gave the connection back.
        EXPECT_EQ(client.idle_connections(), 1u);
    });
}

TEST_F(ClientNginxTest, WithoutDecompressionNginxSendsThePlainFile) {
    run_bounded([]() -> Task<> {
        http::ClientOptions options = direct();
        options.decompress = false;  // no Accept-Encoding: nginx does not compress
        http::Client client(options);
        http::ClientResponse response = co_await client.get(nginx().http_url("/static/data.txt"));
        EXPECT_EQ(response.status(), 200);
        EXPECT_FALSE(response.header("Content-Encoding").has_value());
        EXPECT_EQ(response.header("Content-Length").value_or(""), std::to_string(nginx().static_body().size()));
        EXPECT_TRUE(co_await response.text() == nginx().static_body());
    });
}

TEST_F(ClientNginxTest, ErrorStatusesKeepTheirBodiesAndTheConnection) {
    run_bounded([]() -> Task<> {
        http::Client client(direct());
        http::ClientResponse missing = co_await client.get(nginx().http_url("/missing"));
        EXPECT_EQ(missing.status(), 404);
        EXPECT_EQ(missing.reason(), "Not Found");
        EXPECT_NE((co_await missing.text()).find("<title>404 Not Found</title>"), std::string::npos);
        try {
            missing.raise_for_status();
            ADD_FAILURE() << "raise_for_status() accepted a 404";
        } catch (const http::HttpStatusError& e) {
            EXPECT_EQ(e.status(), 404);
            EXPECT_NE(std::string(e.what()).find("/missing"), std::string::npos) << e.what();
        }
        http::ClientResponse error = co_await client.get(nginx().http_url("/error"));
        EXPECT_EQ(error.status(), 500);
        EXPECT_EQ(co_await error.text(), "boom");
        // Error responses with bodies do not cost the connection: third request on it.
        EXPECT_EQ(co_await get_text(client, nginx().http_url("/requests")), "3");
    });
}

TEST_F(ClientNginxTest, HttpsWithTheTestCaSucceedsAndKeepsAlive) {
    run_bounded([]() -> Task<> {
        http::Client client(trusting_test_ca());
        const auto port = nginx().ports().tls;
        EXPECT_EQ(co_await get_text(client, nginx().https_url("localhost", port, "/")), "hello from nginx\n");
        EXPECT_EQ(co_await get_text(client, nginx().https_url("localhost", port, "/requests")), "2");
        // The certificate names 127.0.0.1 as an IP address too.
        EXPECT_EQ(co_await get_text(client, nginx().https_url("127.0.0.1", port, "/requests")), "1");
        // gzip + chunked over TLS.
        EXPECT_TRUE(co_await get_text(client, nginx().https_url("localhost", port, "/static/data.txt")) ==
                    nginx().static_body());
    });
}

TEST_F(ClientNginxTest, ConcurrentRequestsShareAtMostTheConnectionLimit) {
    run_bounded([]() -> Task<> {
        http::ClientOptions options = direct();
        options.max_connections_per_origin = 4;
        http::Client client(options);
        std::vector<Task<std::string>> requests;
        for (int i = 0; i < 64; ++i) requests.push_back(get_text(client, nginx().http_url("/requests")));
        const std::vector<std::string> counts = co_await gather(std::move(requests));
        // Each "1" is a request that opened a connection: at most the limit.
        const auto opened = std::count(counts.begin(), counts.end(), "1");
        EXPECT_GE(opened, 1);
        EXPECT_LE(opened, 4);
        int busiest = 0;
        for (const std::string& count : counts) busiest = std::max(busiest, std::stoi(count));
        EXPECT_GE(busiest, 64 / 4) << "64 requests on at most 4 connections";
        EXPECT_LE(client.idle_connections(), 4u);
    });
}

// examples/http_get, the command line, against nginx.
TEST_F(ClientNginxTest, HttpGetExampleFetchesPlainAndHttps) {
    if (!have_program(bin_path("http_get"))) GTEST_SKIP() << "needs " << bin_path("http_get");
    Process plain({bin_path("http_get"), "-i", nginx().http_url("/static/data.txt")});
    ASSERT_TRUE(run_to_end(plain, Millis(20000)).success()) << plain.describe();
    EXPECT_TRUE(plain.out() == nginx().static_body()) << "http_get printed something else than the file";
    EXPECT_TRUE(plain.err().starts_with("HTTP/1.1 200 OK\n")) << plain.err();
    EXPECT_NE(plain.err().find("Content-Encoding: gzip"), std::string::npos) << plain.err();

    Process secure({bin_path("http_get"), "--cacert", testkit::test_certificates().ca_cert,
                    nginx().https_url("localhost", nginx().ports().tls, "/")});
    ASSERT_TRUE(run_to_end(secure, Millis(20000)).success()) << secure.describe();
    EXPECT_EQ(secure.out(), "hello from nginx\n");

    Process missing({bin_path("http_get"), nginx().http_url("/missing")});
    EXPECT_EQ(run_to_end(missing, Millis(20000)).code, 1) << missing.describe();
    Process untrusted({bin_path("http_get"), nginx().https_url("localhost", nginx().ports().tls, "/")});
    EXPECT_EQ(run_to_end(untrusted, Millis(20000)).code, 1) << untrusted.describe();
    EXPECT_NE(untrusted.err().find("certificate"), std::string::npos) << untrusted.err();
}

// The error a GET of `url` fails with, as text ("" if it did not fail with TlsError).
Task<std::string> tls_failure(http::ClientOptions options, std::string url) {
    http::Client client(options);
    try {
        http::ClientResponse response = co_await client.get(url);
        ADD_FAILURE() << url << " succeeded with status " << response.status();
    } catch (const net::TlsError& e) {
        co_return e.what();
    } catch (const std::exception& e) {
        ADD_FAILURE() << url << " failed, but not with TlsError: " << e.what();
    }
    co_return "";
}

TEST_F(ClientNginxTest, CertificateForAnotherHostFailsWithHostnameMismatch) {
    run_bounded([]() -> Task<> {
        const auto port = nginx().ports().tls_other_host;
        const std::string by_name = co_await tls_failure(trusting_test_ca(), nginx().https_url("localhost", port, "/"));
        EXPECT_NE(by_name.find("hostname mismatch"), std::string::npos) << by_name;
        EXPECT_NE(by_name.find("localhost"), std::string::npos) << "the message names the host: " << by_name;
        // By IP address, the certificate (other.example only) matches no more.
        const std::string by_ip = co_await tls_failure(trusting_test_ca(), nginx().https_url("127.0.0.1", port, "/"));
        EXPECT_NE(by_ip.find("mismatch"), std::string::npos) << by_ip;
        RecordProperty("error_by_name", by_name);
        RecordProperty("error_by_ip", by_ip);
    });
}

TEST_F(ClientNginxTest, CertificateFromAnUnknownCaFails) {
    run_bounded([]() -> Task<> {
        // The system store does not know the test CA.
        const std::string error = co_await tls_failure(direct(), nginx().https_url("localhost", nginx().ports().tls, "/"));
        EXPECT_NE(error.find("local issuer certificate"), std::string::npos) << error;
    });
}

// Sends one request on a fresh connection, waits (polling the kernel's socket
// table, bounded) until nginx has closed that idle connection after its 1 s
// keep-alive timeout, then checks that the next GET succeeds on a new one.
Task<> idle_connection_replaced(http::ClientOptions options, std::string url, std::uint16_t port) {
    // Sockets left half-closed by earlier tests must not count as ours.
    const int close_wait_before = tcp_sockets_to(port, tcp_close_wait);
    http::Client client(options);
    EXPECT_EQ(co_await get_text(client, url), "1");
    EXPECT_EQ(client.idle_connections(), 1u);
    // Our idle socket goes to CLOSE_WAIT once nginx has closed its side. The
    // wait is a blocking poll: fine, nothing else runs on this loop meanwhile.
    const bool closed = eventually([&] { return tcp_sockets_to(port, tcp_close_wait) > close_wait_before; },
                                   Millis(10000));
    EXPECT_TRUE(closed) << "nginx did not close the idle connection within 10 s";
    EXPECT_EQ(co_await get_text(client, url), "1") << "the next request should run on a new connection";
}

TEST_F(ClientNginxTest, IdleConnectionClosedByNginxIsReplaced) {
    run_bounded([]() -> Task<> {
        const auto port = nginx().ports().plain_short_keepalive;
        co_await idle_connection_replaced(direct(), nginx().http_url("/requests", port), port);
    });
}

TEST_F(ClientNginxTest, IdleTlsConnectionClosedByNginxIsReplaced) {
    run_bounded([]() -> Task<> {
        const auto port = nginx().ports().tls_short_keepalive;
        co_await idle_connection_replaced(trusting_test_ca(), nginx().https_url("localhost", port, "/requests"), port);
    });
}

// nginx ends every connection of the short keep-alive blocks after its
// second response, saying Connection: close: the client must not reuse it.
Task<> connection_close_honoured(http::ClientOptions options, std::string url) {
    http::Client client(options);
    std::vector<std::string> counts;
    for (int i = 0; i < 5; ++i) counts.push_back(co_await get_text(client, url));
    EXPECT_EQ(counts, (std::vector<std::string>{"1", "2", "1", "2", "1"}));
}

TEST_F(ClientNginxTest, ConnectionCloseFromNginxIsHonoured) {
    run_bounded([]() -> Task<> {
        co_await connection_close_honoured(direct(), nginx().http_url("/requests", nginx().ports().plain_short_keepalive));
        co_await connection_close_honoured(
            trusting_test_ca(), nginx().https_url("localhost", nginx().ports().tls_short_keepalive, "/requests"));
    });
}

// A minimal HTTP CONNECT proxy: it tunnels to 127.0.0.1 only and records
// each CONNECT target it was asked for.
class ConnectProxy {
public:
    ConnectProxy() : listener_(net::TcpListener::bind("127.0.0.1", 0)) {}

    // Accepts until stop(); each tunnel runs in a task of its own.
    Task<> serve() {
        for (;;) {
            net::TcpStream client;
            try {
                client = co_await listener_.accept();
            } catch (const net::ConnectionError&) {
                co_return;  // stop() closed the listener
            }
            tunnels_.push_back(create_task(tunnel(std::make_unique<net::TcpStream>(std::move(client)))));
        }
    }
    void stop() {
        listener_.close();
        for (auto& tunnel : tunnels_) tunnel.cancel();
    }

    std::uint16_t port() const noexcept { return listener_.port(); }
    const std::vector<std::string>& targets() const noexcept { return targets_; }

private:
    Task<> tunnel(std::unique_ptr<net::TcpStream> client) {
        try {
            net::BufferedReader reader(*client, 4096);
            const std::string head(co_await reader.read_until("\r\n\r\n", 8192));
            // "CONNECT host:port HTTP/1.1"
            const std::size_t space = head.find(' '), second = head.find(' ', space + 1);
            const std::string target = head.substr(space + 1, second - space - 1);
            targets_.push_back(target);
            const std::size_t colon = target.rfind(':');
            const std::string host = target.substr(0, colon);
            if (!head.starts_with("CONNECT ") || (host != "localhost" && host != "127.0.0.1")) {
                co_await client->write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
                co_return;
            }
            const auto port = static_cast<std::uint16_t>(std::stoi(target.substr(colon + 1)));
            net::TcpStream upstream = co_await net::TcpStream::connect(*net::SocketAddress::parse("127.0.0.1", port));
            co_await client->write("HTTP/1.1 200 Connection established\r\n\r\n");
            if (!reader.buffered().empty()) {  // the client spoke before our answer
                co_await upstream.write(reader.buffered());
                reader.consume(reader.buffered().size());
            }
            co_await gather(pump(*client, upstream), pump(upstream, *client));
        } catch (const std::exception&) {
            // A peer went away: the tunnel ends, as a real proxy's would.
        }
    }

    // Copies `from` to `to` until `from` ends, then passes the end on.
    static Task<> pump(net::Stream& from, net::Stream& to) {
        char buffer[16 * 1024];
        try {
            for (;;) {
                const std::size_t n = co_await from.read(buffer);
                if (n == 0) break;
                co_await to.write(std::string_view(buffer, n));
            }
            co_await to.shutdown_write();
        } catch (const net::ConnectionError&) {
            to.close();
        }
    }

    net::TcpListener listener_;
    std::vector<std::string> targets_;
    std::vector<TaskHandle<>> tunnels_;
};

TEST_F(ClientNginxTest, HttpsThroughConnectProxy) {
    run_bounded([]() -> Task<> {
        ConnectProxy proxy;
        auto serving = create_task(proxy.serve());
        const auto port = nginx().ports().tls;
        {
            http::ClientOptions options = trusting_test_ca();
            options.proxy = http::ProxyConfig{};
            options.proxy->https_proxy = http::Url::parse("http://127.0.0.1:" + std::to_string(proxy.port()));
            http::Client client(options);
            EXPECT_EQ(co_await get_text(client, nginx().https_url("localhost", port, "/requests")), "1");
            // The tunnel is a keep-alive connection like any other.
            EXPECT_EQ(co_await get_text(client, nginx().https_url("localhost", port, "/requests")), "2");
            EXPECT_EQ(proxy.targets(), std::vector<std::string>{"localhost:" + std::to_string(port)});

            // NO_PROXY: a host listed there is reached directly.
            options.proxy->no_proxy = {"127.0.0.1"};
            http::Client bypassing(options);
            EXPECT_EQ(co_await get_text(bypassing, nginx().https_url("127.0.0.1", port, "/requests")), "1");
            EXPECT_EQ(proxy.targets().size(), 1u) << "a NO_PROXY host went through the proxy";
        }
        proxy.stop();
        co_await serving;
    });
}

}  // namespace
