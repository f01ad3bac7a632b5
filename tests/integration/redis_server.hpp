// redis_server.hpp: RedisServer, a throw-away redis-server for the db tests.
//
// Debian's redis-server (7.0), run in the foreground on a free loopback port
// with its working directory in a temp dir, no persistence (no RDB, no AOF)
// and DEBUG enabled for local clients (the tests use DEBUG SLEEP). Stopped
// (SIGTERM, then SIGKILL) by its destructor, and sent SIGTERM if the test
// program dies first; kill() and start() let a test
// take it down and bring it back on the same port.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "integration/support.hpp"

namespace agentio::itest {

inline constexpr const char* redis_server_binary = "/usr/bin/redis-server";

struct RedisServerConfig {
    std::string password = {};  // requirepass; empty: none
    // TLS only (the port speaks TLS, plain TCP is off) with this certificate,
    // key and CA; empty: plain TCP.
    std::string tls_cert = {}, tls_key = {}, tls_ca = {};
};

class RedisServer {
public:
    static bool available() { return have_program(redis_server_binary); }

    explicit RedisServer(RedisServerConfig config = {}) : config_(std::move(config)) {
        std::string failures;
        for (int attempt = 0; attempt < 3; ++attempt) {
            port_ = free_port();
            if (start()) return;
            failures.append(process_->describe()).append("\n");
            process_.reset();
            if (failures.find("Address already in use") == std::string::npos) break;
        }
        throw std::runtime_error("redis-server did not start:\n" + failures);
    }

    std::uint16_t port() const noexcept { return port_; }
    std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
    pid_t pid() const noexcept { return process_ ? process_->pid() : -1; }

    // SIGKILL: the server vanishes mid-conversation.
    void kill() {
        if (!process_) return;
        process_->send_signal(SIGKILL);
        process_->stop();
        process_.reset();
    }

    // (Re)starts it on the same port; false if it does not accept in time.
    bool start() {
        std::vector<std::string> argv{redis_server_binary, "--port", std::to_string(port_), "--bind", "127.0.0.1",
                                      "--dir", dir_.path(), "--save", "", "--appendonly", "no",
                                      "--enable-debug-command", "local", "--daemonize", "no", "--loglevel", "warning"};
        if (!config_.password.empty()) {
            argv.push_back("--requirepass");
            argv.push_back(config_.password);
        }
        if (!config_.tls_cert.empty()) {
            argv[2] = "0";  // --port 0: no plain TCP
            for (const std::string& arg : {std::string("--tls-port"), std::to_string(port_), std::string("--tls-cert-file"),
                                           config_.tls_cert, std::string("--tls-key-file"), config_.tls_key,
                                           std::string("--tls-ca-cert-file"), config_.tls_ca,
                                           std::string("--tls-auth-clients"), std::string("no")})
                argv.push_back(arg);
        }
        process_ = std::make_unique<Process>(dying_with_this_process(std::move(argv), "TERM"));
        return wait_until_accepts(port_, *process_, Millis(20000));
    }

private:
    RedisServerConfig config_;
    TempDir dir_;
    std::uint16_t port_ = 0;
    std::unique_ptr<Process> process_;
};

// One server for a whole test program (starting one is the slow part);
// tests keep apart by database number.
inline RedisServer& shared_redis_server() {
    static RedisServer instance;
    return instance;
}

}  // namespace agentio::itest
