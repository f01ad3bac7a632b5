// process_transport.hpp: ProcessTransport, an MCP server run as a child process.
//
//     auto transport = mcp::ProcessTransport::spawn({
//         .command = {"node", "server.js", "stdio"}, .name = "everything"});
//
// The stdio transport of the spec from the client's side: the child reads
// requests on its stdin and writes messages on its stdout (PipeTransport's
// framing); its stderr is ours by default, or captured (the last 16 KiB) to
// be quoted when it fails.
//
// What it promises:
// - No thread per server: the pipes and the child's exit (a pidfd) are
//   watched by the loop's reactor.
// - A child that exits, closes its stdout or writes a broken message ends the
//   session with TransportError naming the server, how it exited when that is
//   known within a short wait ("exited with status 1", "killed by signal 9")
//   and, when captured, the end of its stderr. Pending requests fail with it.
// - A command that cannot be started fails spawn() with TransportError
//   naming it and the reason (ENOENT: not found).
// - close(): closes the child's stdin, waits up to shutdown_grace for it to
//   exit, then SIGTERM, waits again, then SIGKILL; always reaps the child.
//   The destructor SIGKILLs and reaps a child still running (no zombie).
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agentio/agent/mcp/pipe_transport.hpp"
#include "agentio/core/clock.hpp"
#include "agentio/net/io_handle.hpp"

namespace agentio::agent::mcp {

struct ProcessOptions {
    // Options that run `program` with `arguments`:
    //     mcp::ProcessOptions options = mcp::ProcessOptions::for_command("npx", "-y", "server", "stdio");
    // The same as {.command = {"npx", "-y", ...}}, in a form g++ 12 compiles
    // inside a coroutine, where a braced list of strings can fail with
    // "array used as initializer".
    template <class... Arguments>
    static ProcessOptions for_command(std::string program, Arguments&&... arguments) {
        ProcessOptions options;
        options.command.reserve(1 + sizeof...(Arguments));
        options.command.push_back(std::move(program));
        (options.command.emplace_back(std::forward<Arguments>(arguments)), ...);
        return options;
    }

    // The program and its arguments; a program without '/' is looked up in PATH.
    std::vector<std::string> command;
    // Set in the child's environment on top of ours.
    std::vector<std::pair<std::string, std::string>> environment = {};
    // The child's working directory; empty: ours.
    std::string working_directory = {};
    // The server's name in messages ("mcp server 'NAME'"); default: the program's file name.
    std::string name = {};
    // Keep the child's stderr (the last 16 KiB) for error messages instead of
    // letting it write to ours.
    bool capture_stderr = false;
    // Each of the two waits of close() (after closing stdin, after SIGTERM).
    Duration shutdown_grace = std::chrono::seconds(2);
    PipeOptions pipe = {};
};

class ProcessTransport final : public PipeTransport {
public:
    static std::unique_ptr<ProcessTransport> spawn(ProcessOptions options);
    ~ProcessTransport() override;

    pid_t pid() const noexcept { return pid_; }
    // The child's wait status once it was reaped.
    std::optional<int> wait_status() const noexcept { return status_; }
    // What the child wrote to stderr (its last 16 KiB), when captured.
    std::string stderr_tail() const;

    Task<> close() override;

    struct StderrTail;

protected:
    Task<std::exception_ptr> input_ended() override;

private:
    ProcessTransport(int read_fd, int write_fd, std::string peer, ProcessOptions options, pid_t pid, int pidfd,
                     int stderr_fd);
    static Task<> stop(ProcessTransport& self);
    // Waits up to `limit` for the child to exit; true once it is reaped.
    Task<bool> wait_exit(Duration limit);
    bool try_reap() noexcept;
    std::string how_it_ended() const;

    ProcessOptions options_;
    pid_t pid_ = -1;
    net::IoHandle exit_;  // the pidfd: readable once the child has exited
    std::optional<int> status_;
    std::shared_ptr<StderrTail> stderr_;
    bool closing_ = false;
};

}  // namespace agentio::agent::mcp
