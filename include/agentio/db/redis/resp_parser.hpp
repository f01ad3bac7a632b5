// resp_parser.hpp: RespParser, reads Redis replies (RESP2 and RESP3) from a
// byte stream, however the bytes are split.
//
// compile-context: extern RespParser parser; extern net::TcpStream stream; void handle(const Reply& reply);
//     parser.commit(co_await stream.read(parser.prepare()));
//     while (std::optional<Reply> reply = parser.next()) handle(*reply);
//
// Promises:
// - Split anywhere: a reply cut at any byte gives the same value once the
//   rest arrives. Work is linear in the bytes: a finished element is never
//   parsed again, and a bulk string waits for its length without rescanning.
// - Bounded: a bulk string over `max_bulk`, an aggregate over `max_elements`,
//   nesting deeper than `max_depth` or a line over 64 KiB is a ProtocolError
//   naming the limit, before the memory is taken (a hostile `*2000000000`
//   allocates nothing).
// - Anything that is not RESP is a ProtocolError naming the byte and an
//   excerpt of the line; after one, the parser is spent (the stream cannot
//   be resynchronised).
// RESP3 attributes (`|`) are read and dropped; the value they annotate is
// returned as if they were not there.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "agentio/db/redis/reply.hpp"

namespace agentio::db::redis {

struct RespLimits {
    std::size_t max_bulk = 512 * 1024 * 1024;  // Redis's own proto-max-bulk-len
    std::size_t max_elements = 1 << 24;
    std::size_t max_depth = 64;
};

class RespParser {
public:
    explicit RespParser(RespLimits limits = {});
    ~RespParser();
    RespParser(RespParser&&) noexcept;
    RespParser& operator=(RespParser&&) noexcept;

    // Room to read into (at least `at_least` bytes); then commit() what was read.
    std::span<char> prepare(std::size_t at_least = 16 * 1024);
    void commit(std::size_t n) noexcept;
    // Copies `bytes` in: prepare + copy + commit.
    void feed(std::string_view bytes);

    // The next complete reply, or nullopt until more bytes come.
    std::optional<Reply> next();

    // Bytes received and not yet part of a returned reply.
    std::size_t buffered() const noexcept;

private:
    struct Frame;
    enum class Parsed : unsigned char;
    // Reads one value's header (and a scalar's payload) at the read position;
    // for an aggregate, `count` is how many elements follow.
    Parsed parse_one(Reply& out, std::size_t& count);
    // Adds a finished value to the open aggregate; true with `done` set when
    // that finishes the outermost one.
    bool attach(Reply value, Reply& done);
    [[noreturn]] void fail(const std::string& what);

    RespLimits limits_;
    std::unique_ptr<char[]> data_;
    std::size_t capacity_ = 0;
    std::size_t begin_ = 0;  // the read position
    std::size_t end_ = 0;
    std::vector<Frame> stack_;  // aggregates being filled, outermost first
    bool failed_ = false;
};

}  // namespace agentio::db::redis
