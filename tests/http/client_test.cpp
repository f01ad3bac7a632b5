// http::Client against http::Server and hand-written raw servers on loopback.
#include <agentio/agentio.hpp>
#include <agentio/http/client.hpp>
#include <agentio/http/gzip.hpp>
#include <agentio/http/server.hpp>
#include <agentio/net/tcp_listener.hpp>
#include <gtest/gtest.h>

#include "http/server_fixture.hpp"

#include <set>
#include <string>

using namespace agentio;
using namespace std::chrono_literals;

namespace {

http::ClientOptions direct() {
    http::ClientOptions options;
    options.proxy = http::ProxyConfig{};  // whatever the environment says, no proxy
    return options;
}

std::string url(const http::Server& server, std::string_view path) {
    return "http://127.0.0.1:" + std::to_string(server.port()) + std::string(path);
}

void add_routes(http::Server& server) {
    // Which client connection asked: equal peers mean a reused connection.
    server.route("GET", "/peer", [](http::Request& request) -> Task<http::Response> {
        co_return http::Response::text(request.peer());
    });
    server.route("GET", "/gzip", [](http::Request& request) -> Task<http::Response> {
        const auto accepted = request.header("Accept-Encoding");
        http::Response response = http::Response::text(http::gzip_compress(std::string(10000, 'x')));
        if (accepted && accepted->find("gzip") != std::string_view::npos) response.headers.add("Content-Encoding", "gzip");
        co_return response;
    });
    server.route("GET", "/stream", [](http::Request&) -> Task<http::Response> {
        co_return http::Response::stream_body([](http::ResponseStream& out) -> Task<> {
            for (int i = 0; i < 5; ++i) {
                co_await out.write("piece" + std::to_string(i) + ";");
                co_await sleep(5ms);
            }
        });
    });
    server.route("GET", "/sleep", [](http::Request&) -> Task<http::Response> {
        co_await sleep(300ms);
        co_return http::Response::text("late");
    });
    server.route("POST", "/echo", [](http::Request& request) -> Task<http::Response> {
        co_return http::Response::text(co_await request.text());
    });
    server.route("GET", "/missing", [](http::Request&) -> Task<http::Response> { co_return http::Response::error(404); });
}

template <class Body>
void with_server(http::ServerOptions options, Body body) {
    agentio::testkit::with_http_server(options, add_routes, std::move(body));
}

TEST(ClientTest, GetReadsTheBodyAndReusesTheConnection) {
    with_server({}, [](http::Server& server) -> Task<> {
        http::Client client(direct());
        std::set<std::string> peers;
        for (int i = 0; i < 5; ++i) {
            http::ClientResponse response = co_await client.get(url(server, "/peer"));
            EXPECT_EQ(response.status(), 200);
            peers.insert(co_await response.text());
        }
        EXPECT_EQ(peers.size(), 1u);
        EXPECT_EQ(client.idle_connections(), 1u);
    });
}

TEST(ClientTest, PostSendsTheBody) {
    with_server({}, [](http::Server& server) -> Task<> {
        http::Client client(direct());
        http::ClientResponse response = co_await client.post(url(server, "/echo"), std::string(100000, 'b'));
        EXPECT_EQ(co_await response.text(), std::string(100000, 'b'));
    });
}

TEST(ClientTest, StreamsAChunkedBodyPieceByPiece) {
    with_server({}, [](http::Server& server) -> Task<> {
        http::Client client(direct());
        http::ClientResponse response = co_await client.get(url(server, "/stream"));
        std::string all;
        int pieces = 0;
        while (auto piece = co_await response.body().next()) {
            all += *piece;
            ++pieces;
        }
        EXPECT_EQ(all, "piece0;piece1;piece2;piece3;piece4;");
        EXPECT_GE(pieces, 2);  // arrived as the server wrote, not at the end
    });
}

TEST(ClientTest, TheBodyLimitBoundsTextButNotABodyReadPieceByPiece) {
    with_server({}, [](http::Server& server) -> Task<> {
        http::ClientOptions options = direct();
        options.limits.max_body = 1000;
        http::Client client(options);
        const std::string big(5000, 'b');
        http::ClientResponse whole = co_await client.post(url(server, "/echo"), big);
        int status = 0;
        try {
            co_await whole.text();
        } catch (const http::ParseError& e) {
            status = e.status();
        }
        EXPECT_EQ(status, 413);
        http::ClientResponse streamed = co_await client.post(url(server, "/echo"), big);
        std::string all;
        while (auto piece = co_await streamed.body().next()) all += *piece;
        EXPECT_EQ(all, big);
    });
}

TEST(ClientTest, DecodesGzipAndAsksForIt) {
    with_server({}, [](http::Server& server) -> Task<> {
        http::Client client(direct());
        http::ClientResponse response = co_await client.get(url(server, "/gzip"));
        EXPECT_EQ(response.header("Content-Encoding"), "gzip");
        EXPECT_EQ(co_await response.text(), std::string(10000, 'x'));
    });
}

TEST(ClientTest, ReadTimeoutNamesTheRequest) {
    with_server({}, [](http::Server& server) -> Task<> {
        http::ClientOptions options = direct();
        options.read_timeout = 50ms;
        http::Client client(options);
        std::string message;
        try {
            co_await client.get(url(server, "/sleep"));
        } catch (const TimeoutError& e) {
            message = e.what();
        }
        EXPECT_NE(message.find("GET http://127.0.0.1:"), std::string::npos) << message;
        EXPECT_NE(message.find("read timeout"), std::string::npos) << message;
    });
}

TEST(ClientTest, TotalTimeoutCoversTheWholeExchange) {
    with_server({}, [](http::Server& server) -> Task<> {
        http::ClientOptions options = direct();
        options.total_timeout = 100ms;
        http::Client client(options);
        const TimePoint start = EventLoop::current()->now();
        bool timed_out = false;
        try {
            co_await client.get(url(server, "/sleep"));
        } catch (const TimeoutError& e) {
            timed_out = std::string(e.what()).find("total timeout") != std::string::npos;
        }
        EXPECT_TRUE(timed_out);
        EXPECT_GE(EventLoop::current()->now() - start, 100ms);
    });
}

TEST(ClientTest, AConnectTimeoutKeepsItsNameUnderTheReadAndTotalTimeouts) {
    agentio::run([]() -> Task<> {
        // Accepts the TCP connection (the kernel does) but never answers the
        // TLS handshake.
        auto listener = net::TcpListener::bind("127.0.0.1", 0);
        http::ClientOptions options = direct();
        options.connect_timeout = 50ms;
        options.read_timeout = 10s;
        options.total_timeout = 10s;
        http::Client client(options);
        std::string message;
        try {
            co_await client.get("https://127.0.0.1:" + std::to_string(listener.port()) + "/");
        } catch (const TimeoutError& e) {
            message = e.what();
        }
        EXPECT_NE(message.find("connect timeout"), std::string::npos) << message;
    }());
}

TEST(ClientTest, RetriesAnIdempotentRequestOnAConnectionTheServerClosed) {
    http::ServerOptions options;
    options.keep_alive_timeout = 30ms;
    with_server(options, [](http::Server& server) -> Task<> {
        http::Client client(direct());
        std::string first = co_await (co_await client.get(url(server, "/peer"))).text();
        co_await sleep(100ms);  // the server drops the idle connection meanwhile
        http::ClientResponse again = co_await client.get(url(server, "/peer"));
        EXPECT_EQ(again.status(), 200);
        EXPECT_NE(co_await again.text(), first);  // a new connection
    });
}

TEST(ClientTest, LimitsConnectionsPerOrigin) {
    with_server({}, [](http::Server& server) -> Task<> {
        http::ClientOptions options = direct();
        options.max_connections_per_origin = 2;
        http::Client client(options);
        std::size_t most = 0;
        auto watcher = create_task([&]() -> Task<> {
            for (;;) {
                most = std::max(most, server.open_connections());
                co_await sleep(10ms);
            }
        });
        std::vector<Task<std::string>> requests;
        for (int i = 0; i < 6; ++i)
            requests.push_back([](http::Client& c, std::string u) -> Task<std::string> {
                co_return co_await (co_await c.get(u)).text();
            }(client, url(server, "/sleep")));
        const auto bodies = co_await gather(std::move(requests));
        watcher.cancel();
        try {
            co_await watcher;  // it reads `most`, which dies with this frame
        } catch (const CancelledError&) {
        }
        EXPECT_EQ(bodies.size(), 6u);
        EXPECT_EQ(most, 2u);
    });
}

TEST(ClientTest, ALongLivedStreamDoesNotTakeOneOfTheOriginsConnections) {
    with_server({}, [](http::Server& server) -> Task<> {
        http::ClientOptions options = direct();
        options.max_connections_per_origin = 1;
        http::Client client(options);
        http::ClientRequest listen;
        listen.url = url(server, "/stream");
        listen.long_lived = true;
        http::ClientResponse stream = co_await wait_for(client.send(std::move(listen)), 10s);
        // The stream is open and unread; the one counted connection is free.
        http::ClientResponse other = co_await wait_for(client.get(url(server, "/peer")), 10s);
        EXPECT_EQ(other.status(), 200);
        (void)co_await other.text();
        EXPECT_EQ(co_await wait_for(stream.text(), 10s), "piece0;piece1;piece2;piece3;piece4;");
    });
}

TEST(ClientTest, RaiseForStatusNamesTheStatus) {
    with_server({}, [](http::Server& server) -> Task<> {
        http::Client client(direct());
        http::ClientResponse response = co_await client.get(url(server, "/missing"));
        EXPECT_EQ(response.status(), 404);
        try {
            response.raise_for_status();
            ADD_FAILURE();
        } catch (const http::HttpStatusError& e) {
            EXPECT_EQ(e.status(), 404);
            EXPECT_NE(std::string(e.what()).find("404 Not Found"), std::string::npos);
        }
    });
}

TEST(ClientTest, ARefusedConnectionIsAConnectionError) {
    run([]() -> Task<> {
        std::uint16_t port;
        {
            auto listener = net::TcpListener::bind("127.0.0.1", 0);
            port = listener.port();
        }
        http::Client client(direct());
        bool refused = false;
        try {
            co_await client.get("http://127.0.0.1:" + std::to_string(port) + "/");
        } catch (const net::ConnectionError&) {
            refused = true;
        }
        EXPECT_TRUE(refused);
    }());
}

// A raw server that answers with `reply` and closes.
Task<> answer_once(net::TcpListener& listener, std::string reply) {
    net::TcpStream peer = co_await listener.accept();
    char buffer[4096];
    (void)co_await peer.read(buffer);
    co_await peer.write(reply);
}

TEST(ClientTest, ABodyCutShortIsAnErrorNotAShortBody) {
    run([]() -> Task<> {
        auto listener = net::TcpListener::bind("127.0.0.1", 0);
        auto server = create_task(answer_once(listener, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this"));
        http::Client client(direct());
        http::ClientResponse response = co_await client.get("http://127.0.0.1:" + std::to_string(listener.port()) + "/");
        bool cut = false;
        try {
            co_await response.text();
        } catch (const net::UnexpectedEof& e) {
            cut = std::string(e.what()).find("9 of 100 bytes") != std::string::npos;
        }
        EXPECT_TRUE(cut);
        co_await server;
    }());
}

TEST(ClientTest, AMalformedResponseIsAParseError) {
    run([]() -> Task<> {
        auto listener = net::TcpListener::bind("127.0.0.1", 0);
        auto server = create_task(answer_once(listener, "HTTP/1.1 2OO OK\r\n\r\n"));
        http::Client client(direct());
        bool rejected = false;
        try {
            co_await client.get("http://127.0.0.1:" + std::to_string(listener.port()) + "/");
        } catch (const http::ParseError&) {
            rejected = true;
        }
        EXPECT_TRUE(rejected);
        co_await server;
    }());
}

TEST(ClientTest, ReadsABodyDelimitedByClose) {
    run([]() -> Task<> {
        auto listener = net::TcpListener::bind("127.0.0.1", 0);
        auto server = create_task(answer_once(listener, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end"));
        http::Client client(direct());
        http::ClientResponse response = co_await client.get("http://127.0.0.1:" + std::to_string(listener.port()) + "/");
        co_await server;
        EXPECT_EQ(co_await response.text(), "until the end");
        EXPECT_EQ(client.idle_connections(), 0u);
    }());
}

// Limits::lenient, on in ClientOptions by default: what RFC 9112 lets a
// client take from a real server (bare LF line ends, obs-fold), and only then.
TEST(ClientTest, ReadsBareLfAndObsFoldResponsesUnlessMadeStrict) {
    run([]() -> Task<> {
        constexpr std::string_view reply =
            "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\nX-Folded: a\n  b\nConnection: close\n\n5\nhello\r\n0\n\n";
        auto listener = net::TcpListener::bind("127.0.0.1", 0);
        const std::string address = "http://127.0.0.1:" + std::to_string(listener.port()) + "/";
        auto server = create_task(answer_once(listener, std::string(reply)));
        http::Client client(direct());
        http::ClientResponse response = co_await client.get(address);
        EXPECT_EQ(response.status(), 200);
        EXPECT_EQ(response.header("X-Folded"), "a b");
        EXPECT_EQ(co_await response.text(), "hello");
        co_await server;

        server = create_task(answer_once(listener, std::string(reply)));
        http::ClientOptions strict = direct();
        strict.limits.lenient = false;
        http::Client strict_client(strict);
        bool rejected = false;
        try {
            co_await strict_client.get(address);
        } catch (const http::ParseError& e) {
            rejected = std::string(e.what()).find("bare LF") != std::string::npos;
        }
        EXPECT_TRUE(rejected);
        co_await server;
    }());
}

TEST(ClientTest, InvalidUrlsAreRejectedWithTheReason) {
    EXPECT_THROW(http::Url::parse("ftp://x/"), Error);
    EXPECT_THROW(http::Url::parse("http://user:pw@host/"), Error);
    EXPECT_THROW(http::Url::parse("http://host:99999/"), Error);
    EXPECT_THROW(http::Url::parse("http:///path"), Error);
    EXPECT_THROW(http::Url::parse("http://a:b:80/"), Error);      // ':' outside brackets
    EXPECT_THROW(http::Url::parse("http://b\xc3\xa4" "d.test/"), Error);  // not punycoded
    EXPECT_THROW(http::Url::parse("http://[::1x]/"), Error);
    const http::Url v6 = http::Url::parse("https://[::1]:8443/v1?x=1#frag");
    EXPECT_EQ(v6.host, "::1");
    EXPECT_EQ(v6.port, 8443);
    EXPECT_EQ(v6.target, "/v1?x=1");
    EXPECT_EQ(v6.host_header(), "[::1]:8443");
    EXPECT_EQ(http::Url::parse("http://h?q").target, "/?q");
}

TEST(ProxyConfigTest, NoProxyMatchesHostsDomainsAndPorts) {
    http::ProxyConfig config;
    config.https_proxy = http::Url::parse("http://proxy:3128");
    config.no_proxy = http::ProxyConfig::parse_no_proxy(" internal.example , .corp.test,10.0.0.1, api.x:8443 ");
    EXPECT_EQ(config.proxy_for(http::Url::parse("https://internal.example/")), nullptr);
    EXPECT_EQ(config.proxy_for(http::Url::parse("https://a.internal.example/")), nullptr);
    EXPECT_NE(config.proxy_for(http::Url::parse("https://notinternal.example/")), nullptr);
    EXPECT_EQ(config.proxy_for(http::Url::parse("https://corp.test/")), nullptr);
    EXPECT_EQ(config.proxy_for(http::Url::parse("https://10.0.0.1/")), nullptr);
    EXPECT_EQ(config.proxy_for(http::Url::parse("https://api.x:8443/")), nullptr);
    EXPECT_NE(config.proxy_for(http::Url::parse("https://api.x/")), nullptr);
    EXPECT_EQ(config.proxy_for(http::Url::parse("http://plain/")), nullptr);  // no HTTP proxy set
    config.no_proxy = {"*"};
    EXPECT_EQ(config.proxy_for(http::Url::parse("https://anything/")), nullptr);
}

}  // namespace
