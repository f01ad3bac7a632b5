#include "progress.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <cstdio>

#include "agentio/core/event_loop.hpp"
#include "agentio/core/sleep.hpp"

namespace agentio::cli {

using namespace std::chrono_literals;

bool progress_on_terminal() { return ::isatty(STDERR_FILENO) == 1; }

Task<> show_progress(std::function<std::string(Duration elapsed)> line, std::string command, TimePoint start) {
    const bool terminal = progress_on_terminal();
    const Duration every = terminal ? 250ms : 5s;
    for (;;) {
        co_await sleep(every);
        const std::string text = line(EventLoop::current()->now() - start);
        if (terminal) fmt::print(stderr, "\r\033[2K{}", text);
        else fmt::print(stderr, "agentio {}: {}\n", command, text);
        std::fflush(stderr);
    }
}

void clear_progress_line() {
    if (progress_on_terminal()) fmt::print(stderr, "\r\033[2K");
}

}  // namespace agentio::cli
