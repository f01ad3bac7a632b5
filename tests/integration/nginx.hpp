// nginx.hpp: Nginx, a private nginx (Debian's nginx-light) for client tests.
//
// It writes a configuration into its own temporary directory (pid file, logs
// and temp paths all inside it, access log off), runs nginx in the foreground
// as one process, and waits (bounded) until every port accepts. Ports are
// found free by binding port 0 first; if nginx still loses one to another
// program in between, it starts again on new ports (a few times).
//
// What it serves, on every server block:
//   /               "hello from nginx\n" (return 200)
//   /requests       $connection_requests: 1 on a fresh connection, n on its n-th request
//   /error          500 with the body "boom"
//   /static/data.txt  ~64 KiB of text, gzip on for any type: chunked and gzip
//                   when the client sends Accept-Encoding: gzip
//   /missing        nginx's own 404 page
// Server blocks: plain; plain with a short keep-alive; TLS with a
// certificate for localhost/127.0.0.1 (signed by the test CA); TLS with a
// certificate for other.example only; TLS with the short keep-alive. The
// short keep-alive blocks close an idle connection after 1 s and any
// connection after its second request (keepalive_requests 2, which nginx
// announces with Connection: close).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <regex>
#include <string>

#include "integration/support.hpp"
#include "net/tls_support.hpp"

namespace agentio::itest {

inline constexpr const char* nginx_binary = "/usr/sbin/nginx";

class Nginx {
public:
    struct Ports {
        std::uint16_t plain = 0;
        std::uint16_t plain_short_keepalive = 0;
        std::uint16_t tls = 0;
        std::uint16_t tls_other_host = 0;
        std::uint16_t tls_short_keepalive = 0;
    };

    static bool available() { return have_program(nginx_binary) && testkit::have_openssl_cli(); }

    Nginx() {
        std::filesystem::create_directories(dir_.file("www/static"));
        std::filesystem::create_directories(dir_.file("tmp"));
        static_body_ = make_static_body();
        write_file(dir_.file("www/static/data.txt"), static_body_);
        std::string failures;
        for (int attempt = 0; attempt < 3; ++attempt) {
            ports_ = {free_port(), free_port(), free_port(), free_port(), free_port()};
            write_file(dir_.file("nginx.conf"), config());
            process_ = std::make_unique<Process>(
                std::vector<std::string>{nginx_binary, "-c", dir_.file("nginx.conf"), "-p", dir_.path() + "/", "-e",
                                         "stderr"});
            if (all_accept()) return;
            failures.append(process_->describe()).append("\n--- error.log:\n").append(error_log());
            process_->stop();
            process_.reset();
            // A port taken by someone else between free_port() and nginx's
            // bind is worth another try; any other failure is not.
            if (failures.find("Address already in use") == std::string::npos) break;
        }
        throw std::runtime_error("nginx did not start:\n" + failures);
    }

    const Ports& ports() const noexcept { return ports_; }
    std::string http_url(const std::string& path, std::uint16_t port = 0) const {
        return "http://127.0.0.1:" + std::to_string(port ? port : ports_.plain) + path;
    }
    std::string https_url(const std::string& host, std::uint16_t port, const std::string& path) const {
        return "https://" + host + ":" + std::to_string(port) + path;
    }
    // The bytes of /static/data.txt.
    const std::string& static_body() const noexcept { return static_body_; }
    std::string error_log() const { return read_file(dir_.file("error.log")); }
    Process& process() noexcept { return *process_; }

private:
    // Text that compresses well but not trivially: numbered lines.
    static std::string make_static_body() {
        std::string body;
        for (int line = 0; body.size() < 64 * 1024; ++line)
            body.append("line " + std::to_string(line) + ": the quick brown fox jumps over the lazy dog " +
                        std::to_string(line * 7919 % 10007) + "\n");
        return body;
    }

    std::string config() const {
        const testkit::TestCertificates& certs = testkit::test_certificates();
        const std::string dir = dir_.path();
        const std::string locations = R"(
        location = / { return 200 "hello from nginx\n"; }
        location = /requests { return 200 "$connection_requests"; }
        location = /error { return 500 "boom"; }
        location /static/ { gzip on; gzip_types *; gzip_min_length 0; }
)";
        auto server = [&](std::uint16_t port, const std::string& extra) {
            return "    server {\n        listen 127.0.0.1:" + std::to_string(port) + extra + locations + "    }\n";
        };
        auto tls = [](const std::string& cert, const std::string& key) {
            return " ssl;\n        ssl_certificate " + cert + ";\n        ssl_certificate_key " + key + ";\n";
        };
        std::string text = "daemon off;\nmaster_process off;\nworker_processes 1;\npid " + dir +
                           "/nginx.pid;\nerror_log " + dir + "/error.log info;\n" +
                           "events { worker_connections 1024; }\nhttp {\n" + "    access_log off;\n" +
                           "    default_type text/plain;\n    root " + dir + "/www;\n";
        for (const char* kind : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
            text += "    " + std::string(kind) + "_temp_path " + dir + "/tmp/" + kind + ";\n";
        text += server(ports_.plain, ";\n");
        const std::string short_keepalive = "        keepalive_timeout 1s;\n        keepalive_requests 2;\n";
        text += server(ports_.plain_short_keepalive, ";\n" + short_keepalive);
        text += server(ports_.tls, tls(certs.server_cert, certs.server_key));
        text += server(ports_.tls_other_host, tls(certs.other_host_cert, certs.other_host_key));
        text += server(ports_.tls_short_keepalive,
                       tls(certs.server_cert, certs.server_key) + short_keepalive);
        return text + "}\n";
    }

    bool all_accept() {
        for (std::uint16_t port : {ports_.plain, ports_.plain_short_keepalive, ports_.tls, ports_.tls_other_host,
                                   ports_.tls_short_keepalive})
            if (!wait_until_accepts(port, *process_, Millis(10000))) return false;
        return true;
    }

    TempDir dir_;
    std::string static_body_;
    Ports ports_;
    std::unique_ptr<Process> process_;
};

}  // namespace agentio::itest
