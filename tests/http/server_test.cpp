// http::Server on loopback, spoken to byte by byte through raw TCP clients.
#include <agentio/agentio.hpp>
#include <agentio/http/server.hpp>
#include <agentio/net/errors.hpp>
#include <agentio/net/tcp_stream.hpp>
#include <gtest/gtest.h>

#include "http/server_fixture.hpp"

#include <functional>
#include <string>
#include <vector>

using namespace agentio;
using namespace std::chrono_literals;

namespace {

// Sends `bytes` and reads until the server closes (bounded by a timeout).
Task<std::string> exchange(std::uint16_t port, std::string bytes, bool half_close = false) {
    net::TcpStream client = co_await net::TcpStream::connect(*net::SocketAddress::parse("127.0.0.1", port));
    co_await client.write(bytes);
    if (half_close) co_await client.shutdown_write();
    std::string reply;
    char buffer[4096];
    co_await wait_for([&]() -> Task<> {
        while (std::size_t n = co_await client.read(buffer)) reply.append(buffer, n);
    }, 5s);
    co_return reply;
}

std::size_t count(const std::string& text, std::string_view what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

void add_routes(http::Server& server) {
    server.route("GET", "/", [](http::Request&) -> Task<http::Response> { co_return http::Response::text("hello\n"); });
    server.route("POST", "/echo", [](http::Request& request) -> Task<http::Response> {
        co_return http::Response::text(co_await request.text());
    });
    server.route("GET", "/boom", [](http::Request&) -> Task<http::Response> {
        throw std::runtime_error("handler bug");
        co_return http::Response::text("unreachable");
    });
    server.route("GET", "/slow", [](http::Request&) -> Task<http::Response> {
        co_await sleep(200ms);
        co_return http::Response::text("slow done\n");
    });
    server.route("GET", "/sse", [](http::Request&) -> Task<http::Response> {
        co_return http::Response::sse([](http::ResponseStream& out) -> Task<> {
            http::SseEvent event;
            for (int i = 0; i < 3; ++i) {
                event.data = "tick " + std::to_string(i);
                co_await out.send(event);
            }
        });
    });
}

// Runs `body` against a fresh server with the test routes; shuts it down after.
template <class Body>
void with_server(http::ServerOptions options, Body body) {
    options.report_handler_errors = false;
    agentio::testkit::with_http_server(options, add_routes, std::move(body));
}

TEST(ServerTest, KeepAliveAnswersSeveralRequestsOnOneConnection) {
    with_server({}, [](http::Server& server) -> Task<> {
        const std::string reply = co_await exchange(server.port(),
            "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
            "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        EXPECT_EQ(count(reply, "HTTP/1.1 200 OK\r\n"), 2u) << reply;
        EXPECT_EQ(count(reply, "Content-Length: 6\r\n"), 2u);
        EXPECT_EQ(count(reply, "Connection: close\r\n"), 1u);
        EXPECT_TRUE(reply.ends_with("hello\n"));
    });
}

TEST(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
    with_server({}, [](http::Server& server) -> Task<> {
        const std::string reply = co_await exchange(server.port(),
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nfirst"
            "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nsec\r\n3\r\nond\r\n0\r\n\r\n");
        const std::size_t first = reply.find("first");
        const std::size_t missing = reply.find("404 Not Found");
        const std::size_t second = reply.find("second");
        EXPECT_NE(first, std::string::npos) << reply;
        EXPECT_NE(missing, std::string::npos) << reply;
        EXPECT_NE(second, std::string::npos) << reply;
        EXPECT_LT(first, missing);
        EXPECT_LT(missing, second);
    });
}

TEST(ServerTest, WrongMethodIs405WithAllow) {
    with_server({}, [](http::Server& server) -> Task<> {
        const std::string reply = co_await exchange(server.port(), "DELETE /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        EXPECT_TRUE(reply.starts_with("HTTP/1.1 405 Method Not Allowed\r\n")) << reply;
        EXPECT_NE(reply.find("Allow: POST\r\n"), std::string::npos) << reply;
    });
}

TEST(ServerTest, MalformedHeadIs400AndTheServerKeepsServing) {
    with_server({}, [](http::Server& server) -> Task<> {
        const std::string bad = co_await exchange(server.port(), "GET / HTTP/1.1\r\nHost : x\r\n\r\n");
        EXPECT_TRUE(bad.starts_with("HTTP/1.1 400 Bad Request\r\n")) << bad;
        EXPECT_NE(bad.find("Connection: close"), std::string::npos);
        const std::string good = co_await exchange(server.port(), "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        EXPECT_TRUE(good.starts_with("HTTP/1.1 200 OK\r\n")) << good;
    });
}

TEST(ServerTest, BareLfInTheHeaderSectionIs400AndCloses) {
    with_server({}, [](http::Server& server) -> Task<> {
        const std::string reply = co_await exchange(server.port(), "GET / HTTP/1.1\r\nHost: a\nX: y\r\n\r\n");
        EXPECT_TRUE(reply.starts_with("HTTP/1.1 400 Bad Request\r\n")) << reply;
        EXPECT_NE(reply.find("Connection: close\r\n"), std::string::npos) << reply;
        EXPECT_NE(reply.find("bare LF (not preceded by CR) at byte 23"), std::string::npos) << reply;
    });
}

TEST(ServerTest, ReadsRequestsStrictlyWhateverTheLimitsSay) {
    http::ServerOptions options;
    options.limits.lenient = true;  // for responses only: the server ignores it
    with_server(options, [](http::Server& server) -> Task<> {
        const std::string lf = co_await exchange(server.port(), "GET / HTTP/1.1\nHost: a\n\n");
        EXPECT_TRUE(lf.starts_with("HTTP/1.1 400 ")) << lf;
        const std::string chunk = co_await exchange(server.port(),
            "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2 \r\nok\r\n0\r\n\r\n");
        EXPECT_TRUE(chunk.starts_with("HTTP/1.1 400 ")) << chunk;
    });
}

TEST(ServerTest, BrokenChunkFramingInABodyTheHandlerDidNotReadIs400) {
    with_server({}, [](http::Server& server) -> Task<> {
        // GET / ignores its body; the body is still read (and refused) before
        // the answer goes out, keep-alive or not.
        for (std::string_view connection : {"", "Connection: close\r\n"}) {
            const std::string reply = co_await exchange(server.port(),
                "GET / HTTP/1.1\r\nHost: a\r\n" + std::string(connection) +
                "Transfer-Encoding: chunked\r\n\r\n5\r\r;ABCD\r\n34\r\nE\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n");
            EXPECT_TRUE(reply.starts_with("HTTP/1.1 400 Bad Request\r\n")) << reply;
            EXPECT_NE(reply.find("chunk-size line"), std::string::npos) << reply;
            EXPECT_EQ(count(reply, "HTTP/1.1 "), 1u) << reply;
        }
        // A valid unread body is dropped and the connection carries on.
        const std::string reply = co_await exchange(server.port(),
            "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;x=\"y\"\r\nabc\r\n0\r\n\r\n"
            "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        EXPECT_EQ(count(reply, "HTTP/1.1 200 OK\r\n"), 2u) << reply;
    });
}

TEST(ServerTest, AMalformedPipelinedRequestIsAnsweredInTurnThenTheConnectionCloses) {
    with_server({}, [](http::Server& server) -> Task<> {
        const std::string reply = co_await exchange(server.port(),
            "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nfirst"
            "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
            "GET /nope HTTP/1.1\r\nHost: a\r\n\r\n");
        EXPECT_TRUE(reply.starts_with("HTTP/1.1 200 OK\r\n")) << reply;
        const std::size_t first = reply.find("first");
        const std::size_t refused = reply.find("HTTP/1.1 400 Bad Request\r\n");
        EXPECT_NE(first, std::string::npos) << reply;
        EXPECT_NE(refused, std::string::npos) << reply;
        EXPECT_LT(first, refused);
        EXPECT_NE(reply.find("both Transfer-Encoding and Content-Length", refused), std::string::npos) << reply;
        EXPECT_EQ(reply.find("404"), std::string::npos) << "a request after the malformed one was read: " << reply;
    });
}

TEST(ServerTest, OversizedHeadIs431) {
    http::ServerOptions options;
    options.limits.max_head_bytes = 1024;
    with_server(options, [](http::Server& server) -> Task<> {
        const std::string reply = co_await exchange(server.port(), "GET / HTTP/1.1\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n");
        EXPECT_TRUE(reply.starts_with("HTTP/1.1 431 ")) << reply;
    });
}

TEST(ServerTest, BodyOverTheLimitIs413) {
    http::ServerOptions options;
    options.limits.max_body = 100;
    with_server(options, [](http::Server& server) -> Task<> {
        const std::string declared = co_await exchange(server.port(), "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n");
        EXPECT_TRUE(declared.starts_with("HTTP/1.1 413 ")) << declared;
        // Chunked: the limit is found while the handler reads.
        const std::string chunked = co_await exchange(server.port(),
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n100\r\n" + std::string(256, 'z') + "\r\n0\r\n\r\n");
        EXPECT_TRUE(chunked.starts_with("HTTP/1.1 413 ")) << chunked;
    });
}

// A server whose bodies may take 1,000 bytes in all; POST /hold keeps its
// body's room for `hold` before it answers.
void with_body_budget(Duration hold, const std::function<Task<>(http::Server&)>& body) {
    http::ServerOptions options;
    options.body_budget = 1000;
    options.io_timeout = 1s;
    options.report_handler_errors = false;
    LoopOptions loop;
    loop.virtual_clock = true;
    agentio::testkit::with_http_server(
        options,
        [hold](http::Server& server) {
            add_routes(server);
            server.route("POST", "/hold", [hold](http::Request& request) -> Task<http::Response> {
                const std::string text = co_await request.text();
                co_await sleep(hold);
                co_return http::Response::text(std::to_string(text.size()));
            });
        },
        body, loop);
}

std::string post(std::string_view path, std::size_t bytes) {
    return "POST " + std::string(path) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: " +
           std::to_string(bytes) + "\r\n\r\n" + std::string(bytes, 'b');
}

TEST(ServerTest, BodiesBeyondTheBudgetWaitForRoomThen503AndOneLargerThanAllOfItIs413) {
    with_body_budget(3s, [](http::Server& server) -> Task<> {
        TaskHandle<std::string> holder = create_task(exchange(server.port(), post("/hold", 800)));
        co_await sleep(10ms);  // it has its room
        const TimePoint start = EventLoop::current()->now();
        const std::string waited = co_await exchange(server.port(), post("/echo", 500));
        EXPECT_TRUE(waited.starts_with("HTTP/1.1 503 ")) << waited;
        EXPECT_GE(EventLoop::current()->now() - start, 1s);  // it waited its io_timeout
        const std::string too_large = co_await exchange(server.port(), post("/echo", 1500));
        EXPECT_TRUE(too_large.starts_with("HTTP/1.1 413 ")) << too_large;
        const std::string held = co_await holder;
        EXPECT_TRUE(held.ends_with("\r\n\r\n800")) << held;
        const std::string after = co_await exchange(server.port(), post("/echo", 500));
        EXPECT_TRUE(after.starts_with("HTTP/1.1 200 ")) << after;
    });
}

TEST(ServerTest, ABodyThatWaitsForRoomGetsItWhenAnEarlierRequestEnds) {
    with_body_budget(500ms, [](http::Server& server) -> Task<> {
        TaskHandle<std::string> holder = create_task(exchange(server.port(), post("/hold", 800)));
        co_await sleep(10ms);
        const TimePoint start = EventLoop::current()->now();
        const std::string echoed = co_await exchange(server.port(), post("/echo", 500));
        EXPECT_TRUE(echoed.starts_with("HTTP/1.1 200 ")) << echoed;
        EXPECT_GE(EventLoop::current()->now() - start, 400ms);  // until the holder let go
        const std::string held = co_await holder;
        EXPECT_TRUE(held.starts_with("HTTP/1.1 200 ")) << held;
    });
}

TEST(ServerTest, SlowHeadIs408AfterTheHeaderTimeout) {
    http::ServerOptions options;
    options.header_timeout = 100ms;
    with_server(options, [](http::Server& server) -> Task<> {
        const TimePoint start = EventLoop::current()->now();
        // Half a head, then nothing (slowloris).
        net::TcpStream client = co_await net::TcpStream::connect(*net::SocketAddress::parse("127.0.0.1", server.port()));
        co_await client.write("GET / HTTP/1.1\r\nHost: x\r\n");
        std::string reply;
        char buffer[1024];
        co_await wait_for([&]() -> Task<> {
            while (std::size_t n = co_await client.read(buffer)) reply.append(buffer, n);
        }, 5s);
        EXPECT_TRUE(reply.starts_with("HTTP/1.1 408 ")) << reply;
        EXPECT_GE(EventLoop::current()->now() - start, 100ms);
    });
}

// A 24 MiB response, read 1 MiB at a time with 300 ms (virtual) between
// reads: 7 s in all, far past the 1 s io_timeout, never a pause of 1 s.
constexpr std::size_t kLargeBody = 24u << 20;

// Reads GET /large 1 MiB at a time, `pause` between reads, and once, after
// `stall_at` bytes, stops reading for `stall`. What arrived before the end
// (or a reset).
Task<std::size_t> read_slowly(std::uint16_t port, Duration pause, std::size_t stall_at, Duration stall) {
    net::TcpStream client = co_await net::TcpStream::connect(*net::SocketAddress::parse("127.0.0.1", port));
    co_await client.write("GET /large HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    std::vector<char> buffer(1u << 20);
    std::size_t received = 0;
    bool stalled = false;
    try {
        for (;;) {
            std::size_t got = 0;
            while (got < buffer.size()) {
                const std::size_t n = co_await client.read(std::span<char>(buffer.data() + got, buffer.size() - got));
                if (n == 0) co_return received + got;
                got += n;
            }
            received += got;
            if (received >= stall_at && !stalled) {
                stalled = true;
                co_await sleep(stall);
            }
            co_await sleep(pause);
        }
    } catch (const net::ConnectionError&) {
    }
    co_return received;
}

void with_large_response_server(Duration io_timeout, const std::function<Task<>(http::Server&)>& body,
                                bool virtual_clock = true) {
    http::ServerOptions options;
    options.io_timeout = io_timeout;
    options.report_handler_errors = false;
    LoopOptions loop;
    loop.virtual_clock = virtual_clock;
    agentio::testkit::with_http_server(
        options,
        [](http::Server& server) {
            server.route("GET", "/large", [](http::Request&) -> Task<http::Response> {
                co_return http::Response::text(std::string(kLargeBody, 'x'));
            });
        },
        body, loop);
}

// Real time: under the virtual clock, a moment when both sides wait on
// bytes the kernel is still moving looks idle, and time would jump to the
// server's stall deadline. 1 MiB every 250 ms is 6 s in all, three times the
// 2 s io_timeout, with no pause near it.
TEST(ServerTest, ASlowButSteadyReaderGetsAllOfALargeResponse) {
    with_large_response_server(
        2s,
        [](http::Server& server) -> Task<> {
            const TimePoint start = EventLoop::current()->now();
            const std::size_t received = co_await read_slowly(server.port(), 250ms, SIZE_MAX, 0s);
            EXPECT_GT(received, kLargeBody);  // the head and the whole body
            EXPECT_GE(EventLoop::current()->now() - start, 4s) << "the reader was not slow: the test proves nothing";
        },
        /*virtual_clock=*/false);
}

TEST(ServerTest, AReaderThatStopsIsCutAfterTheIoTimeout) {
    with_large_response_server(1s, [](http::Server& server) -> Task<> {
        // After 4 MiB the reader stops for 5 s: the server gives up after 1 s
        // and closes, so the rest never comes.
        const std::size_t received = co_await read_slowly(server.port(), 10ms, 4u << 20, 5s);
        EXPECT_GE(received, 4u << 20);
        EXPECT_LT(received, kLargeBody);
    });
}

TEST(ServerTest, AHandlerThatThrowsIs500AndOthersStillWork) {
    with_server({}, [](http::Server& server) -> Task<> {
        const std::string reply = co_await exchange(server.port(), "GET /boom HTTP/1.1\r\nHost: x\r\n\r\n");
        EXPECT_TRUE(reply.starts_with("HTTP/1.1 500 Internal Server Error\r\n")) << reply;
        const std::string next = co_await exchange(server.port(), "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        EXPECT_TRUE(next.starts_with("HTTP/1.1 200 ")) << next;
    });
}

TEST(ServerTest, SseStreamsChunkedEvents) {
    with_server({}, [](http::Server& server) -> Task<> {
        const std::string reply = co_await exchange(server.port(), "GET /sse HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        EXPECT_NE(reply.find("Content-Type: text/event-stream\r\n"), std::string::npos) << reply;
        EXPECT_NE(reply.find("Transfer-Encoding: chunked\r\n"), std::string::npos);
        EXPECT_NE(reply.find("data: tick 0\n\n"), std::string::npos);
        EXPECT_NE(reply.find("data: tick 2\n\n"), std::string::npos);
        EXPECT_TRUE(reply.ends_with("0\r\n\r\n")) << reply;
    });
}

TEST(ServerTest, HeadGetsHeadersWithoutABody) {
    with_server({}, [](http::Server& server) -> Task<> {
        server.router().add("HEAD", "/", [](http::Request&) -> Task<http::Response> { co_return http::Response::text("hello\n"); });
        const std::string reply = co_await exchange(server.port(), "HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        EXPECT_NE(reply.find("Content-Length: 6\r\n"), std::string::npos) << reply;
        EXPECT_TRUE(reply.ends_with("\r\n\r\n")) << reply;
    });
}

TEST(ServerTest, Http10ClosesAfterTheResponse) {
    with_server({}, [](http::Server& server) -> Task<> {
        const std::string reply = co_await exchange(server.port(), "GET / HTTP/1.0\r\n\r\n");
        EXPECT_TRUE(reply.starts_with("HTTP/1.1 200 OK\r\n")) << reply;
        EXPECT_NE(reply.find("Connection: close"), std::string::npos);
    });
}

TEST(ServerTest, ExpectContinueGets100BeforeTheBody) {
    with_server({}, [](http::Server& server) -> Task<> {
        net::TcpStream client = co_await net::TcpStream::connect(*net::SocketAddress::parse("127.0.0.1", server.port()));
        co_await client.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
        char buffer[1024];
        std::string interim;
        while (interim.find("\r\n\r\n") == std::string::npos) {
            const std::size_t n = co_await wait_for(client.read(buffer), 5s);
            if (n == 0) break;
            interim.append(buffer, n);
        }
        EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
        co_await client.write("ping");
        std::string reply;
        while (std::size_t n = co_await wait_for(client.read(buffer), 5s)) reply.append(buffer, n);
        EXPECT_TRUE(reply.starts_with("HTTP/1.1 200 OK")) << reply;
        EXPECT_TRUE(reply.ends_with("ping"));
    });
}

TEST(ServerTest, APeerThatResetsMidBodyEndsOnlyItsConnection) {
    with_server({}, [](http::Server& server) -> Task<> {
        {
            net::TcpStream client = co_await net::TcpStream::connect(*net::SocketAddress::parse("127.0.0.1", server.port()));
            co_await client.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\npartial");
            co_await sleep(20ms);
            linger hard_close{1, 0};
            ::setsockopt(client.fd(), SOL_SOCKET, SO_LINGER, &hard_close, sizeof hard_close);
        }
        const std::string next = co_await exchange(server.port(), "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        EXPECT_TRUE(next.starts_with("HTTP/1.1 200 ")) << next;
    });
}

TEST(ServerTest, GracefulShutdownFinishesInFlightAndClosesIdle) {
    run([]() -> Task<> {
        http::Server server;
        add_routes(server);
        server.start("127.0.0.1", 0);
        const std::uint16_t port = server.port();
        // One idle keep-alive connection, one request in progress.
        net::TcpStream idle = co_await net::TcpStream::connect(*net::SocketAddress::parse("127.0.0.1", port));
        auto slow = create_task(exchange(port, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
        co_await sleep(50ms);
        EXPECT_EQ(server.open_connections(), 2u);
        co_await server.shutdown(5s);
        const std::string reply = co_await slow;
        EXPECT_TRUE(reply.starts_with("HTTP/1.1 200 OK")) << reply;
        EXPECT_NE(reply.find("Connection: close"), std::string::npos);
        EXPECT_TRUE(reply.ends_with("slow done\n"));
        char buffer[16];
        EXPECT_EQ(co_await wait_for(idle.read(buffer), 5s), 0u);  // closed by the server
        EXPECT_EQ(server.open_connections(), 0u);
        bool refused = false;
        try {
            co_await net::TcpStream::connect(*net::SocketAddress::parse("127.0.0.1", port));
        } catch (const net::ConnectionError&) {
            refused = true;
        }
        EXPECT_TRUE(refused);
    }());
}

}  // namespace
