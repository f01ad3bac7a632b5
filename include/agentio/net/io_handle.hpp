// io_handle.hpp: a non-blocking file descriptor that tasks can wait on.
//
// The descriptor joins the loop's epoll set once, edge-triggered, on the first
// wait (no epoll_ctl per read or write). The protocol for its users:
// compile-context: #include <sys/socket.h>
// compile-context: #include <cerrno>
// compile-context: extern IoHandle io; extern int fd; extern char buffer[]; extern std::size_t size; extern ssize_t n;
//     for (;;) { n = recv(fd, buffer, size, 0); if (n >= 0 || errno != EAGAIN) break; co_await io.readable(); }
// i.e. wait only after the kernel said EAGAIN.
//
// Why no wake-up is lost: readiness is reported only while the loop polls,
// never while a task runs, so between a task's EAGAIN and its wait no edge can
// slip by. An edge that arrives while nobody waits is remembered (one flag per
// direction) and makes the next wait return at once; at worst the caller then
// sees EAGAIN once more and waits for real.
//
// At most one task waits to read and one to write at a time (a second gets
// InvalidStateError). A wait honours cancellation and so every timeout scope.
// close() wakes a waiting task with ConnectionError. Use a handle on the thread
// of the loop that runs the tasks using it.
#pragma once

#include <coroutine>
#include <cstdint>
#include <memory>
#include <string>

#include "agentio/core/detail/task_node.hpp"

namespace agentio {
class EventLoop;
}

namespace agentio::net {

class IoHandle {
    struct State;

public:
    class Awaiter;

    IoHandle() noexcept;
    // Takes ownership of `fd`, which must already be non-blocking.
    explicit IoHandle(int fd, std::string description = {});
    IoHandle(IoHandle&&) noexcept;
    IoHandle& operator=(IoHandle&&) noexcept;
    ~IoHandle();

    int fd() const noexcept;
    bool is_open() const noexcept { return fd() >= 0; }
    // What the descriptor is, for error messages ("127.0.0.1:443").
    const std::string& description() const noexcept;

    // Resumes when the descriptor may be readable (or at EOF/error) / writable.
    Awaiter readable() noexcept;
    Awaiter writable() noexcept;

    // False only if the descriptor is registered with the loop and no read
    // readiness has been reported since the last read wait: then nothing (no
    // data, no FIN) can have arrived, and a caller can skip a syscall to check.
    bool may_have_input() const noexcept;
    // The caller just read the descriptor empty (a read returned less than
    // asked): readiness reported before that read is used up. Safe because
    // readiness is only reported while the loop polls, never during a read.
    void input_drained() noexcept;

    // Closes the descriptor now; a task waiting on it resumes with ConnectionError.
    void close() noexcept;

private:
    std::unique_ptr<State> state_;
};

class [[nodiscard]] IoHandle::Awaiter final : agentio::detail::Waiter {
public:
    Awaiter(State* state, bool write) noexcept : state_(state), write_(write) {}
    Awaiter(const Awaiter&) = delete;
    Awaiter(Awaiter&& other) noexcept : state_(other.state_), write_(other.write_) {}

    bool await_ready() noexcept;
    bool await_suspend(std::coroutine_handle<> frame);
    void await_resume() const;

private:
    friend struct IoHandle::State;
    enum class Outcome : std::uint8_t { Pending, Ready, Cancelled, Closed };
    void cancel() noexcept override;
    std::string describe() const override;
    void wake(Outcome outcome) noexcept;

    State* state_;
    agentio::detail::TaskNode* node_ = nullptr;
    bool write_;
    Outcome outcome_ = Outcome::Pending;
};

}  // namespace agentio::net
