// reactor.cpp: epoll and an eventfd for cross-thread wake-ups.
#include "agentio/core/detail/reactor.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>

#include "agentio/core/errors.hpp"

namespace agentio::detail {

namespace {
[[noreturn]] void fail(const char* what, int fd) {
    throw Error(std::string("reactor: ") + what + " (fd " + std::to_string(fd) + "): " + std::strerror(errno));
}
}  // namespace

Reactor::Reactor() {
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) fail("epoll_create1 failed", -1);
    wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_fd_ < 0) {
        ::close(epoll_fd_);
        fail("eventfd failed", -1);
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = nullptr;  // null marks the wake-up fd
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev) != 0) {
        ::close(wake_fd_);
        ::close(epoll_fd_);
        fail("epoll_ctl(ADD) of the wake-up eventfd failed", wake_fd_);
    }
}

Reactor::~Reactor() {
    ::close(wake_fd_);
    ::close(epoll_fd_);
}

void Reactor::add(int fd, std::uint32_t events, IoWatch& watch) {
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = &watch;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) fail("epoll_ctl(ADD) failed", fd);
    ++watched_;
}

void Reactor::modify(int fd, std::uint32_t events, IoWatch& watch) {
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = &watch;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) != 0) fail("epoll_ctl(MOD) failed", fd);
}

void Reactor::remove(int fd) noexcept {
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr) == 0) --watched_;
}

int Reactor::poll(int timeout_ms) {
    std::array<epoll_event, 256> events;
    int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout_ms);
    if (n < 0) {
        if (errno == EINTR) return 0;
        fail("epoll_wait failed", epoll_fd_);
    }
    for (int i = 0; i < n; ++i) {
        auto* watch = static_cast<IoWatch*>(events[i].data.ptr);
        if (watch == nullptr) {
            std::uint64_t count;
            [[maybe_unused]] auto ignored = ::read(wake_fd_, &count, sizeof count);
            continue;
        }
        watch->on_io(events[i].events);
    }
    return n;
}

void Reactor::wake() noexcept {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto ignored = ::write(wake_fd_, &one, sizeof one);
}

}  // namespace agentio::detail
