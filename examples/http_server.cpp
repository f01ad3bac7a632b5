// http_server: a small HTTP/1.1 server (plain or TLS) on agentio.
//
//     http_server [--host 127.0.0.1] [--port 8080] [--tls-cert cert.pem --tls-key key.pem]
//                 [--header-timeout-ms N]
//
//     GET  /          a short text
//     POST /echo      the request body, back
//     GET  /sse?n=N   N Server-Sent Events, 10 ms apart (default 5)
//
// Prints "listening on http://HOST:PORT" once it accepts (port 0 picks a free
// one). Ctrl-C or SIGTERM shuts it down gracefully.
#include <agentio/agentio.hpp>
#include <agentio/http/server.hpp>
#include <agentio/net/signals.hpp>
#include <agentio/net/tls_context.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

using namespace agentio;
using namespace std::chrono_literals;

namespace {

int query_int(std::string_view query, std::string_view name, int fallback) {
    for (std::size_t at = 0; at < query.size();) {
        const std::size_t end = std::min(query.find('&', at), query.size());
        const std::string_view pair = query.substr(at, end - at);
        if (pair.starts_with(name) && pair.size() > name.size() && pair[name.size()] == '=')
            return std::atoi(std::string(pair.substr(name.size() + 1)).c_str());
        at = end + 1;
    }
    return fallback;
}

Task<> serve(std::string host, std::uint16_t port, http::ServerOptions options) {
    const bool tls = options.tls.has_value();
    http::Server server(std::move(options));
    server.route("GET", "/", [](http::Request&) -> Task<http::Response> {
        co_return http::Response::text("Hello from agentio\n");
    });
    server.route("POST", "/echo", [](http::Request& request) -> Task<http::Response> {
        const auto type = request.header("Content-Type");
        co_return http::Response::text(co_await request.text(), 200, type ? *type : "application/octet-stream");
    });
    server.route("GET", "/sse", [](http::Request& request) -> Task<http::Response> {
        const int events = query_int(request.query(), "n", 5);
        co_return http::Response::sse([events](http::ResponseStream& out) -> Task<> {
            http::SseEvent event;  // (g++ 12 rejects a braced temporary inside co_await)
            for (int i = 1; i <= events; ++i) {
                event.data = "event " + std::to_string(i);
                co_await out.send(event);
                co_await sleep(10ms);
            }
            event.data = "[DONE]";
            co_await out.send(event);
        });
    });
    server.start(host, port);
    std::printf("listening on %s://%s:%u\n", tls ? "https" : "http", host.c_str(), server.port());
    std::fflush(stdout);
    Task<int> stop = net::wait_for_signal({SIGINT, SIGTERM});
    const int signal = co_await std::move(stop);
    std::printf("%s: shutting down\n", signal == SIGINT ? "SIGINT" : "SIGTERM");
    co_await server.shutdown(5s);
}

}  // namespace

int main(int argc, char** argv) {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;
    std::string cert, key;
    int header_timeout_ms = 0;  // 0: the server's default
    for (int i = 1; i < argc; i += 2) {  // every option takes a value
        const std::string arg = argv[i];
        const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
        if (value == nullptr || arg == "--help") {
            std::fprintf(stderr, "usage: http_server [--host IP] [--port N] [--tls-cert FILE --tls-key FILE]"
                                 " [--header-timeout-ms N]\n");
            return arg == "--help" ? 0 : 2;
        }
        if (arg == "--host") host = value;
        else if (arg == "--port") port = static_cast<std::uint16_t>(std::atoi(value));
        else if (arg == "--tls-cert") cert = value;
        else if (arg == "--tls-key") key = value;
        else if (arg == "--header-timeout-ms") header_timeout_ms = std::atoi(value);
        else {
            std::fprintf(stderr, "http_server: unknown option %s\n", arg.c_str());
            return 2;
        }
    }
    if (cert.empty() != key.empty()) {
        std::fprintf(stderr, "http_server: --tls-cert and --tls-key go together\n");
        return 2;
    }
    try {
        http::ServerOptions options;
        // Tests of the slow-client (408) path use a short one.
        if (header_timeout_ms > 0) options.header_timeout = std::chrono::milliseconds(header_timeout_ms);
        if (!cert.empty()) options.tls = net::TlsContext::server(cert, key);
        run(serve(host, port, std::move(options)));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "http_server: %s\n", e.what());
        return 1;
    }
}
