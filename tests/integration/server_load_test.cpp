// server_load_test.cpp: examples/http_server under load and under hostile input.
//
// Load: wrk with 64 connections must see only 2xx answers and no socket
// errors; 10,000 idle keep-alive connections held open must not stop the
// server from answering a fresh client quickly. Hostile input: the parser's
// seed corpus (and mutations of it) replayed over TCP, oversized heads, bad
// chunk sizes, bodies over the limit, pipelined requests, peers that reset
// mid-body, peers that stall or trickle a head, and plain text or stalled
// handshakes on the TLS port: each connection gets its status or a clean
// close, never a hang (every read is bounded), and the server keeps
// answering afterwards.
#include <agentio/agentio.hpp>
#include <agentio/http/client.hpp>
#include <agentio/net/tcp_stream.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <numeric>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "integration/example_server.hpp"
#include "integration/raw_peer.hpp"
#include "integration/support.hpp"
#include "net/tls_support.hpp"

using namespace agentio;
using namespace agentio::itest;
using namespace std::chrono_literals;
using namespace std::string_view_literals;

namespace {

class ServerLoadTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!ExampleServer::available()) GTEST_SKIP() << "needs " << ExampleServer::binary();
    }
};

constexpr std::string_view get_root = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
constexpr std::string_view hello = "Hello from agentio\n";

// A fresh connection asks GET / and must get 200 "Hello from agentio".
void expect_still_serving(ExampleServer& server, const std::string& after) {
    ASSERT_TRUE(server.process().running()) << "http_server died after " << after << ": " << server.process().describe();
    RawPeer peer(server.port());
    ASSERT_TRUE(peer.send(get_root));
    const RawResponse response = peer.read_response();
    EXPECT_EQ(response.end, ReadEnd::Complete) << "after " << after << ": " << to_string(response.end) << "\n"
                                               << response.bytes;
    EXPECT_EQ(response.status, 200) << "after " << after;
    EXPECT_EQ(response.body, hello) << "after " << after;
}

TEST_F(ServerLoadTest, WrkSeesOnly2xxAndNoSocketErrors) {
    if (!have_program("wrk")) GTEST_SKIP() << "needs wrk";
    ExampleServer server;
    Process wrk({"wrk", "-t1", "-c64", "-d2s", "--timeout", "5s", server.url("/")});
    const ExitStatus status = run_to_end(wrk, Millis(30000));
    ASSERT_TRUE(status.success()) << wrk.describe();
    const std::string report = wrk.out();
    std::smatch requests;
    ASSERT_TRUE(std::regex_search(report, requests, std::regex(R"((\d+) requests in)"))) << report;
    EXPECT_GT(std::stoll(requests[1]), 0) << report;
    // wrk prints these lines only when there is something to count.
    EXPECT_EQ(report.find("Socket errors"), std::string::npos) << report;
    EXPECT_EQ(report.find("Non-2xx"), std::string::npos) << report;
    std::smatch rate;
    if (std::regex_search(report, rate, std::regex(R"(Requests/sec:\s+([\d.]+))")))
        RecordProperty("requests_per_second", rate[1].str());
    expect_still_serving(server, "wrk");
}

// Opens a connection, asks GET / once, and keeps the connection.
Task<std::unique_ptr<net::TcpStream>> open_keep_alive(net::SocketAddress address) {
    auto stream = std::make_unique<net::TcpStream>(co_await net::TcpStream::connect(address));
    co_await stream->write(get_root);
    std::string received;
    char buffer[1024];
    for (;;) {
        const std::size_t head_end = received.find("\r\n\r\n");
        if (head_end != std::string::npos && received.size() >= head_end + 4 + hello.size()) break;
        const std::size_t n = co_await stream->read(buffer);
        if (n == 0) throw net::UnexpectedEof("the server closed a connection before answering GET /");
        received.append(buffer, n);
    }
    if (!received.starts_with("HTTP/1.1 200 OK\r\n") || received.find("Connection: close") != std::string::npos)
        throw Error("unexpected answer to GET /: " + received);
    co_return stream;
}

TEST_F(ServerLoadTest, TenThousandIdleKeepAliveConnectionsWhileStillAnswering) {
    constexpr std::size_t idle_count = 10000;
    // Each side holds one descriptor per connection: both need the soft
    // limit raised to the hard one (20,000 here).
    const rlim_t limit = raise_fd_limit();
    if (limit < idle_count + 500) GTEST_SKIP() << "the descriptor limit " << limit << " is below " << idle_count + 500;
    ExampleServer server({}, SpawnOptions{.fd_limit = limit, .environment = {}});
    const net::SocketAddress address = *net::SocketAddress::parse("127.0.0.1", server.port());

    run(wait_for([&]() -> Task<> {
        std::vector<std::size_t> slots(idle_count);
        std::iota(slots.begin(), slots.end(), 0);
        std::vector<std::unique_ptr<net::TcpStream>> held(idle_count);
        const auto opening = SteadyClock::now();
        co_await map_concurrent(
            slots, [&](std::size_t slot) -> Task<> { held[slot] = co_await open_keep_alive(address); }, 128);
        const auto opened_in = std::chrono::duration_cast<Millis>(SteadyClock::now() - opening);
        RecordProperty("open_10000_ms", std::to_string(opened_in.count()));

        // The kernel's view: all of them established (none closed by the server).
        EXPECT_GE(tcp_sockets_to(server.port(), tcp_established), static_cast<int>(idle_count));

        // A fresh client is answered quickly although 10,000 connections wait.
        const auto asking = SteadyClock::now();
        expect_still_serving(server, "opening 10,000 idle connections");
        const auto answered_in = std::chrono::duration_cast<Millis>(SteadyClock::now() - asking);
        RecordProperty("fresh_request_ms", std::to_string(answered_in.count()));
        EXPECT_LT(answered_in, Millis(1000)) << "a fresh request took " << answered_in.count() << " ms";

        // Some of the idle connections, spread over the set, still work.
        for (std::size_t slot = 0; slot < idle_count; slot += 997) {
            EXPECT_FALSE(held[slot]->closed_by_peer()) << "connection " << slot << " was closed";
            co_await held[slot]->write(get_root);
            char buffer[512];
            const std::size_t n = co_await held[slot]->read(buffer);
            EXPECT_TRUE(std::string_view(buffer, n).starts_with("HTTP/1.1 200 OK")) << std::string_view(buffer, n);
        }
        EXPECT_GE(tcp_sockets_to(server.port(), tcp_established), static_cast<int>(idle_count));
    }(), 120s));
    expect_still_serving(server, "closing 10,000 idle connections");
}

// Sends `bytes`, half-closes, reads everything back (bounded). The server
// must answer with a status or close cleanly, never leave the peer hanging.
RawResponse exchange(std::uint16_t port, std::string_view bytes, bool half_close = true) {
    RawPeer peer(port);
    peer.send(bytes);  // may fail: the server can answer and close before taking it all
    if (half_close) peer.shutdown_write();
    return peer.read_until_close(Millis(5000));
}

// The statuses a server may answer the corpus with: success for the valid
// messages, the parser's error statuses and the router's 404/405.
bool acceptable_status(int status) {
    static const std::set<int> allowed{400, 404, 405, 408, 413, 414, 431, 501, 505};
    return (status >= 200 && status < 300) || allowed.count(status) != 0;
}

void check_answer(const RawResponse& response, const std::string& what) {
    SCOPED_TRACE(what);
    EXPECT_NE(response.end, ReadEnd::Timeout) << "no answer and no close within 5 s; got: " << response.bytes;
    if (response.bytes.empty()) {
        EXPECT_EQ(response.end, ReadEnd::Closed) << "neither an answer nor a clean close";
        return;
    }
    EXPECT_TRUE(response.bytes.starts_with("HTTP/1.1 ")) << response.bytes.substr(0, 200);
    EXPECT_TRUE(acceptable_status(response.status)) << "status " << response.status;
    EXPECT_NE(response.head.find("\r\n\r\n"), std::string::npos) << "no complete head: " << response.bytes.substr(0, 200);
}

std::filesystem::path corpus_dir() {
    return std::filesystem::path(__FILE__).parent_path() / ".." / ".." / "fuzz" / "corpus" / "http";
}

TEST_F(ServerLoadTest, FuzzCorpusReplayedOverTcpGetsStatusOrCleanClose) {
    const auto dir = corpus_dir();
    if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "no corpus at " << dir;
    ExampleServer server;
    std::uint32_t seed = 2024;
    auto random = [&seed](std::size_t bound) {
        seed = seed * 1664525u + 1013904223u;
        return bound == 0 ? 0 : (seed >> 8) % bound;
    };
    int replayed = 0;
    std::map<std::string, int> outcomes;  // status (or how it closed) -> connections
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        const std::string file = entry.path().filename().string();
        const std::string raw = read_file(entry.path().string());
        // The fuzz input is 6 bytes of parser selector and split seeds, then the message.
        const std::string message = raw.size() > 6 ? raw.substr(6) : "";
        std::vector<std::pair<std::string, std::string>> variants{{"raw file", raw}, {"message", message}};
        if (!raw.empty() && raw[0] == 2)  // a chunked body: send it as one
            variants.emplace_back("chunked POST", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
                                                      message);
        const std::string base = variants.back().second;
        for (int i = 0; i < 6; ++i) {  // truncated and byte-flipped copies
            std::string mutated = base;
            if (mutated.empty()) break;
            if (i % 2 == 0) mutated.resize(random(mutated.size()));
            for (int flips = 0; flips < 3 && !mutated.empty(); ++flips)
                mutated[random(mutated.size())] = static_cast<char>(random(256));
            variants.emplace_back("mutation " + std::to_string(i), mutated);
        }
        for (const auto& [kind, bytes] : variants) {
            const RawResponse response = exchange(server.port(), bytes);
            check_answer(response, file + " (" + kind + ")");
            ++outcomes[response.bytes.empty() ? std::string(to_string(response.end)) : std::to_string(response.status)];
            ++replayed;
        }
        expect_still_serving(server, file);
    }
    std::string summary;
    for (const auto& [outcome, count] : outcomes) summary += outcome + ": " + std::to_string(count) + "; ";
    RecordProperty("outcomes", summary);
    // The corpus holds valid requests and invalid ones: both answers must show.
    EXPECT_GT(outcomes["200"], 0) << summary;
    EXPECT_GT(outcomes["400"], 0) << summary;
    EXPECT_GT(replayed, 0);
}

struct HostileCase {
    const char* name;
    std::string request;
    int status;
};

std::string many_fields(int count) {
    std::string head = "GET / HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < count; ++i) head += "X-Field-" + std::to_string(i) + ": v\r\n";
    return head + "\r\n";
}

std::string chunked_post(const std::string& body) {
    return "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + body;
}

TEST_F(ServerLoadTest, HostileRequestsGetTheirStatusAndClose) {
    ExampleServer server;
    const std::vector<HostileCase> cases{
        {"oversized head", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(70 * 1024, 'a') + "\r\n\r\n", 431},
        {"too many header fields", many_fields(150), 431},
        {"request line too long", "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", 414},
        {"bad chunk size", chunked_post("zz\r\nhello\r\n0\r\n\r\n"), 400},
        {"chunk size overflowing 64 bits", chunked_post("1ffffffffffffffff\r\nx\r\n0\r\n\r\n"), 400},
        {"chunk over the body limit", chunked_post("ffffffff\r\nxyz"), 413},
        {"content-length over the body limit", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000000\r\n\r\n", 413},
        {"content-length and chunked", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
        {"unknown transfer coding", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: frobnicate, chunked\r\n\r\n0\r\n\r\n", 501},
        {"HTTP/2.0 request line", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505},
        {"malformed version", "GET / HTTP/1.x\r\nHost: x\r\n\r\n", 400},
        {"space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400},
        {"obs-fold continuation", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n", 400},
        {"NUL in a header value", std::string("GET / HTTP/1.1\r\nHost: x\0y\r\n\r\n"sv), 400},
        {"binary garbage", std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n"sv), 400},
    };
    for (const HostileCase& c : cases) {
        SCOPED_TRACE(c.name);
        // No half-close: the server must answer and close on its own.
        const RawResponse response = exchange(server.port(), c.request, /*half_close=*/false);
        EXPECT_EQ(response.status, c.status) << to_string(response.end) << ": " << response.bytes.substr(0, 300);
        EXPECT_NE(response.end, ReadEnd::Timeout) << "the server left the connection open";
        EXPECT_TRUE(response.header("Connection").value_or("") == "close") << response.head;
        expect_still_serving(server, c.name);
    }
}

TEST_F(ServerLoadTest, PipelinedRequestsAreAnsweredInOrder) {
    ExampleServer server;
    RawPeer peer(server.port());
    ASSERT_TRUE(peer.send(std::string(get_root) + "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n" +
                          "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nfirst" + std::string(get_root) +
                          "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nsecond\r\n0\r\n\r\n"));
    const std::vector<std::pair<int, std::string>> expected{
        {200, std::string(hello)}, {404, ""}, {200, "first"}, {200, std::string(hello)}, {200, "second"}};
    for (const auto& [status, body] : expected) {
        const RawResponse response = peer.read_response();
        ASSERT_EQ(response.end, ReadEnd::Complete) << to_string(response.end) << ": " << response.bytes;
        EXPECT_EQ(response.status, status);
        if (!body.empty()) {
            EXPECT_EQ(response.body, body);
        }
    }
}

TEST_F(ServerLoadTest, PeersResettingMidBodyHurtOnlyThemselves) {
    ExampleServer server;
    // A keep-alive connection that watches: it must live through the resets.
    RawPeer bystander(server.port());
    ASSERT_TRUE(bystander.send(get_root));
    ASSERT_EQ(bystander.read_response().status, 200);
    for (int i = 0; i < 20; ++i) {
        RawPeer peer(server.port());
        peer.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + std::string(5000 + i * 100, 'b'));
        peer.reset();
    }
    // One that resets in the middle of a chunked body, and one mid-head.
    {
        RawPeer peer(server.port());
        peer.send(chunked_post("400\r\n" + std::string(100, 'c')));
        peer.reset();
    }
    {
        RawPeer peer(server.port());
        peer.send("GET / HTTP/1.1\r\nHos");
        peer.reset();
    }
    ASSERT_TRUE(bystander.send(get_root));
    const RawResponse again = bystander.read_response();
    EXPECT_EQ(again.status, 200) << to_string(again.end) << ": " << again.bytes;
    EXPECT_EQ(again.body, hello);
    expect_still_serving(server, "22 resets");
}

// A short header timeout, so that the 408 tests take a second, not the
// default ten.
constexpr Millis header_timeout{1000};
std::vector<std::string> short_header_timeout() { return {"--header-timeout-ms", std::to_string(header_timeout.count())}; }

TEST_F(ServerLoadTest, StalledHeadGets408AfterTheHeaderTimeout) {
    ExampleServer server(short_header_timeout());
    RawPeer staller(server.port());
    const auto started = SteadyClock::now();
    ASSERT_TRUE(staller.send("GET / HTTP/1.1\r\nHost: x\r\nX-Half: "));
    // The stalled peer does not hold up anybody else.
    expect_still_serving(server, "a peer stalled mid-head");
    const RawResponse response = staller.read_until_close(header_timeout + Millis(10000));
    const auto waited = SteadyClock::now() - started;
    EXPECT_EQ(response.status, 408) << to_string(response.end) << ": " << response.bytes;
    EXPECT_EQ(response.end, ReadEnd::Closed);
    EXPECT_GE(waited, header_timeout - Millis(200)) << "408 came before the header timeout";
    expect_still_serving(server, "a 408");
}

TEST_F(ServerLoadTest, TricklingHeadGets408DespiteSteadyBytes) {
    ExampleServer server(short_header_timeout());
    // Slowloris: a byte every 100 ms keeps the connection busy but never
    // completes the head. The timeout counts from the first byte, so the
    // bytes must not extend it.
    RawPeer trickler(server.port());
    const std::string endless = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(100000, 'z');
    const auto started = SteadyClock::now();
    RawResponse response;
    std::string received;
    for (std::size_t i = 0; i < endless.size(); ++i) {
        if (SteadyClock::now() - started > header_timeout + Millis(10000)) break;
        if (!trickler.send(endless.substr(i, 1))) break;  // the server closed
        response = trickler.read_until_close(Millis(100));
        received += response.bytes;
        if (response.end != ReadEnd::Timeout || !received.empty()) break;
    }
    if (response.end == ReadEnd::Timeout) received += trickler.read_until_close(Millis(5000)).bytes;
    const auto waited = SteadyClock::now() - started;
    EXPECT_TRUE(received.starts_with("HTTP/1.1 408 ")) << received;
    EXPECT_GE(waited, header_timeout - Millis(200)) << "408 came before the header timeout";
    EXPECT_LT(waited, header_timeout + Millis(3000)) << "the trickle kept the connection alive";
    expect_still_serving(server, "a trickled head");
}

TEST_F(ServerLoadTest, TlsPortSurvivesPlainTextAndStalledHandshakes) {
    if (!testkit::have_openssl_cli()) GTEST_SKIP() << "needs the openssl command line for the certificates";
    const auto& certs = testkit::test_certificates();
    std::vector<std::string> arguments = short_header_timeout();
    arguments.insert(arguments.end(), {"--tls-cert", certs.server_cert, "--tls-key", certs.server_key});
    ExampleServer server(arguments);
    {
        // Plain HTTP to the TLS port: not a handshake, so the connection ends.
        const RawResponse response = exchange(server.port(), get_root, /*half_close=*/false);
        EXPECT_NE(response.end, ReadEnd::Timeout) << "plain HTTP on the TLS port left the connection open";
        EXPECT_FALSE(response.bytes.starts_with("HTTP/1.1 200")) << response.bytes;
    }
    const auto started = SteadyClock::now();
    // A client that connects and says nothing, and one that stops after the
    // first bytes of a ClientHello: both are dropped after the header timeout.
    RawPeer silent(server.port());
    RawPeer half_hello(server.port());
    ASSERT_TRUE(half_hello.send(std::string_view("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11)));
    for (RawPeer* peer : {&silent, &half_hello}) {
        const RawResponse response = peer->read_until_close(header_timeout + Millis(5000));
        EXPECT_NE(response.end, ReadEnd::Timeout) << "a stalled TLS handshake was kept open";
    }
    EXPECT_GE(SteadyClock::now() - started, header_timeout - Millis(200));
    // Real TLS clients are still served.
    run(wait_for([&]() -> Task<> {
        http::ClientOptions options;
        options.proxy = http::ProxyConfig{};
        options.tls.ca_file = certs.ca_cert;
        http::Client client(options);
        http::ClientResponse response = co_await client.get(server.url("/", "localhost"));
        EXPECT_EQ(response.status(), 200);
        EXPECT_EQ(co_await response.text(), hello);
    }(), 30s));
}

}  // namespace
