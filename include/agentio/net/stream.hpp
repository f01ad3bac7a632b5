// stream.hpp: Stream, a connected byte stream (TCP, TLS over TCP, a proxy tunnel).
//
// HTTP, TLS and the proxy code are written against this interface, so each
// works over any of the others. Every operation is a suspension point: it
// honours cancellation and the enclosing timeout scope. After a cancelled
// read or write the stream's state is unknown: close it.
//
// At most one read and one write may be in flight at a time (a server may
// read the next pipelined request while it writes a response).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "agentio/core/clock.hpp"
#include "agentio/core/task.hpp"

namespace agentio::net {

class Stream {
public:
    virtual ~Stream() = default;

    // Reads at least one byte into `buffer` and returns how many; 0 means the
    // peer finished sending (end of stream). ConnectionError on a reset.
    virtual Task<std::size_t> read(std::span<char> buffer) = 0;
    // Writes all of `data`. ConnectionError if the peer is gone.
    virtual Task<> write(std::string_view data) = 0;
    // Tells the peer we will send no more (TCP FIN, TLS close_notify).
    virtual Task<> shutdown_write() = 0;
    // Releases the connection at once, without a goodbye. Idempotent.
    virtual void close() noexcept = 0;
    virtual bool is_open() const noexcept = 0;
    // For an idle connection, without blocking: true if the peer has closed it
    // or sent something unasked, so it cannot carry a new request (a pool asks
    // before reusing a keep-alive connection). Streams that cannot tell say false.
    virtual bool closed_by_peer() noexcept { return false; }
    // The peer, for messages: "127.0.0.1:8443".
    virtual std::string peer() const = 0;
};

// Writes all of `data`, failing only when none of it goes out for `stall`:
// a slow but steady reader gets the whole of a large write, a reader that
// stops does not hold the writer (nginx's send_timeout). Progress is
// counted in slices of 64 KiB. The TimeoutError names the peer and the limit.
Task<> write_with_stall_limit(Stream& stream, std::string_view data, Duration stall);

}  // namespace agentio::net
