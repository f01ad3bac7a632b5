// pipe_stream.hpp: PipeStream, a net::Stream over a pair of pipe descriptors.
//
// Reads one descriptor and writes the other (a child's stdout and stdin, or
// our own stdin and stdout), each through a net::IoHandle, so pipes are waited
// on by the loop's reactor like sockets: no thread per pipe. Both descriptors
// must be non-blocking and are owned (closed) by the stream. A write to a pipe
// whose reader is gone is ConnectionError (EPIPE: SIGPIPE is set to be
// ignored if it still has its default action, see pipe_stream.cpp).
#pragma once

#include <string>

#include "agentio/net/io_handle.hpp"
#include "agentio/net/stream.hpp"

namespace agentio::agent::mcp::detail {

class PipeStream final : public net::Stream {
public:
    // Either descriptor may be -1 (a read-only or write-only stream).
    PipeStream(int read_fd, int write_fd, std::string peer);

    Task<std::size_t> read(std::span<char> buffer) override;
    Task<> write(std::string_view data) override;
    // Closes the write side: the peer reads end of file.
    Task<> shutdown_write() override;
    void close() noexcept override;
    void close_write() noexcept { out_.close(); }
    bool is_open() const noexcept override { return in_.is_open() || out_.is_open(); }
    std::string peer() const override { return peer_; }

private:
    net::IoHandle in_;
    net::IoHandle out_;
    std::string peer_;
};

// Makes `fd` non-blocking; returns false (errno set) on failure.
bool set_nonblocking(int fd);

}  // namespace agentio::agent::mcp::detail
