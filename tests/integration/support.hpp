// support.hpp: what the integration tests need around real peers (nginx,
// curl, wrk, the example programs): child processes, temporary directories,
// free loopback ports, and waits that always end.
//
// Invariants kept, so that a failing test never hangs or leaves a process
// behind:
// - every wait takes a deadline and polls (5 ms steps) until it passes;
// - a Process is SIGTERMed, then SIGKILLed, then reaped by its destructor;
// - a child's stdout and stderr go to files, never to pipes, so a chatty child
//   can never block on a pipe nobody reads while the test waits elsewhere.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace agentio::itest {

using SteadyClock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;

inline constexpr Millis poll_step{5};

// Where the build put http_server, http_get and the fuzz replay programs.
inline std::string bin_path(const std::string& name) { return std::string(AGENTIO_BIN_DIR) + "/" + name; }

// Whether `program` (a path, or a name searched in PATH) can be run.
inline bool have_program(const std::string& program) {
    if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0;
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/bin:/bin");
    for (std::string dir; std::getline(dirs, dir, ':');)
        if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
    return false;
}

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

inline void write_file(const std::string& path, const std::string& data) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << data;
    if (!out) throw std::runtime_error("cannot write " + path);
}

// A fresh directory under /tmp, removed with everything in it on destruction.
class TempDir {
public:
    TempDir() {
        char pattern[] = "/tmp/agentio-integ-XXXXXX";
        if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const noexcept { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

// Raises this process's soft descriptor limit to its hard limit; returns it.
inline rlim_t raise_fd_limit() {
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
    return limit.rlim_cur;
}

// How a child ended.
struct ExitStatus {
    bool exited = false;  // by exit(): `code` is meaningful
    int code = -1;
    int signal = 0;  // killed by this signal
    bool success() const noexcept { return exited && code == 0; }
    std::string to_string() const {
        if (exited) return "exit code " + std::to_string(code);
        if (signal != 0) return "killed by signal " + std::to_string(signal);
        return "still running";
    }
};

struct SpawnOptions {
    // Soft RLIMIT_NOFILE for the child (prlimit right after the spawn, before
    // the child can have opened many descriptors).
    std::optional<rlim_t> fd_limit;
    // Extra environment entries "NAME=value", added to this process's.
    std::vector<std::string> environment;
};

// `argv` run so that `signal` ("INT", "TERM") reaches it when this process
// dies, however it dies: a test program that crashes leaves no server
// behind. setpriv sets the parent-death signal and execs `argv`; with
// `setpriv_options` (--reuid=...) it also changes user, and sets the signal
// after that change (which would clear it).
inline std::vector<std::string> dying_with_this_process(std::vector<std::string> argv, const char* signal,
                                                        std::vector<std::string> setpriv_options = {}) {
    std::vector<std::string> wrapped{"/usr/bin/setpriv", "--pdeathsig", signal};
    wrapped.insert(wrapped.end(), setpriv_options.begin(), setpriv_options.end());
    wrapped.push_back("--");
    wrapped.insert(wrapped.end(), argv.begin(), argv.end());
    return wrapped;
}

// A child process whose stdout and stderr are captured to files.
class Process {
public:
    explicit Process(std::vector<std::string> argv, SpawnOptions options = {}) : argv_(std::move(argv)) {
        out_path_ = logs_.file("stdout");
        err_path_ = logs_.file("stderr");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 1, out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_addopen(&actions, 2, err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        // The child starts with default dispositions and no blocked signals,
        // whatever this test program ignores (SIGPIPE) or blocks.
        posix_spawnattr_t attributes;
        posix_spawnattr_init(&attributes);
        sigset_t none, defaults;
        sigemptyset(&none);
        sigemptyset(&defaults);
        sigaddset(&defaults, SIGPIPE);
        sigaddset(&defaults, SIGTERM);
        sigaddset(&defaults, SIGINT);
        posix_spawnattr_setsigmask(&attributes, &none);
        posix_spawnattr_setsigdefault(&attributes, &defaults);
        posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

        std::vector<std::string> env;
        for (char** entry = environ; *entry != nullptr; ++entry) env.emplace_back(*entry);
        env.insert(env.end(), options.environment.begin(), options.environment.end());
        std::vector<char*> envp, args;
        for (std::string& entry : env) envp.push_back(entry.data());
        envp.push_back(nullptr);
        for (std::string& arg : argv_) args.push_back(arg.data());
        args.push_back(nullptr);

        const int error = ::posix_spawnp(&pid_, args[0], &actions, &attributes, args.data(), envp.data());
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attributes);
        if (error != 0) {
            pid_ = -1;
            throw std::runtime_error("cannot start " + argv_.at(0) + ": " + std::strerror(error));
        }
        if (options.fd_limit) {
            rlimit limit{};
            ::prlimit(pid_, RLIMIT_NOFILE, nullptr, &limit);
            limit.rlim_cur = std::min(*options.fd_limit, limit.rlim_max);
            ::prlimit(pid_, RLIMIT_NOFILE, &limit, nullptr);
        }
    }

    ~Process() { stop(); }
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    pid_t pid() const noexcept { return pid_; }
    std::string out() const { return read_file(out_path_); }
    std::string err() const { return read_file(err_path_); }

    // Whether it has not exited yet (reaps it if it has).
    bool running() {
        poll_exit();
        return !status_;
    }

    void send_signal(int number) {
        if (running()) ::kill(pid_, number);
    }

    // The first complete line of stdout (or stderr) that matches `pattern`,
    // with its capture groups ([0] is the whole match), as soon as it is
    // written; nullopt if none comes within `limit` or the child exits
    // without writing one.
    std::optional<std::vector<std::string>> wait_for_line(const std::regex& pattern, Millis limit,
                                                          bool from_stderr = false) {
        const auto deadline = SteadyClock::now() + limit;
        for (;;) {
            const bool exited = !running();  // before reading: a last line written before exit counts
            const std::string text = from_stderr ? err() : out();
            std::size_t start = 0;
            for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
                const std::string line = text.substr(start, end - start);
                std::smatch match;
                if (std::regex_search(line, match, pattern))
                    return std::vector<std::string>(match.begin(), match.end());
            }
            if (exited || SteadyClock::now() >= deadline) return std::nullopt;
            std::this_thread::sleep_for(poll_step);
        }
    }

    // Its exit status if it exits within `limit`; otherwise nullopt and it
    // keeps running.
    std::optional<ExitStatus> wait(Millis limit) {
        const auto deadline = SteadyClock::now() + limit;
        while (running()) {
            if (SteadyClock::now() >= deadline) return std::nullopt;
            std::this_thread::sleep_for(poll_step);
        }
        return status_;
    }

    // SIGTERM, up to `grace` to exit, then SIGKILL; always reaps it.
    ExitStatus stop(Millis grace = Millis(3000)) {
        if (pid_ <= 0) return {};
        if (running()) {
            ::kill(pid_, SIGTERM);
            if (!wait(grace)) {
                ::kill(pid_, SIGKILL);
                int raw = 0;
                ::waitpid(pid_, &raw, 0);
                record(raw);
            }
        }
        return *status_;
    }

    // For failure messages: the command, how it ended, and its output.
    std::string describe() {
        std::string text = "`";
        for (const std::string& arg : argv_) text.append(arg).append(" ");
        text.back() = '`';
        text.append(running() ? " (running)" : " (" + status_->to_string() + ")");
        text.append("\n--- stdout:\n").append(tail(out())).append("\n--- stderr:\n").append(tail(err()));
        return text;
    }

private:
    static std::string tail(const std::string& text) {
        return text.size() <= 4000 ? text : "..." + text.substr(text.size() - 4000);
    }

    void poll_exit() {
        if (status_ || pid_ <= 0) return;
        int raw = 0;
        if (::waitpid(pid_, &raw, WNOHANG) == pid_) record(raw);
    }

    // After this the pid may belong to someone else: it is never signalled again.
    void record(int raw) {
        ExitStatus status;
        status.exited = WIFEXITED(raw);
        status.code = status.exited ? WEXITSTATUS(raw) : -1;
        status.signal = WIFSIGNALED(raw) ? WTERMSIG(raw) : 0;
        status_ = status;
    }

    std::vector<std::string> argv_;
    TempDir logs_;
    std::string out_path_, err_path_;
    pid_t pid_ = -1;
    std::optional<ExitStatus> status_;
};

// Runs a command to its end (killed after `limit`) and returns its status;
// its output stays readable through `process`.
inline ExitStatus run_to_end(Process& process, Millis limit) {
    if (auto status = process.wait(limit)) return *status;
    return process.stop(Millis(1000));
}

// A port on 127.0.0.1 that nobody listens on right now (bound and released:
// another program could take it before the caller does, so callers that can
// retry do).
inline std::uint16_t free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        if (fd >= 0) ::close(fd);
        throw std::runtime_error("free_port: cannot bind 127.0.0.1:0");
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

// Whether a TCP connect to 127.0.0.1:`port` succeeds now.
inline bool accepts_connections(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return connected;
}

// Polls until 127.0.0.1:`port` accepts, `owner` exits, or `limit` passes.
inline bool wait_until_accepts(std::uint16_t port, Process& owner, Millis limit) {
    const auto deadline = SteadyClock::now() + limit;
    while (!accepts_connections(port)) {
        if (!owner.running() || SteadyClock::now() >= deadline) return false;
        std::this_thread::sleep_for(poll_step);
    }
    return true;
}

// Polls `condition` until it holds or `limit` passes; returns whether it held.
template <class Condition>
bool eventually(Condition condition, Millis limit) {
    const auto deadline = SteadyClock::now() + limit;
    while (!condition()) {
        if (SteadyClock::now() >= deadline) return false;
        std::this_thread::sleep_for(poll_step);
    }
    return true;
}

// The number of IPv4 TCP sockets of this network namespace whose remote end
// is 127.0.0.1:`remote_port` and whose state is `state` (the kernel's
// numbering in /proc/net/tcp: 01 ESTABLISHED, 08 CLOSE_WAIT). A client socket
// in CLOSE_WAIT is one whose server has closed it: the tests watch for that
// instead of sleeping "long enough" for a server's keep-alive timeout.
inline int tcp_sockets_to(std::uint16_t remote_port, int state) {
    std::ifstream table("/proc/net/tcp");
    std::string line;
    std::getline(table, line);  // the column titles
    char wanted_remote[32];
    std::snprintf(wanted_remote, sizeof wanted_remote, "0100007F:%04X", remote_port);
    int count = 0;
    while (std::getline(table, line)) {
        std::istringstream fields(line);
        std::string slot, local, remote, st;
        fields >> slot >> local >> remote >> st;
        if (remote == wanted_remote && std::stoi(st, nullptr, 16) == state) ++count;
    }
    return count;
}
inline constexpr int tcp_established = 0x01;
inline constexpr int tcp_close_wait = 0x08;

}  // namespace agentio::itest
