// server_curl_test.cpp: examples/http_server judged by curl.
//
// curl is strict about HTTP/1.1 framing and says in its -v trace what it saw
// on the wire, so these tests read that trace: the exact status line and
// headers, 404/405, HEAD, an HTTP/1.0 client, reuse of one keep-alive
// connection for two URLs, a chunked upload echoed byte for byte (with
// Expect: 100-continue answered), TLS with the test CA and ALPN http/1.1, an
// SSE stream that arrives event by event with --no-buffer, and a graceful
// shutdown (SIGTERM) that lets an in-flight stream finish, closes idle
// connections at once, refuses new connections, and exits 0.
#include <gtest/gtest.h>

#include <csignal>
#include <regex>
#include <string>
#include <vector>

#include "integration/example_server.hpp"
#include "integration/raw_peer.hpp"
#include "integration/support.hpp"
#include "net/tls_support.hpp"

using namespace agentio::itest;

namespace {

class ServerCurlTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!ExampleServer::available()) GTEST_SKIP() << "needs " << ExampleServer::binary();
        if (!have_curl()) GTEST_SKIP() << "needs curl";
    }
};

std::vector<std::string> tls_arguments() {
    const auto& certs = agentio::testkit::test_certificates();
    return {"--tls-cert", certs.server_cert, "--tls-key", certs.server_key};
}

// The payloads of the `data:` lines of an SSE body, in order.
std::vector<std::string> sse_data(const std::string& body) {
    std::vector<std::string> data;
    std::size_t start = 0;
    for (std::size_t end; (end = body.find('\n', start)) != std::string::npos; start = end + 1)
        if (body.compare(start, 6, "data: ") == 0) data.push_back(body.substr(start + 6, end - start - 6));
    return data;
}

std::vector<std::string> expected_events(int n) {
    std::vector<std::string> events;
    for (int i = 1; i <= n; ++i) events.push_back("event " + std::to_string(i));
    events.push_back("[DONE]");
    return events;
}

// Whether some line of the trace matches `pattern` entirely.
bool trace_matches(const CurlResult& result, const std::string& pattern) {
    const std::regex re(pattern);
    for (const std::string& line : result.trace())
        if (std::regex_match(line, re)) return true;
    return false;
}

TEST_F(ServerCurlTest, GetAnswersWithAnExactHttp11Head) {
    ExampleServer server;
    const CurlResult result = curl({server.url("/")});
    ASSERT_TRUE(result.status.success()) << result.status.to_string() << "\n" << result.err;
    EXPECT_EQ(result.out, "Hello from agentio\n");
    EXPECT_TRUE(result.has_line("> GET / HTTP/1.1")) << result.err;
    EXPECT_TRUE(result.has_line("< HTTP/1.1 200 OK")) << result.err;
    EXPECT_TRUE(result.has_line("< Content-Type: text/plain; charset=utf-8")) << result.err;
    EXPECT_TRUE(result.has_line("< Content-Length: 19")) << result.err;
    // An IMF-fixdate, as RFC 9110 requires of Date.
    EXPECT_TRUE(trace_matches(result, R"(< Date: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT)"))
        << result.err;
    EXPECT_EQ(result.count_lines_starting("< Connection: close"), 0) << "a keep-alive answer: " << result.err;
    EXPECT_TRUE(trace_matches(result, R"(\* Connection #0 to host 127\.0\.0\.1 left intact)")) << result.err;
}

TEST_F(ServerCurlTest, UnknownPathIs404AndWrongMethodIs405) {
    ExampleServer server;
    const CurlResult missing = curl({server.url("/nowhere")});
    EXPECT_TRUE(missing.has_line("< HTTP/1.1 404 Not Found")) << missing.err;
    const CurlResult wrong_method = curl({"-X", "DELETE", server.url("/")});
    EXPECT_TRUE(wrong_method.has_line("< HTTP/1.1 405 Method Not Allowed")) << wrong_method.err;
    EXPECT_TRUE(trace_matches(wrong_method, "< Allow: .*GET.*")) << wrong_method.err;
}

// RFC 9110 9.1: every general-purpose server supports HEAD wherever it
// supports GET; the answer is GET's head without the body.
TEST_F(ServerCurlTest, HeadIsAnsweredLikeGetWithoutABody) {
    ExampleServer server;
    const CurlResult result = curl({"--head", server.url("/")});
    ASSERT_TRUE(result.status.success()) << result.status.to_string() << "\n" << result.err;
    EXPECT_TRUE(result.has_line("> HEAD / HTTP/1.1")) << result.err;
    EXPECT_TRUE(result.has_line("< HTTP/1.1 200 OK")) << result.err;
    EXPECT_TRUE(result.has_line("< Content-Length: 19")) << result.err;
}

// An HTTP/1.0 client cannot take chunked coding: the stream is delimited by
// the close of the connection instead.
TEST_F(ServerCurlTest, Http10ClientGetsACloseDelimitedStream) {
    ExampleServer server;
    const CurlResult result = curl({"--http1.0", server.url("/sse?n=3")});
    ASSERT_TRUE(result.status.success()) << result.status.to_string() << "\n" << result.err;
    EXPECT_TRUE(result.has_line("> GET /sse?n=3 HTTP/1.0")) << result.err;
    EXPECT_TRUE(result.has_line("< HTTP/1.1 200 OK")) << result.err;
    EXPECT_TRUE(result.has_line("< Connection: close")) << result.err;
    EXPECT_EQ(result.count_lines_starting("< Transfer-Encoding"), 0) << result.err;
    EXPECT_EQ(sse_data(result.out), expected_events(3)) << result.out;
}

TEST_F(ServerCurlTest, TwoUrlsReuseOneKeepAliveConnection) {
    ExampleServer server;
    const CurlResult result = curl({server.url("/"), server.url("/sse?n=2")});
    ASSERT_TRUE(result.status.success()) << result.status.to_string() << "\n" << result.err;
    EXPECT_EQ(result.count_lines_starting("* Connected to"), 1) << result.err;
    EXPECT_EQ(result.count_lines_starting("* Re-using existing connection"), 1) << result.err;
    EXPECT_EQ(result.count_lines_starting("< HTTP/1.1 200 OK"), 2) << result.err;
    EXPECT_TRUE(result.out.starts_with("Hello from agentio\n")) << result.out;
    EXPECT_EQ(sse_data(result.out), expected_events(2)) << result.out;
}

// Bytes of every value, so that nothing survives by accident of being text.
std::string binary_payload(std::size_t size) {
    std::string data(size, '\0');
    std::uint32_t state = 12345;
    for (char& c : data) {
        state = state * 1103515245u + 12345u;
        c = static_cast<char>(state >> 24);
    }
    return data;
}

// Uploads `size` bytes chunked to /echo and checks the echo.
void check_chunked_upload(ExampleServer& server, const std::vector<std::string>& extra, const std::string& host,
                          std::size_t size) {
    TempDir dir;
    const std::string payload = binary_payload(size);
    write_file(dir.file("upload.bin"), payload);
    std::vector<std::string> arguments = extra;
    arguments.insert(arguments.end(), {"-H", "Transfer-Encoding: chunked", "-H", "Content-Type: application/octet-stream",
                                       "--data-binary", "@" + dir.file("upload.bin"), "-o", dir.file("echo.bin"),
                                       server.url("/echo", host)});
    const CurlResult result = curl(arguments);
    ASSERT_TRUE(result.status.success()) << result.status.to_string() << "\n" << result.err;
    EXPECT_TRUE(result.has_line("> Transfer-Encoding: chunked")) << result.err;
    EXPECT_TRUE(result.has_line("< HTTP/1.1 200 OK")) << result.err;
    EXPECT_TRUE(result.has_line("< Content-Type: application/octet-stream")) << result.err;
    EXPECT_TRUE(result.has_line("< Content-Length: " + std::to_string(size))) << result.err;
    // curl asks before a large or unsized upload; the server must say go on
    // (else curl waits a second and sends anyway, which would hide a bug).
    if (result.has_line("> Expect: 100-continue")) {
        EXPECT_TRUE(result.has_line("< HTTP/1.1 100 Continue")) << result.err;
    }
    const std::string echoed = read_file(dir.file("echo.bin"));
    EXPECT_EQ(echoed.size(), payload.size());
    EXPECT_TRUE(echoed == payload) << "the echo differs from the upload";
}

TEST_F(ServerCurlTest, ChunkedUploadIsEchoedByteForByte) {
    ExampleServer server;
    check_chunked_upload(server, {}, "127.0.0.1", 300 * 1024);
    check_chunked_upload(server, {}, "127.0.0.1", 1);
}

TEST_F(ServerCurlTest, TlsWithTheTestCaSpeaksHttp11) {
    if (!agentio::testkit::have_openssl_cli()) GTEST_SKIP() << "needs the openssl command line for the certificates";
    ExampleServer server(tls_arguments());
    const std::string ca = agentio::testkit::test_certificates().ca_cert;
    const CurlResult result = curl({"--cacert", ca, server.url("/", "localhost"), server.url("/", "localhost")});
    ASSERT_TRUE(result.status.success()) << result.status.to_string() << "\n" << result.err;
    EXPECT_EQ(result.out, "Hello from agentio\nHello from agentio\n");
    EXPECT_TRUE(trace_matches(result, R"(\* SSL connection using TLSv1\.[23] / .*)")) << result.err;
    EXPECT_TRUE(result.has_line("* ALPN: server accepted http/1.1")) << result.err;
    EXPECT_TRUE(result.has_line("*  SSL certificate verify ok.")) << result.err;
    EXPECT_TRUE(result.has_line("> GET / HTTP/1.1")) << result.err;
    EXPECT_EQ(result.count_lines_starting("< HTTP/1.1 200 OK"), 2) << result.err;
    EXPECT_EQ(result.count_lines_starting("* Re-using existing connection"), 1) << result.err;
    check_chunked_upload(server, {"--cacert", ca}, "localhost", 200 * 1024);
    // curl without the CA refuses the server, as it should.
    const CurlResult untrusted = curl({server.url("/", "localhost")});
    EXPECT_EQ(untrusted.status.code, 60) << "curl's code for an unverified peer: " << untrusted.err;
}

// Streams /sse?n=`n` with curl --no-buffer and checks that the first event is
// out while the stream is still going, and that all of them arrive in order.
void check_sse_stream(ExampleServer& server, const std::vector<std::string>& extra, const std::string& host) {
    std::vector<std::string> arguments = extra;
    arguments.insert(arguments.end(), {"--no-buffer", server.url("/sse?n=50", host)});
    Process process(curl_command(arguments));
    // 50 events 10 ms apart: the first is due long before the last.
    const auto first = process.wait_for_line(std::regex("^data: event 1$"), Millis(10000));
    ASSERT_TRUE(first.has_value()) << process.describe();
    EXPECT_EQ(process.out().find("[DONE]"), std::string::npos) << "the stream came in one piece, not event by event";
    const ExitStatus status = run_to_end(process, Millis(20000));
    ASSERT_TRUE(status.success()) << process.describe();
    EXPECT_EQ(sse_data(process.out()), expected_events(50)) << process.out();
    // Each event is a data line and an empty line.
    EXPECT_NE(process.out().find("data: event 7\n\ndata: event 8\n\n"), std::string::npos) << process.out();
    CurlResult trace;
    trace.err = process.err();
    EXPECT_TRUE(trace.has_line("< HTTP/1.1 200 OK")) << trace.err;
    EXPECT_TRUE(trace.has_line("< Content-Type: text/event-stream")) << trace.err;
    EXPECT_TRUE(trace.has_line("< Transfer-Encoding: chunked")) << trace.err;
}

TEST_F(ServerCurlTest, SseArrivesEventByEventInOrder) {
    ExampleServer server;
    check_sse_stream(server, {}, "127.0.0.1");
}

TEST_F(ServerCurlTest, SseOverTls) {
    if (!agentio::testkit::have_openssl_cli()) GTEST_SKIP() << "needs the openssl command line for the certificates";
    ExampleServer server(tls_arguments());
    check_sse_stream(server, {"--cacert", agentio::testkit::test_certificates().ca_cert}, "localhost");
}

TEST_F(ServerCurlTest, SigtermFinishesTheInFlightStreamAndExitsZero) {
    ExampleServer server;
    Process stream(curl_command({"--no-buffer", server.url("/sse?n=50")}));
    ASSERT_TRUE(stream.wait_for_line(std::regex("^data: event 1$"), Millis(10000))) << stream.describe();

    server.process().send_signal(SIGTERM);
    ASSERT_TRUE(server.process().wait_for_line(std::regex("SIGTERM: shutting down"), Millis(5000)))
        << server.process().describe();
    // The listener closes at once: a new client is refused while the stream
    // is still being served.
    EXPECT_TRUE(eventually([&] { return !accepts_connections(server.port()); }, Millis(5000)))
        << "the server still accepts connections after SIGTERM";

    // The stream takes about 0.5 s and the grace period is 5 s: it completes.
    const ExitStatus curl_status = run_to_end(stream, Millis(20000));
    EXPECT_TRUE(curl_status.success()) << stream.describe();
    EXPECT_EQ(sse_data(stream.out()), expected_events(50)) << stream.out();

    const auto server_status = server.process().wait(Millis(10000));
    ASSERT_TRUE(server_status.has_value()) << "http_server still runs 10 s after SIGTERM: "
                                           << server.process().describe();
    EXPECT_TRUE(server_status->success()) << server.process().describe();
}

TEST_F(ServerCurlTest, SigtermClosesIdleKeepAliveConnectionsAtOnce) {
    ExampleServer server;
    // A keep-alive connection left idle after its response must not hold the
    // shutdown for the whole 5 s grace period: idle connections are closed.
    RawPeer idle(server.port());
    ASSERT_TRUE(idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    const RawResponse first = idle.read_response();
    ASSERT_EQ(first.end, ReadEnd::Complete) << first.bytes;
    EXPECT_EQ(first.status, 200);

    const auto started = SteadyClock::now();
    server.process().send_signal(SIGTERM);
    const RawResponse after = idle.read_until_close(Millis(10000));
    EXPECT_EQ(after.end, ReadEnd::Closed) << "the idle connection was not closed: " << to_string(after.end);
    EXPECT_TRUE(after.bytes.empty()) << after.bytes;
    const auto status = server.process().wait(Millis(10000));
    ASSERT_TRUE(status.has_value()) << server.process().describe();
    EXPECT_TRUE(status->success()) << server.process().describe();
    EXPECT_LT(SteadyClock::now() - started, Millis(4000)) << "shutdown waited for an idle connection";
}

}  // namespace
