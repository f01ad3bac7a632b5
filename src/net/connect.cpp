// connect.cpp: resolve, then race the addresses (RFC 8305) in a task group.
//
// The race's state (each attempt's stream or error, the queue of attempts that
// ended) lives in race()'s frame, and the attempts are children of a
// task_group inside it: task_group returns only when every child has finished,
// so no attempt outlives the state it writes to. An attempt throws nothing but
// CancelledError; it records its outcome and then reports its index, and the
// coordinating body waits on that queue with the attempt delay as a timeout
// (a Queue hands over an item even to a getter cancelled at that instant, so
// no report is lost to the timeout).
#include "agentio/net/connect.hpp"

#include <cstdio>
#include <cstring>
#include <exception>
#include <vector>

#include "agentio/core/queue.hpp"
#include "agentio/core/task_group.hpp"
#include "agentio/core/timeout.hpp"

namespace agentio::net {

namespace {

std::string host_port(const std::string& host, std::uint16_t port) {
    std::string text;
    if (host.find(':') != std::string::npos && host.front() != '[') text.append("[").append(host).append("]");
    else text.append(host);
    text.append(":").append(std::to_string(port));
    return text;
}

struct Attempt {
    std::optional<TcpStream> stream;
    std::string address;  // "[::1]:80"
    std::string reason;   // "Connection refused"
    int code = 0;
};

void record_failure(Attempt& attempt, const SocketAddress& address, const std::exception& error, int code) {
    attempt.code = code;
    attempt.address = address.to_string();
    if (code == 0) {
        attempt.reason = error.what();
        return;
    }
    attempt.reason = std::strerror(code);
}

Task<> try_address(SocketAddress address, Attempt& out, Queue<std::size_t>& ended, std::size_t index) {
    try {
        out.stream.emplace(co_await TcpStream::connect(address));
    } catch (const ConnectionError& e) {
        record_failure(out, address, e, e.code());
    } catch (const std::exception& e) {
        record_failure(out, address, e, 0);
    }
    ended.try_put(index);  // unbounded and never closed: cannot fail
}

// "connect to localhost:80: [::1]:80: Connection refused; 127.0.0.1:80: ...",
// or, where the one address is the target itself, each named once:
// "connect to 127.0.0.1:1: Connection refused".
[[noreturn]] void throw_all_failed(const std::string& target, const std::vector<Attempt>& attempts) {
    std::string message = "connect to ";
    message.append(target).append(": ");
    int code = 0;
    bool first = true;
    std::size_t failed = 0;
    for (const auto& attempt : attempts) failed += attempt.address.empty() ? 0 : 1;
    for (const auto& attempt : attempts) {
        if (attempt.address.empty()) continue;
        message.append(first ? "" : "; ");
        if (failed > 1 || attempt.address != target) message.append(attempt.address).append(": ");
        message.append(attempt.reason);
        first = false;
        code = attempt.code;
    }
    throw ConnectionError(message, code);
}

Task<TcpStream> race(const std::vector<SocketAddress>& addresses, Duration delay, const std::string& target) {
    std::vector<Attempt> attempts(addresses.size());
    Queue<std::size_t> ended;
    std::optional<std::size_t> winner;
    co_await task_group([&](TaskGroup& group) -> Task<> {
        std::vector<TaskHandle<>> running;
        std::size_t started = 0;
        std::size_t failed = 0;
        auto start_next = [&] {
            running.push_back(group.create_task(try_address(addresses[started], attempts[started], ended, started)));
            ++started;
        };
        start_next();
        while (!winner && failed < addresses.size()) {
            std::optional<std::size_t> index;
            if (started < addresses.size()) {
                try {
                    index = co_await wait_for(ended.get(), delay);
                } catch (const TimeoutError&) {
                }
                if (!index) {  // the delay passed with no answer: race the next one too
                    start_next();
                    continue;
                }
            } else {
                index = co_await ended.get();
            }
            if (attempts[*index].stream) {
                winner = index;
            } else {
                ++failed;
                if (started < addresses.size()) start_next();  // a failure starts the next at once
            }
        }
        // The losers: still connecting ones stop; one that connected too
        // closes its socket when `attempts` goes.
        for (auto& handle : running) handle.cancel();
    });
    if (!winner) throw_all_failed(target, attempts);
    co_return std::move(*attempts[*winner].stream);
}

Task<TcpStream> resolve_and_connect(const std::string& host, std::uint16_t port, const ConnectOptions& options,
                                    const std::string& target) {
    Resolver& resolver = options.resolver != nullptr ? *options.resolver : Resolver::for_current_loop();
    const std::vector<SocketAddress> addresses = co_await resolver.resolve(host, port, options.family);
    if (addresses.size() > 1) co_return co_await race(addresses, options.attempt_delay, target);
    std::vector<Attempt> failure(1);
    try {
        co_return co_await TcpStream::connect(addresses.front());
    } catch (const ConnectionError& e) {
        record_failure(failure.front(), addresses.front(), e, e.code());
    }
    throw_all_failed(target, failure);
}

}  // namespace

Task<TcpStream> connect(std::string host, std::uint16_t port, ConnectOptions options) {
    const std::string target = host_port(host, port);
    if (!options.timeout) co_return co_await resolve_and_connect(host, port, options, target);
    try {
        co_return co_await timeout(*options.timeout, resolve_and_connect(host, port, options, target));
    } catch (const TimeoutError&) {
        // Ours: nothing inside throws TimeoutError, and an enclosing scope's
        // expiry arrives here as CancelledError.
    }
    char budget[48];
    std::snprintf(budget, sizeof budget, "timed out after %.3f s", std::chrono::duration<double>(*options.timeout).count());
    std::string message = "connect to ";
    message.append(target).append(": ").append(budget);
    throw TimeoutError(message);
}

}  // namespace agentio::net
