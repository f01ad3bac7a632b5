// http::Client through an HTTP CONNECT proxy to an HTTPS server, and through a
// plain-HTTP proxy in absolute form. The proxy is a small one written here on
// agentio's sockets; it records what it was asked.
#include <agentio/agentio.hpp>
#include <agentio/http/client.hpp>
#include <agentio/http/server.hpp>
#include <agentio/net/tcp_listener.hpp>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "net/tls_support.hpp"

using namespace agentio;
using namespace std::chrono_literals;

namespace {

Task<> pipe(net::Stream& from, net::Stream& to) {
    char buffer[16384];
    try {
        while (std::size_t n = co_await from.read(buffer)) co_await to.write(std::string_view(buffer, n));
        co_await to.shutdown_write();
    } catch (const net::ConnectionError&) {
        to.close();
    }
}

// Answers CONNECT by tunnelling to 127.0.0.1:<port of the authority>, and
// absolute-form requests by answering itself (recording the target).
class TestProxy {
public:
    TestProxy() : listener_(net::TcpListener::bind("127.0.0.1", 0)) {}
    std::uint16_t port() const { return listener_.port(); }
    std::vector<std::string> requests;  // first lines seen

    Task<> serve_one() {
        net::TcpStream client = co_await listener_.accept();
        net::BufferedReader reader(client);
        const std::string head(co_await reader.read_until("\r\n\r\n"));
        const std::string first_line = head.substr(0, head.find("\r\n"));
        requests.push_back(first_line);
        if (!first_line.starts_with("CONNECT ")) {
            co_await client.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\nvia proxy\n");
            co_return;
        }
        const std::string authority = first_line.substr(8, first_line.find(' ', 8) - 8);
        const auto port = static_cast<std::uint16_t>(std::stoi(authority.substr(authority.rfind(':') + 1)));
        net::TcpStream upstream = co_await net::TcpStream::connect(*net::SocketAddress::parse("127.0.0.1", port));
        co_await client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        auto up = create_task(pipe(client, upstream));
        co_await pipe(upstream, client);
        co_await up;
    }

private:
    net::TcpListener listener_;
};

TEST(ProxyTest, HttpsGoesThroughAConnectTunnelWithTlsEndToEnd) {
    if (!testkit::have_openssl_cli()) GTEST_SKIP() << "no openssl command line";
    const auto& certs = testkit::test_certificates();
    run([&]() -> Task<> {
        http::ServerOptions server_options;
        server_options.tls = net::TlsContext::server(certs.server_cert, certs.server_key);
        http::Server server(server_options);
        server.route("GET", "/secret", [](http::Request&) -> Task<http::Response> { co_return http::Response::text("tls ok\n"); });
        server.start("127.0.0.1", 0);

        TestProxy proxy;
        auto proxying = create_task(proxy.serve_one());
        http::ClientOptions options;
        options.tls.ca_file = certs.ca_cert;
        options.proxy = http::ProxyConfig{};
        options.proxy->https_proxy = http::Url::parse("http://127.0.0.1:" + std::to_string(proxy.port()));
        {
            http::Client client(options);
            // "localhost" is in the certificate; the proxy resolves nothing.
            http::Headers close_after;  // the tunnel ends with the response
            close_after.add("Connection", "close");
            http::ClientResponse response =
                co_await client.get("https://localhost:" + std::to_string(server.port()) + "/secret", close_after);
            EXPECT_EQ(co_await response.text(), "tls ok\n");
        }
        co_await wait_for(std::move(proxying), 5s);
        EXPECT_EQ(proxy.requests, std::vector<std::string>{"CONNECT localhost:" + std::to_string(server.port()) + " HTTP/1.1"});
        co_await server.shutdown(1s);
    }());
}

TEST(ProxyTest, PlainHttpIsSentToTheProxyInAbsoluteForm) {
    run([]() -> Task<> {
        TestProxy proxy;
        auto proxying = create_task(proxy.serve_one());
        http::ClientOptions options;
        options.proxy = http::ProxyConfig{};
        options.proxy->http_proxy = http::Url::parse("http://127.0.0.1:" + std::to_string(proxy.port()));
        http::Client client(options);
        http::ClientResponse response = co_await client.get("http://example.test/path?q=1");
        EXPECT_EQ(co_await response.text(), "via proxy\n");
        co_await wait_for(std::move(proxying), 5s);
        EXPECT_EQ(proxy.requests, std::vector<std::string>{"GET http://example.test/path?q=1 HTTP/1.1"});
    }());
}

TEST(ProxyTest, NoProxyHostsConnectDirectly) {
    run([]() -> Task<> {
        http::Server server;
        server.route("GET", "/", [](http::Request&) -> Task<http::Response> { co_return http::Response::text("direct\n"); });
        server.start("127.0.0.1", 0);
        http::ClientOptions options;
        options.proxy = http::ProxyConfig{};
        options.proxy->http_proxy = http::Url::parse("http://127.0.0.1:1");  // nothing listens there
        options.proxy->no_proxy = {"127.0.0.1"};
        http::Client client(options);
        http::ClientResponse response = co_await client.get("http://127.0.0.1:" + std::to_string(server.port()) + "/");
        EXPECT_EQ(co_await response.text(), "direct\n");
        co_await server.shutdown(1s);
    }());
}

TEST(ProxyTest, AProxyThatRefusesConnectIsAConnectionErrorNamingIt) {
    run([]() -> Task<> {
        auto listener = net::TcpListener::bind("127.0.0.1", 0);
        auto refuser = create_task([&]() -> Task<> {
            net::TcpStream client = co_await listener.accept();
            net::BufferedReader reader(client);
            (void)co_await reader.read_until("\r\n\r\n");
            co_await client.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
        });
        http::ClientOptions options;
        options.proxy = http::ProxyConfig{};
        options.proxy->https_proxy = http::Url::parse("http://127.0.0.1:" + std::to_string(listener.port()));
        http::Client client(options);
        std::string message;
        try {
            co_await client.get("https://blocked.test/");
        } catch (const net::ConnectionError& e) {
            message = e.what();
        }
        EXPECT_NE(message.find("refused CONNECT blocked.test:443: 403 Forbidden"), std::string::npos) << message;
        co_await refuser;
    }());
}

}  // namespace
