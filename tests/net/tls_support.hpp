// tls_support.hpp: test certificates and child processes for TLS tests.
//
// test_certificates() makes, once per test program, a test CA and the
// certificates the TLS and HTTPS tests need, with the `openssl` command line
// in a temporary directory that is removed at exit. ChildProcess runs a real
// peer (openssl s_server / s_client, curl) with bounded waits: its
// destructor kills what is still running, so a failing test leaves nothing
// behind.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

extern char** environ;

namespace agentio::testkit {

// Whether the `openssl` command line is installed (tests skip without it).
inline bool have_openssl_cli() {
    static const bool have = std::system("openssl version >/dev/null 2>&1") == 0;
    return have;
}

struct TestCertificates {
    std::string dir;
    std::string ca_cert;  // trust it with TlsClientOptions::ca_file
    // Signed by the CA for localhost, 127.0.0.1 and ::1, valid for ten years.
    std::string server_cert, server_key;
    // The same names and key, valid only during the year 2000.
    std::string expired_cert, expired_key;
    // Signed by the CA for other.example only.
    std::string other_host_cert, other_host_key;
    // localhost, signed by its own key: no CA vouches for it.
    std::string self_signed_cert, self_signed_key;
};

namespace detail {

// One configuration for `openssl req` and `openssl ca`, so that nothing
// depends on the system's openssl.cnf. `openssl ca` is used because it can
// set any validity period (-startdate/-enddate): OpenSSL 3.0's `x509` has no
// -not_before/-not_after.
inline constexpr std::string_view openssl_config = R"([req]
distinguished_name = subject
prompt = no
[subject]
CN = unused
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[localhost_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1,IP:::1
[other_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:other.example
[ca]
default_ca = test_ca
[test_ca]
database = index.txt
new_certs_dir = issued
serial = serial
default_md = sha256
policy = any_name
unique_subject = no
copy_extensions = none
[any_name]
commonName = supplied
)";

inline void run_in(const std::string& dir, const std::string& command) {
    const std::string line = "cd '" + dir + "' && " + command + " >>openssl.log 2>&1";
    if (std::system(line.c_str()) != 0) {
        std::ifstream log(dir + "/openssl.log");
        std::stringstream text;
        text << log.rdbuf();
        throw std::runtime_error("test certificates: `" + command + "` failed:\n" + text.str());
    }
}

inline TestCertificates make_test_certificates() {
    char pattern[] = "/tmp/agentio-tls-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("test certificates: mkdtemp failed");
    TestCertificates c;
    c.dir = pattern;
    std::filesystem::create_directory(c.dir + "/issued");
    std::ofstream(c.dir + "/openssl.cnf") << openssl_config;
    std::ofstream(c.dir + "/index.txt");
    std::ofstream(c.dir + "/serial") << "1000\n";

    const std::string key = " -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
    const std::string req = "openssl req -config openssl.cnf";
    const std::string sign = "openssl ca -config openssl.cnf -batch -notext -cert ca.pem -keyfile ca.key";
    run_in(c.dir, req + " -x509" + key + " -keyout ca.key -out ca.pem -days 3650 -subj '/CN=agentio test CA'" +
                      " -extensions ca_ext");
    run_in(c.dir, req + " -new" + key + " -keyout server.key -out server.csr -subj /CN=localhost");
    run_in(c.dir, sign + " -in server.csr -out server.pem -days 3650 -extensions localhost_ext");
    run_in(c.dir, sign + " -in server.csr -out expired.pem -startdate 20000101000000Z -enddate 20010101000000Z" +
                      " -extensions localhost_ext");
    run_in(c.dir, req + " -new" + key + " -keyout other.key -out other.csr -subj /CN=other.example");
    run_in(c.dir, sign + " -in other.csr -out other.pem -days 3650 -extensions other_ext");
    run_in(c.dir, req + " -x509" + key + " -keyout self.key -out self.pem -days 3650 -subj /CN=localhost" +
                      " -extensions localhost_ext");

    c.ca_cert = c.dir + "/ca.pem";
    c.server_cert = c.dir + "/server.pem";
    c.server_key = c.expired_key = c.dir + "/server.key";
    c.expired_cert = c.dir + "/expired.pem";
    c.other_host_cert = c.dir + "/other.pem";
    c.other_host_key = c.dir + "/other.key";
    c.self_signed_cert = c.dir + "/self.pem";
    c.self_signed_key = c.dir + "/self.key";
    return c;
}

}  // namespace detail

// Made on first use; the directory is removed when the program exits.
inline const TestCertificates& test_certificates() {
    struct Owner {
        TestCertificates certificates = detail::make_test_certificates();
        ~Owner() {
            std::error_code ignored;
            std::filesystem::remove_all(certificates.dir, ignored);
        }
    };
    static const Owner owner;
    return owner.certificates;
}

// A child process with its stdin and its stdout+stderr connected to pipes.
class ChildProcess {
public:
    // Runs argv[0], searched in PATH. Throws if it cannot be started.
    explicit ChildProcess(const std::vector<std::string>& argv) {
        // A child that dies must fail the test through its exit status, not
        // kill this program with SIGPIPE when its stdin is written.
        ::signal(SIGPIPE, SIG_IGN);
        int in[2], out[2];
        if (::pipe2(in, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
        if (::pipe2(out, O_CLOEXEC) != 0) {
            ::close(in[0]);
            ::close(in[1]);
            throw std::runtime_error("pipe2 failed");
        }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, in[0], 0);
        posix_spawn_file_actions_adddup2(&actions, out[1], 1);
        posix_spawn_file_actions_adddup2(&actions, out[1], 2);
        // The child gets default signal handling even if this program ignores SIGPIPE.
        posix_spawnattr_t attributes;
        posix_spawnattr_init(&attributes);
        sigset_t defaults;
        sigemptyset(&defaults);
        sigaddset(&defaults, SIGPIPE);
        posix_spawnattr_setsigdefault(&attributes, &defaults);
        posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
        std::vector<char*> args;
        for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
        args.push_back(nullptr);
        const int error = ::posix_spawnp(&pid_, args[0], &actions, &attributes, args.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attributes);
        ::close(in[0]);
        ::close(out[1]);
        stdin_ = in[1];
        stdout_ = out[0];
        ::fcntl(stdout_, F_SETFL, ::fcntl(stdout_, F_GETFL) | O_NONBLOCK);
        if (error != 0) {
            pid_ = -1;
            close_fds();
            throw std::runtime_error("cannot start " + argv.at(0) + ": " + std::to_string(error));
        }
    }

    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    ~ChildProcess() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        close_fds();
    }

    // The first line of output containing `needle` (read so far or arriving
    // within `limit`), or nullopt.
    std::optional<std::string> wait_for_line(std::string_view needle, std::chrono::milliseconds limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        for (;;) {
            std::size_t start = 0;
            for (std::size_t end; (end = output_.find('\n', start)) != std::string::npos; start = end + 1) {
                const std::string_view line = std::string_view(output_).substr(start, end - start);
                if (line.find(needle) != std::string_view::npos) return std::string(line);
            }
            if (!pump(deadline)) return std::nullopt;
        }
    }

    void write_stdin(std::string_view data) {
        while (!data.empty()) {
            const ssize_t n = ::write(stdin_, data.data(), data.size());
            if (n <= 0) throw std::runtime_error("write to a child's stdin failed");
            data.remove_prefix(static_cast<std::size_t>(n));
        }
    }
    void close_stdin() {
        if (stdin_ >= 0) ::close(stdin_);
        stdin_ = -1;
    }

    // Its exit status once it exits within `limit`; otherwise it is killed
    // and the result is -1. Everything it printed is in output().
    int wait(std::chrono::milliseconds limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (pump(deadline)) {
        }
        int status = 0;
        // Its output may end a moment before it can be reaped.
        while (::waitpid(pid_, &status, WNOHANG) != pid_) {
            if (std::chrono::steady_clock::now() >= deadline) {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, nullptr, 0);
                pid_ = -1;
                return -1;
            }
            ::usleep(1000);
        }
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

    const std::string& output() const noexcept { return output_; }

private:
    // Appends what the child prints until some arrives; false at the end of
    // its output or at the deadline.
    bool pump(std::chrono::steady_clock::time_point deadline) {
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return false;
            pollfd watch{stdout_, POLLIN, 0};
            ::poll(&watch, 1, static_cast<int>(left.count()));
            char buffer[4096];
            const ssize_t n = ::read(stdout_, buffer, sizeof buffer);
            if (n > 0) {
                output_.append(buffer, static_cast<std::size_t>(n));
                return true;
            }
            if (n == 0) return false;
        }
    }

    void close_fds() {
        close_stdin();
        if (stdout_ >= 0) ::close(stdout_);
        stdout_ = -1;
    }

    pid_t pid_ = -1;
    int stdin_ = -1;
    int stdout_ = -1;
    std::string output_;
};

}  // namespace agentio::testkit
