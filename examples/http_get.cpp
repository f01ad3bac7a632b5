// http_get: fetch a URL and print the body, like a minimal curl.
//
//     http_get [-i] [--cacert FILE] [--insecure] URL
//
// -i prints the status line and headers first (to stderr the body is not
// mixed with). The body is streamed to stdout as it arrives. Honours
// HTTPS_PROXY / HTTP_PROXY / NO_PROXY. Exit code 0 for 2xx, 1 otherwise.
#include <agentio/agentio.hpp>
#include <agentio/http/client.hpp>

#include <cstdio>
#include <string>

using namespace agentio;

int main(int argc, char** argv) {
    bool show_head = false;
    http::ClientOptions options;
    std::string url;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "-i") show_head = true;
        else if (arg == "--insecure") options.tls.verify = false;
        else if (arg == "--cacert" && i + 1 < argc) options.tls.ca_file = argv[++i];
        else if (arg.starts_with("-")) {
            std::fprintf(stderr, "usage: http_get [-i] [--cacert FILE] [--insecure] URL\n");
            return 2;
        } else url = arg;
    }
    if (url.empty()) {
        std::fprintf(stderr, "usage: http_get [-i] [--cacert FILE] [--insecure] URL\n");
        return 2;
    }
    try {
        return run([&]() -> Task<int> {
            http::Client client(options);
            http::ClientResponse response = co_await client.get(url);
            if (show_head) {
                std::fprintf(stderr, "HTTP/1.%d %d %s\n", response.head().version_minor, response.status(),
                             std::string(response.reason()).c_str());
                for (const auto& [name, value] : response.headers())
                    std::fprintf(stderr, "%s: %s\n", name.c_str(), value.c_str());
                std::fprintf(stderr, "\n");
            }
            while (auto piece = co_await response.body().next()) std::fwrite(piece->data(), 1, piece->size(), stdout);
            std::fflush(stdout);
            co_return response.ok() ? 0 : 1;
        }());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "http_get: %s\n", e.what());
        return 1;
    }
}
