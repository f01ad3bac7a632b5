// pipe_transport.hpp: PipeTransport, MCP's stdio framing over a pair of pipes.
//
//     auto transport = mcp::PipeTransport::stdio();     // serve on our stdin/stdout
//
// The stdio transport of the MCP spec: each message is one line of JSON
// (UTF-8, no embedded newline) ending in '\n'. Reading accepts "\r\n" too and
// skips blank lines. The pipes are watched by the loop's reactor: no thread.
//
// Errors: a line longer than max_message_bytes is TransportError naming the
// peer; end of file is EndOfInput "<peer> closed the connection" (unless we
// closed first: then receive() returns nullopt), and a line it cut off is
// dropped, the error saying so. A write to a peer that is gone is
// TransportError. Writes are queued behind each other, never interleaved.
//
// stdio(): the process's own stdin and stdout (duplicated, then non-blocking:
// that flag is shared with whatever else holds the same pipe). Nothing else in
// the process may write to stdout while it serves: log to stderr.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "agentio/agent/mcp/transport.hpp"
#include "agentio/core/lock.hpp"
#include "agentio/net/buffered_reader.hpp"

namespace agentio::agent::mcp {

namespace detail {
class PipeStream;
}

struct PipeOptions {
    // The longest message accepted from the peer.
    std::size_t max_message_bytes = std::size_t{64} << 20;
};

class PipeTransport : public Transport {
public:
    // Takes ownership of both descriptors (made non-blocking here).
    PipeTransport(int read_fd, int write_fd, std::string peer, PipeOptions options = {});
    ~PipeTransport() override;

    static std::unique_ptr<PipeTransport> stdio(std::string peer = "the MCP client on stdin/stdout",
                                                PipeOptions options = {});

    Task<std::optional<Incoming>> receive() override;
    Task<> send(Outgoing message) override;
    // Closes both pipes (the peer reads end of file).
    Task<> close() override;
    const std::string& peer() const noexcept override { return peer_; }

    // Closes only our writing end, so the peer reads end of file and may exit
    // on its own (the first step of a polite shutdown).
    void close_output() noexcept;

protected:
    // Called when the input ends between messages; returns the error to throw.
    // A process transport adds how the process ended.
    virtual Task<std::exception_ptr> input_ended();

private:
    std::string peer_;
    PipeOptions options_;
    std::unique_ptr<detail::PipeStream> stream_;
    std::unique_ptr<net::BufferedReader> reader_;
    std::size_t scanned_ = 0;  // buffered bytes already searched for '\n'
    Lock write_lock_;
    bool closed_ = false;
};

}  // namespace agentio::agent::mcp
