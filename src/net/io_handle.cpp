// io_handle.cpp: edge-triggered epoll registration and the readiness waits.
#include "agentio/net/io_handle.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include "agentio/core/detail/loop_access.hpp"
#include "agentio/core/event_loop.hpp"
#include "agentio/net/errors.hpp"

namespace agentio::net {

// Heap-allocated so that the address given to epoll and to waiting tasks stays
// put when the handle (and the stream owning it) is moved.
struct IoHandle::State final : agentio::detail::IoWatch {
    int fd = -1;
    std::string description;
    EventLoop* loop = nullptr;  // where the fd is registered; null until the first wait
    IoHandle::Awaiter* reader = nullptr;
    IoHandle::Awaiter* writer = nullptr;
    bool read_edge = false;  // an edge arrived while no task waited
    bool write_edge = false;
    bool read_closed = false;  // the peer's FIN, a hang-up or an error was reported: sticky

    void on_io(std::uint32_t events) noexcept override {
        if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) read_closed = true;
        if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
            if (reader != nullptr) std::exchange(reader, nullptr)->wake(Awaiter::Outcome::Ready);
            else read_edge = true;
        }
        if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) {
            if (writer != nullptr) std::exchange(writer, nullptr)->wake(Awaiter::Outcome::Ready);
            else write_edge = true;
        }
    }

    void register_with(EventLoop& current) {
        if (loop == &current) return;
        if (loop != nullptr) throw InvalidStateError("socket " + description + " is used by a loop other than the one it was first used on");
        agentio::detail::LoopAccess::reactor(current).add(fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, *this);
        loop = &current;
    }

    void close() noexcept {
        if (fd < 0) return;
        // Closing the last descriptor of a file drops it from epoll; remove()
        // first only keeps the reactor's count right when we are on its loop.
        if (loop != nullptr && EventLoop::current() == loop) agentio::detail::LoopAccess::reactor(*loop).remove(fd);
        ::close(fd);
        fd = -1;
        loop = nullptr;
        if (reader != nullptr) std::exchange(reader, nullptr)->wake(Awaiter::Outcome::Closed);
        if (writer != nullptr) std::exchange(writer, nullptr)->wake(Awaiter::Outcome::Closed);
    }
};

IoHandle::IoHandle() noexcept = default;
IoHandle::IoHandle(int fd, std::string description) : state_(std::make_unique<State>()) {
    state_->fd = fd;
    state_->description = std::move(description);
}
IoHandle::IoHandle(IoHandle&&) noexcept = default;
IoHandle& IoHandle::operator=(IoHandle&& other) noexcept {
    if (this != &other) {
        close();
        state_ = std::move(other.state_);
    }
    return *this;
}
IoHandle::~IoHandle() { close(); }

int IoHandle::fd() const noexcept { return state_ ? state_->fd : -1; }

const std::string& IoHandle::description() const noexcept {
    static const std::string none = "(closed socket)";
    return state_ ? state_->description : none;
}

IoHandle::Awaiter IoHandle::readable() noexcept { return Awaiter(state_.get(), false); }
IoHandle::Awaiter IoHandle::writable() noexcept { return Awaiter(state_.get(), true); }

bool IoHandle::may_have_input() const noexcept {
    return !state_ || state_->loop == nullptr || state_->read_edge || state_->read_closed;
}

void IoHandle::input_drained() noexcept {
    if (state_) state_->read_edge = false;
}

void IoHandle::close() noexcept {
    if (state_) state_->close();
}

bool IoHandle::Awaiter::await_ready() noexcept {
    if (state_ == nullptr || state_->fd < 0) {
        outcome_ = Outcome::Closed;
        return true;
    }
    bool& edge = write_ ? state_->write_edge : state_->read_edge;
    if (!edge) return false;
    edge = false;
    outcome_ = Outcome::Ready;
    return true;
}

bool IoHandle::Awaiter::await_suspend(std::coroutine_handle<> frame) {
    node_ = &detail::running_node("waiting on a socket");
    if (node_->take_pending_cancel()) {
        outcome_ = Outcome::Cancelled;
        return false;
    }
    Awaiter*& slot = write_ ? state_->writer : state_->reader;
    if (slot != nullptr)
        throw InvalidStateError(std::string("two tasks ") + (write_ ? "write to" : "read from") + " socket " +
                                state_->description + " at once");
    state_->register_with(node_->loop());
    slot = this;
    node_->wait_on(*this, frame);
    return true;
}

void IoHandle::Awaiter::await_resume() const {
    switch (outcome_) {
        case Outcome::Cancelled: throw CancelledError("cancelled while waiting on a socket");
        // The handle may be gone by now: say nothing that reads it.
        case Outcome::Closed: throw ConnectionError("the socket was closed while in use");
        default: return;
    }
}

void IoHandle::Awaiter::wake(Outcome outcome) noexcept {
    outcome_ = outcome;
    node_->wake();
}

void IoHandle::Awaiter::cancel() noexcept {
    Awaiter*& slot = write_ ? state_->writer : state_->reader;
    if (slot == this) slot = nullptr;
    wake(Outcome::Cancelled);
}

std::string IoHandle::Awaiter::describe() const {
    return "socket " + state_->description + (write_ ? " writable" : " readable");
}

}  // namespace agentio::net
