// process_transport.cpp: spawning, watching and stopping an MCP server process.
//
// posix_spawnp with the pipes dup2'ed onto the child's 0/1(/2); our ends are
// close-on-exec so a second server never inherits the first one's pipes (which
// would keep them open after the first exits and hide its end of file). The
// exit is awaited on a pidfd through the reactor; where pidfd_open is missing
// the waits poll waitpid every 10 ms instead, still bounded.
#include "agentio/agent/mcp/process_transport.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "agentio/core/capture.hpp"
#include "agentio/core/create_task.hpp"
#include "agentio/core/event.hpp"
#include "agentio/core/sleep.hpp"
#include "agentio/core/timeout.hpp"
#include "agentio/net/errors.hpp"
#include "pipe_stream.hpp"

extern char** environ;

namespace agentio::agent::mcp {

struct ProcessTransport::StderrTail {
    static constexpr std::size_t kKeep = 16 * 1024;
    std::unique_ptr<detail::PipeStream> stream;
    std::string text;
    Event drained;  // set at the stream's end: the tail is whole

    static Task<> drain(std::shared_ptr<StderrTail> self) {
        char buffer[4096];
        try {
            for (;;) {
                const std::size_t n = co_await self->stream->read(buffer);
                if (n == 0) break;
                self->text.append(buffer, n);
                if (self->text.size() > 2 * kKeep) self->text.erase(0, self->text.size() - kKeep);
            }
        } catch (const std::exception&) {
            // Closed by close(), or the child is gone: what we have is the tail.
        }
        self->drained.set();
    }
};

namespace {

struct Pipe {
    int read = -1;
    int write = -1;
    ~Pipe() {
        if (read >= 0) ::close(read);
        if (write >= 0) ::close(write);
    }
    int take_read() { return std::exchange(read, -1); }
    int take_write() { return std::exchange(write, -1); }
};

void make_pipe(Pipe& pipe, const std::string& what) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw TransportError(net::errno_message("pipe for " + what, errno));
    pipe.read = fds[0];
    pipe.write = fds[1];
}

std::string base_name(const std::string& path) {
    const std::size_t slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string describe_status(int status) {
    if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return std::string("was killed by signal ") + std::to_string(WTERMSIG(status)) + " (" +
                                    ::strsignal(WTERMSIG(status)) + ")";
    return "ended with wait status " + std::to_string(status);
}

// The child's environment: ours, with the options' variables set on top.
std::vector<std::string> child_environment(const ProcessOptions& options) {
    std::vector<std::string> entries;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        const std::string_view text(*entry);
        const std::string_view name = text.substr(0, text.find('='));
        const bool replaced = std::any_of(options.environment.begin(), options.environment.end(),
                                          [&](const auto& pair) { return pair.first == name; });
        if (!replaced) entries.emplace_back(text);
    }
    for (const auto& [name, value] : options.environment) entries.push_back(name + "=" + value);
    return entries;
}

}  // namespace

std::unique_ptr<ProcessTransport> ProcessTransport::spawn(ProcessOptions options) {
    if (options.command.empty() || options.command[0].empty())
        throw TransportError("mcp::ProcessTransport::spawn: no command given");
    if (options.name.empty()) options.name = base_name(options.command[0]);
    const std::string peer = "mcp server '" + options.name + "'";

    Pipe to_child, from_child, errors;
    make_pipe(to_child, peer);
    make_pipe(from_child, peer);
    if (options.capture_stderr) make_pipe(errors, peer);

    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_adddup2(&actions, to_child.read, STDIN_FILENO);
    ::posix_spawn_file_actions_adddup2(&actions, from_child.write, STDOUT_FILENO);
    if (options.capture_stderr) ::posix_spawn_file_actions_adddup2(&actions, errors.write, STDERR_FILENO);
    if (!options.working_directory.empty())
        ::posix_spawn_file_actions_addchdir_np(&actions, options.working_directory.c_str());

    posix_spawnattr_t attributes;
    ::posix_spawnattr_init(&attributes);
    // The child starts with default signal handling, whatever we block or ignore.
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    ::posix_spawnattr_setsigdefault(&attributes, &all);
    ::posix_spawnattr_setsigmask(&attributes, &none);
    ::posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

    std::vector<char*> argv;
    for (auto& argument : options.command) argv.push_back(argument.data());
    argv.push_back(nullptr);
    std::vector<std::string> environment = child_environment(options);
    std::vector<char*> envp;
    for (auto& entry : environment) envp.push_back(entry.data());
    envp.push_back(nullptr);

    pid_t pid = -1;
    const int error = ::posix_spawnp(&pid, argv[0], &actions, &attributes, argv.data(), envp.data());
    ::posix_spawn_file_actions_destroy(&actions);
    ::posix_spawnattr_destroy(&attributes);
    if (error != 0) throw TransportError(net::errno_message(peer + ": cannot start '" + options.command[0] + "'", error));

    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (pidfd >= 0) detail::set_nonblocking(pidfd);
    return std::unique_ptr<ProcessTransport>(new ProcessTransport(from_child.take_read(), to_child.take_write(), peer,
                                                                  std::move(options), pid, pidfd,
                                                                  errors.read >= 0 ? errors.take_read() : -1));
}

ProcessTransport::ProcessTransport(int read_fd, int write_fd, std::string peer, ProcessOptions options, pid_t pid,
                                   int pidfd, int stderr_fd)
    : PipeTransport(read_fd, write_fd, peer, options.pipe), options_(std::move(options)), pid_(pid) {
    if (pidfd >= 0) exit_ = net::IoHandle(pidfd, peer + " (exit)");
    if (stderr_fd >= 0) {
        detail::set_nonblocking(stderr_fd);
        stderr_ = std::make_shared<StderrTail>();
        stderr_->stream = std::make_unique<detail::PipeStream>(stderr_fd, -1, peer + " (stderr)");
        create_task(StderrTail::drain(stderr_), peer + " stderr");
    }
}

ProcessTransport::~ProcessTransport() {
    if (stderr_) stderr_->stream->close();
    if (pid_ > 0 && !status_) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
    }
}

std::string ProcessTransport::stderr_tail() const {
    if (!stderr_) return {};
    const std::string& text = stderr_->text;
    return text.size() <= StderrTail::kKeep ? text : text.substr(text.size() - StderrTail::kKeep);
}

bool ProcessTransport::try_reap() noexcept {
    if (status_) return true;
    int status = 0;
    pid_t done;
    do {
        done = ::waitpid(pid_, &status, WNOHANG);
    } while (done < 0 && errno == EINTR);
    if (done == pid_) {
        status_ = status;
        exit_.close();
    }
    return status_.has_value() || done < 0;  // ECHILD: someone else reaped it
}

Task<bool> ProcessTransport::wait_exit(Duration limit) {
    if (try_reap()) co_return true;
    auto wait = [this]() -> Task<> {
        while (!try_reap()) {
            if (exit_.is_open()) co_await exit_.readable();
            else co_await sleep(std::chrono::milliseconds(10));
        }
    };
    try {
        co_await wait_for(wait(), limit);
    } catch (const TimeoutError&) {
    }
    co_return try_reap();
}

std::string ProcessTransport::how_it_ended() const {
    std::string text = status_ ? " (it " + describe_status(*status_) + ")" : std::string();
    std::string tail = stderr_tail();
    while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.pop_back();
    if (tail.size() > 2000) tail = "..." + tail.substr(tail.size() - 2000);
    if (!tail.empty()) text += "; its stderr ends with: " + tail;
    return text;
}

Task<std::exception_ptr> ProcessTransport::input_ended() {
    // The child usually exits right after closing its output: wait a little
    // to say how, never long.
    co_await wait_exit(std::chrono::milliseconds(500));
    if (stderr_) {
        // What it wrote last may still be in the pipe: read it to its end.
        std::shared_ptr<StderrTail> tail = stderr_;
        Task<> draining = wait_for(tail->drained.wait(), std::chrono::milliseconds(200));
        co_await capture(std::move(draining));
    }
    co_return std::make_exception_ptr(TransportError(peer() + " closed its output" + how_it_ended()));
}

Task<> ProcessTransport::close() { return stop(*this); }

Task<> ProcessTransport::stop(ProcessTransport& self) {
    if (self.closing_) co_return;
    self.closing_ = true;
    self.close_output();  // the polite request: stdin's end of file
    // Escalate: end of file, then SIGTERM, then SIGKILL, each with its wait.
    // (One await per statement: g++ 12 lays out the frame wrongly for an
    // await inside an if condition here.)
    const int signals[] = {0, SIGTERM, SIGKILL};
    for (const int signal : signals) {
        if (signal != 0) ::kill(self.pid_, signal);
        const bool exited = co_await self.wait_exit(self.options_.shutdown_grace);
        if (exited) break;
    }
    co_await self.PipeTransport::close();
    if (self.stderr_) self.stderr_->stream->close();
}

}  // namespace agentio::agent::mcp
