#include "agentio/net/signals.hpp"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>

#include "agentio/net/errors.hpp"
#include "agentio/net/io_handle.hpp"

namespace agentio::net {

Task<int> wait_for_signal(std::initializer_list<int> signals) {
    sigset_t mask;
    sigemptyset(&mask);
    for (int signal : signals) sigaddset(&mask, signal);
    if (pthread_sigmask(SIG_BLOCK, &mask, nullptr) != 0) throw Error("wait_for_signal: cannot block the signals");
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

}  // namespace agentio::net
