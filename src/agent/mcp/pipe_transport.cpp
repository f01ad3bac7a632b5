// pipe_transport.cpp: newline-delimited JSON-RPC over pipes.
//
// The reader searches only bytes it has not searched before (scanned_), so a
// long message arriving in many pieces costs linear time. A message is
// returned as a copy: the buffer is reused for the next read.
#include "agentio/agent/mcp/pipe_transport.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "agentio/net/errors.hpp"
#include "pipe_stream.hpp"

namespace agentio::agent::mcp {

PipeTransport::PipeTransport(int read_fd, int write_fd, std::string peer, PipeOptions options)
    : peer_(std::move(peer)), options_(options) {
    if ((read_fd >= 0 && !detail::set_nonblocking(read_fd)) || (write_fd >= 0 && !detail::set_nonblocking(write_fd)))
        throw TransportError(net::errno_message(peer_ + ": making the pipes non-blocking", errno));
    stream_ = std::make_unique<detail::PipeStream>(read_fd, write_fd, peer_);
    reader_ = std::make_unique<net::BufferedReader>(*stream_);
}

PipeTransport::~PipeTransport() = default;

std::unique_ptr<PipeTransport> PipeTransport::stdio(std::string peer, PipeOptions options) {
    const int in = ::dup(STDIN_FILENO);
    const int out = in < 0 ? -1 : ::dup(STDOUT_FILENO);
    if (in < 0 || out < 0) {
        const int error = errno;
        if (in >= 0) ::close(in);
        throw TransportError(net::errno_message("duplicating stdin/stdout for " + peer, error));
    }
    return std::make_unique<PipeTransport>(in, out, std::move(peer), options);
}

Task<std::exception_ptr> PipeTransport::input_ended() {
    co_return std::make_exception_ptr(EndOfInput(peer_ + " closed the connection"));
}

Task<std::optional<Incoming>> PipeTransport::receive() {
    for (;;) {
        if (closed_) co_return std::nullopt;
        const std::string_view have = reader_->buffered();
        const std::size_t newline = have.find('\n', scanned_);
        if (newline != std::string_view::npos) {
            std::string_view line = have.substr(0, newline);
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            std::string message(line);
            reader_->consume(newline + 1);
            scanned_ = 0;
            if (message.find_first_not_of(" \t") == std::string::npos) continue;  // a blank line
            co_return message;
        }
        scanned_ = have.size();
        if (have.size() > options_.max_message_bytes)
            throw TransportError(peer_ + " sent a message longer than " + std::to_string(options_.max_message_bytes) +
                                 " bytes (PipeOptions::max_message_bytes)");
        bool more = false;
        try {
            more = co_await reader_->fill(options_.max_message_bytes + 2);
        } catch (const net::ConnectionError& error) {
            if (closed_) co_return std::nullopt;
            throw TransportError(peer_ + ": " + error.what());
        }
        if (more) continue;
        if (closed_) co_return std::nullopt;
        // The peer is done sending either way: the messages before a cut-off
        // one still get their answers.
        if (!reader_->buffered().empty())
            throw EndOfInput(peer_ + " closed the connection in the middle of a message, which is dropped: " +
                             std::string(reader_->buffered().substr(0, 120)));
        const std::exception_ptr ended = co_await input_ended();
        std::rethrow_exception(ended);
    }
}

Task<> PipeTransport::send(Outgoing message) {
    message.text.push_back('\n');
    auto guard = co_await write_lock_.acquire();
    if (closed_) throw TransportError(peer_ + ": the connection is closed");
    std::string failure;
    try {
        co_await stream_->write(message.text);
    } catch (const net::ConnectionError& error) {
        failure = error.what();
    }
    if (failure.empty()) co_return;
    // A peer that stopped reading has usually ended: say how, as the reader
    // would (a process adds its exit status and the end of its stderr),
    // rather than a bare "Broken pipe".
    const std::exception_ptr ended = co_await input_ended();
    std::string how;
    try {
        std::rethrow_exception(ended);
    } catch (const std::exception& error) {
        how = error.what();
    }
    throw TransportError(how + "; writing to it failed: " + failure);
}

void PipeTransport::close_output() noexcept {
    // A write in flight wakes with ConnectionError (IoHandle::close).
    stream_->close_write();
}

Task<> PipeTransport::close() {
    // No waiting for the write lock: a peer that reads nothing could hold a
    // write forever. Closing wakes the reader and any writer at once.
    closed_ = true;
    stream_->close();
    co_return;
}

}  // namespace agentio::agent::mcp
