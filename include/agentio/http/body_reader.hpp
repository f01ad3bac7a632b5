// body_reader.hpp: BodyReader, one message body read from a connection.
//
// The same reader serves the client (response bodies) and the server (request
// bodies): it frames the body as the head said (Content-Length, chunked, or up
// to end of stream), so it never reads past the body into the next pipelined
// message. Pieces are views into the connection's buffer, valid until the
// next call.
//
// Errors: a peer that stops early is net::UnexpectedEof (never a silently
// short body); bad chunked framing is ParseError (400); a body over
// Limits::max_body is ParseError (413).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "agentio/core/task.hpp"
#include "agentio/http/parser.hpp"
#include "agentio/net/buffered_reader.hpp"

namespace agentio::http {

class BodyReader {
public:
    // An empty body.
    BodyReader() = default;
    BodyReader(net::BufferedReader& connection, BodyFraming framing, const Limits& limits);

    // The next piece of the body; nullopt once it has all been read.
    Task<std::optional<std::string_view>> next();
    // The rest of the body in one string.
    Task<std::string> read_all();
    // Reads and drops the rest of the body if it is at most `max` bytes (so
    // that the connection can carry the next message); false if it is longer.
    Task<bool> drain(std::uint64_t max);

    bool done() const noexcept { return done_; }
    const BodyFraming& framing() const noexcept { return framing_; }
    std::uint64_t max_body() const noexcept { return max_body_; }
    std::uint64_t bytes_read() const noexcept { return received_; }

private:
    std::string_view count(std::string_view piece);

    net::BufferedReader* connection_ = nullptr;
    BodyFraming framing_{BodyFraming::Kind::None, 0};
    ChunkedDecoder chunked_;
    std::uint64_t max_body_ = 0;
    std::uint64_t received_ = 0;
    bool done_ = true;
};

}  // namespace agentio::http
