// example_server.hpp: ExampleServer runs examples/http_server as a child
// process on a free port; curl() runs the curl command line against it.
//
// The server is started with --port 0 and its port is read from the line it
// prints once it accepts ("listening on http://127.0.0.1:PORT"), so no port
// is guessed and no sleep is needed. Every wait is bounded; the destructor
// stops the server (SIGTERM, then SIGKILL) whatever the test did.
#pragma once

#include <cstdint>
#include <memory>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "integration/support.hpp"

namespace agentio::itest {

class ExampleServer {
public:
    static std::string binary() { return bin_path("http_server"); }
    static bool available() { return have_program(binary()); }

    // `arguments` are added after --port 0 (e.g. --tls-cert, --tls-key).
    explicit ExampleServer(std::vector<std::string> arguments = {}, SpawnOptions options = {}) {
        std::vector<std::string> argv{binary(), "--port", "0"};
        argv.insert(argv.end(), arguments.begin(), arguments.end());
        process_ = std::make_unique<Process>(std::move(argv), std::move(options));
        // Sanitizer builds start slowly on a loaded machine: a generous bound.
        const auto line = process_->wait_for_line(std::regex(R"(listening on (https?)://127\.0\.0\.1:(\d+))"),
                                                  Millis(20000));
        if (!line) throw std::runtime_error("http_server did not start: " + process_->describe());
        scheme_ = (*line)[1];
        port_ = static_cast<std::uint16_t>(std::stoi((*line)[2]));
    }

    std::uint16_t port() const noexcept { return port_; }
    // "http://127.0.0.1:PORT/path", or with another host name ("localhost"
    // for TLS, which the test certificate names).
    std::string url(const std::string& path, const std::string& host = "127.0.0.1") const {
        return scheme_ + "://" + host + ":" + std::to_string(port_) + path;
    }
    Process& process() noexcept { return *process_; }

private:
    std::unique_ptr<Process> process_;
    std::string scheme_;
    std::uint16_t port_ = 0;
};

inline bool have_curl() { return have_program("curl"); }

struct CurlResult {
    ExitStatus status;
    std::string out;  // the body (stdout)
    std::string err;  // the -v trace (stderr)
    // The -v trace's lines, without the trailing CR that curl leaves on
    // header lines.
    std::vector<std::string> trace() const {
        std::vector<std::string> lines;
        std::size_t start = 0;
        for (std::size_t end; (end = err.find('\n', start)) != std::string::npos; start = end + 1) {
            std::string line = err.substr(start, end - start);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            lines.push_back(std::move(line));
        }
        return lines;
    }
    bool has_line(const std::string& line) const {
        for (const std::string& candidate : trace())
            if (candidate == line) return true;
        return false;
    }
    int count_lines_starting(const std::string& prefix) const {
        int count = 0;
        for (const std::string& line : trace()) count += line.starts_with(prefix) ? 1 : 0;
        return count;
    }
};

// The curl command line every test uses: HTTP/1.1, verbose, no proxy from the
// environment, and bounded by curl's own --max-time as well as by `limit`.
inline std::vector<std::string> curl_command(const std::vector<std::string>& arguments) {
    std::vector<std::string> argv{"curl", "-sS", "--http1.1", "-v", "--noproxy", "*", "--max-time", "30"};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    return argv;
}

inline CurlResult curl(const std::vector<std::string>& arguments, Millis limit = Millis(40000)) {
    Process process(curl_command(arguments));
    CurlResult result;
    result.status = run_to_end(process, limit);
    result.out = process.out();
    result.err = process.err();
    return result;
}

}  // namespace agentio::itest
