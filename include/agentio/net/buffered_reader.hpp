// buffered_reader.hpp: BufferedReader, reads from a Stream through a buffer.
//
// Parsers look at the bytes in place: every view returned points into the
// reader's buffer and stays valid until the next call that reads or consumes.
// The buffer grows up to a caller-given maximum and is compacted (not grown)
// when consumed bytes make room, so a long keep-alive connection reuses one
// allocation. It also grows (up to 256 KiB) when a read fills it, so that a
// fast stream is read in few large pieces. The reader does not own the stream.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "agentio/core/task.hpp"
#include "agentio/net/stream.hpp"

namespace agentio::net {

class BufferedReader {
public:
    explicit BufferedReader(Stream& stream, std::size_t initial_capacity = 16 * 1024);

    // Bytes read from the stream and not consumed yet.
    std::string_view buffered() const noexcept { return {data_.get() + begin_, end_ - begin_}; }
    void consume(std::size_t n) noexcept;

    // Reads once more from the stream, appending to buffered(); false at end
    // of stream. Error if buffered() already holds `max_buffered` bytes.
    Task<bool> fill(std::size_t max_buffered = 1 << 20);

    // The bytes up to and including `delimiter`, consumed. Error naming the
    // limit if `max` bytes pass without it; UnexpectedEof at end of stream.
    Task<std::string_view> read_until(std::string_view delimiter, std::size_t max = 64 * 1024);
    // Exactly `n` bytes, consumed; UnexpectedEof if the stream ends first.
    Task<std::string_view> read_exact(std::size_t n);
    // Whatever is buffered (reading once if nothing is), at most `max` bytes,
    // consumed; empty at end of stream.
    Task<std::string_view> read_some(std::size_t max = 64 * 1024);

    Stream& stream() noexcept { return stream_; }

private:
    void make_room(std::size_t max_buffered);

    static constexpr std::size_t kMaxReadCapacity = 256 * 1024;

    Stream& stream_;
    std::unique_ptr<char[]> data_;
    std::size_t capacity_;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
    bool outgrown_ = false;  // the last read filled the free space: grow before the next
};

}  // namespace agentio::net
