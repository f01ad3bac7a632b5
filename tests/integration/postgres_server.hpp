// postgres_server.hpp: PostgresServer, a throw-away PostgreSQL 15 for the
// db tests.
//
// initdb into a temp dir (trust authentication for the user `agentio`, no
// fsync), then `postgres` in the foreground on a free loopback port, its
// socket in the data directory, durability off (a test server). PostgreSQL
// refuses to run as root: as root, both run as the `postgres` user that
// Debian's package creates, through setpriv (which execs, so signals reach
// the server itself). Stopped by its destructor with a fast shutdown
// (SIGINT), then SIGKILL if it lingers, and sent SIGINT if the test program
// dies first; kill() and start() take it down and
// bring it back on the same port. With a certificate and key it also speaks
// TLS (ssl=on), the files copied into the data directory for the server's
// user.
#pragma once

#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "integration/support.hpp"

namespace agentio::itest {

inline constexpr const char* postgres_bin_dir = "/usr/lib/postgresql/15/bin";

struct PostgresServerConfig {
    std::string ssl_cert = {}, ssl_key = {};  // empty: no TLS
};

class PostgresServer {
public:
    static bool available() {
        return have_program(std::string(postgres_bin_dir) + "/initdb") &&
               (::geteuid() != 0 || (::getpwnam("postgres") != nullptr && have_program("/usr/bin/setpriv")));
    }

    explicit PostgresServer(PostgresServerConfig config = {}) : config_(std::move(config)) {
        data_ = dir_.file("data");
        ::mkdir(data_.c_str(), 0700);
        if (::geteuid() == 0) {
            const passwd* user = ::getpwnam("postgres");
            if (user == nullptr) throw std::runtime_error("no `postgres` user to run the server as");
            ::chmod(dir_.path().c_str(), 0755);
            if (::chown(data_.c_str(), user->pw_uid, user->pw_gid) != 0) throw std::runtime_error("cannot chown " + data_);
        }
        Process initdb(as_server_user({std::string(postgres_bin_dir) + "/initdb", "-D", data_, "-A", "trust", "-U",
                                       "agentio", "-E", "UTF8", "--no-sync"}));
        const ExitStatus status = run_to_end(initdb, Millis(120000));
        if (!status.success()) throw std::runtime_error("initdb failed: " + initdb.describe());
        if (!config_.ssl_cert.empty()) install_tls_files();
        std::string failures;
        for (int attempt = 0; attempt < 3; ++attempt) {
            port_ = free_port();
            if (start()) return;
            failures.append(process_->describe()).append("\n");
            process_.reset();
            if (failures.find("could not bind") == std::string::npos &&
                failures.find("already in use") == std::string::npos)
                break;
        }
        throw std::runtime_error("postgres did not start:\n" + failures);
    }

    ~PostgresServer() { stop(); }
    PostgresServer(const PostgresServer&) = delete;
    PostgresServer& operator=(const PostgresServer&) = delete;

    std::uint16_t port() const noexcept { return port_; }
    // Where its Unix socket is (`host` in a connection string).
    const std::string& socket_dir() const noexcept { return data_; }
    std::string url(const std::string& database = "postgres") const {
        return "postgresql://agentio@127.0.0.1:" + std::to_string(port_) + "/" + database;
    }

    // SIGKILL: the server vanishes mid-conversation.
    void kill() {
        if (!process_) return;
        process_->send_signal(SIGKILL);
        process_->stop();
        process_.reset();
    }

    // As `pg_ctl restart -m fast`: clients are disconnected, the server comes
    // back on the same port.
    void restart() {
        stop();
        if (!start()) throw std::runtime_error("postgres did not come back: " + process_->describe());
    }

    // (Re)starts it on the same port; false if it does not accept in time.
    bool start() {
        process_ = std::make_unique<Process>(dying_with_this_process(
            {std::string(postgres_bin_dir) + "/postgres", "-D", data_, "-p", std::to_string(port_), "-k", data_, "-c",
             "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off", "-c",
             "synchronous_commit=off", "-c", "max_connections=200", "-c",
             config_.ssl_cert.empty() ? "ssl=off" : "ssl=on"},
            "INT", ::geteuid() == 0 ? server_user_options() : std::vector<std::string>{}));
        if (!wait_until_accepts(port_, *process_, Millis(30000))) return false;
        // Accepting is not ready: until recovery ends it answers "the
        // database system is starting up". pg_isready says when it is.
        return eventually(
            [&] {
                Process probe({std::string(postgres_bin_dir) + "/pg_isready", "-q", "-h", "127.0.0.1", "-p",
                               std::to_string(port_)});
                return run_to_end(probe, Millis(5000)).success();
            },
            Millis(30000));
    }

private:
    // The server reads server.crt and server.key from its data directory by
    // default, and wants the key readable by its user only.
    void install_tls_files() {
        const std::filesystem::path data(data_);
        std::filesystem::copy_file(config_.ssl_cert, data / "server.crt");
        std::filesystem::copy_file(config_.ssl_key, data / "server.key");
        ::chmod((data / "server.key").c_str(), 0600);
        if (::geteuid() != 0) return;
        const passwd* user = ::getpwnam("postgres");
        for (const char* name : {"server.crt", "server.key"})
            if (::chown((data / name).c_str(), user->pw_uid, user->pw_gid) != 0)
                throw std::runtime_error("cannot chown " + (data / name).string());
    }

    static std::vector<std::string> server_user_options() {
        return {"--reuid=postgres", "--regid=postgres", "--init-groups"};
    }
    static std::vector<std::string> as_server_user(std::vector<std::string> argv) {
        if (::geteuid() != 0) return argv;
        std::vector<std::string> wrapped{"/usr/bin/setpriv"};
        for (std::string& option : server_user_options()) wrapped.push_back(std::move(option));
        wrapped.push_back("--");
        wrapped.insert(wrapped.end(), argv.begin(), argv.end());
        return wrapped;
    }

    void stop() {
        if (!process_) return;
        process_->send_signal(SIGINT);  // fast shutdown: clients are disconnected
        process_->stop(Millis(10000));
        process_.reset();
    }

    PostgresServerConfig config_;
    TempDir dir_;
    std::string data_;
    std::uint16_t port_ = 0;
    std::unique_ptr<Process> process_;
};

// One server for a whole test program (initdb is the slow part).
inline PostgresServer& shared_postgres_server() {
    static PostgresServer instance;
    return instance;
}

// The fixture of the tests against that shared server: skipped where
// PostgreSQL is not installed.
class SharedPostgresTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!PostgresServer::available()) GTEST_SKIP() << "needs PostgreSQL 15 (" << postgres_bin_dir << ")";
    }
    static std::string url() { return shared_postgres_server().url(); }
};

}  // namespace agentio::itest
