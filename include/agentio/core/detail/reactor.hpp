// reactor.hpp: file-descriptor readiness (epoll) and the cross-thread wake-up.
//
// The reactor only reports readiness; it knows nothing of tasks. A watcher's
// on_io() runs on the loop thread during poll(). wake() is the one method that
// may be called from any thread: it makes a blocked poll() return (eventfd).
#pragma once

#include <cstddef>
#include <cstdint>

namespace agentio::detail {

class IoWatch {
public:
    virtual void on_io(std::uint32_t epoll_events) noexcept = 0;

protected:
    ~IoWatch() = default;
};

class Reactor {
public:
    Reactor();
    ~Reactor();
    Reactor(const Reactor&) = delete;
    Reactor& operator=(const Reactor&) = delete;

    void add(int fd, std::uint32_t events, IoWatch& watch);
    void modify(int fd, std::uint32_t events, IoWatch& watch);
    void remove(int fd) noexcept;
    std::size_t watched() const noexcept { return watched_; }

    // Waits up to timeout_ms (-1: forever) and dispatches readiness; returns
    // how many events it dispatched (the wake-up included).
    int poll(int timeout_ms);
    // Thread-safe: interrupts a blocked poll().
    void wake() noexcept;

private:
    int epoll_fd_ = -1;
    int wake_fd_ = -1;
    std::size_t watched_ = 0;
};

}  // namespace agentio::detail
