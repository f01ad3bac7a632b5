// errors.hpp: the exception types of the core runtime.
//
// Every agentio error derives from agentio::Error (a std::runtime_error) and says
// what failed and with which input. CancelledError is the one exception: like
// Python's asyncio.CancelledError (a BaseException), it deliberately does NOT
// derive from std::exception, so `catch (const std::exception&)` in user code
// cannot swallow a cancellation by accident.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

namespace agentio {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A wait_for/timeout deadline passed before the work finished. The work was
// cancelled and had fully finished before this was thrown.
class TimeoutError : public Error {
public:
    using Error::Error;
};

// An API was used in a state where it cannot work: awaiting a moved-from or
// already awaited Task, run() inside a running loop, create_task() with no loop,
// reading the result of a task that is not done.
class InvalidStateError : public Error {
public:
    using Error::Error;
};

// put() on a closed Queue, or get() on a closed Queue that has been drained.
class QueueClosed : public Error {
public:
    using Error::Error;
};

// Thrown at a suspension point of a task that was cancelled. Not a std::exception.
class CancelledError {
public:
    CancelledError() = default;
    explicit CancelledError(std::string message) : message_(std::move(message)) {}
    const char* what() const noexcept { return message_.empty() ? "task was cancelled" : message_.c_str(); }

private:
    std::string message_;
};

// Every error of a TaskGroup's children (CancelledErrors from the group's own
// cancellation are not errors). Like Python's ExceptionGroup.
class ExceptionGroup : public Error {
public:
    ExceptionGroup(std::string message, std::vector<std::exception_ptr> exceptions);
    const std::vector<std::exception_ptr>& exceptions() const noexcept { return exceptions_; }

private:
    std::vector<std::exception_ptr> exceptions_;
};

// A one-line description of an exception_ptr's exception, for logs and messages.
std::string describe(const std::exception_ptr& error);

namespace detail {
// True if `error` holds a CancelledError.
bool is_cancellation(const std::exception_ptr& error) noexcept;
}  // namespace detail

}  // namespace agentio
