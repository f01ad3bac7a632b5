#include "agentio/net/signals.hpp"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>

#include "agentio/net/errors.hpp"
#include "agentio/net/io_handle.hpp"

namespace agentio::net {

namespace {

Task<int> read_signal(sigset_t mask) {
    const int fd = ::signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd < 0) throw Error(errno_message("wait_for_signal: signalfd", errno));
    IoHandle io(fd, "signalfd");
    for (;;) {
        signalfd_siginfo info{};
        const ssize_t n = ::read(fd, &info, sizeof info);
        if (n == static_cast<ssize_t>(sizeof info)) co_return static_cast<int>(info.ssi_signo);
        if (n < 0 && errno != EAGAIN && errno != EINTR) throw Error(errno_message("wait_for_signal: read", errno));
        co_await io.readable();
    }
}

}  // namespace

// Not a coroutine itself: the signals are blocked now, when it is called (a
// signal sent before the task is awaited then waits for it), and the list,
// whose array dies with the calling statement, is read before it is gone.
Task<int> wait_for_signal(std::initializer_list<int> signals) {
    sigset_t mask;
    sigemptyset(&mask);
    for (int signal : signals) sigaddset(&mask, signal);
    if (pthread_sigmask(SIG_BLOCK, &mask, nullptr) != 0) throw Error("wait_for_signal: cannot block the signals");
    return read_signal(mask);
}

}  // namespace agentio::net
