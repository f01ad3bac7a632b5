// buffered_reader.cpp: the buffer's growth and compaction, and the reads.
//
// The buffer grows for two reasons only: the caller needs more bytes in view
// than it holds (a long line), or a read filled all the free space, which
// means the peer had more ready than the buffer could take. The second kind of
// growth stops at kMaxReadCapacity: a fast stream (a long streamed reply, a
// download) then takes one syscall per 256 KiB instead of per 16 KiB, while a
// connection that only ever sees small messages keeps its small buffer.
#include "agentio/net/buffered_reader.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "agentio/net/errors.hpp"

namespace agentio::net {

BufferedReader::BufferedReader(Stream& stream, std::size_t initial_capacity)
    : stream_(stream), data_(new char[initial_capacity]), capacity_(initial_capacity) {}

void BufferedReader::consume(std::size_t n) noexcept {
    begin_ += std::min(n, end_ - begin_);
    if (begin_ == end_) begin_ = end_ = 0;
}

void BufferedReader::make_room(std::size_t max_buffered) {
    const std::size_t used = end_ - begin_;
    if (used >= max_buffered)
        throw Error("read from " + stream_.peer() + ": more than " + std::to_string(max_buffered) +
                    " bytes buffered without the reader finding what it looks for");
    const bool grow = std::exchange(outgrown_, false);
    if (end_ < capacity_ && !grow) return;
    if (begin_ > 0 && used <= capacity_ / 2 && !grow) {
        std::memmove(data_.get(), data_.get() + begin_, used);
    } else {
        const std::size_t capacity = std::max(capacity_ * 2, std::size_t{4096});
        std::unique_ptr<char[]> bigger(new char[capacity]);
        std::memcpy(bigger.get(), data_.get() + begin_, used);
        data_ = std::move(bigger);
        capacity_ = capacity;
    }
    begin_ = 0;
    end_ = used;
}

Task<bool> BufferedReader::fill(std::size_t max_buffered) {
    make_room(max_buffered);
    const std::size_t space = capacity_ - end_;
    const std::size_t n = co_await stream_.read(std::span<char>(data_.get() + end_, space));
    end_ += n;
    if (n == space && capacity_ < kMaxReadCapacity) outgrown_ = true;
    co_return n > 0;
}

Task<std::string_view> BufferedReader::read_until(std::string_view delimiter, std::size_t max) {
    std::size_t searched = 0;  // no match starts before this offset
    for (;;) {
        const std::string_view have = buffered();
        const std::size_t at = have.find(delimiter, searched);
        if (at != std::string_view::npos) {
            const std::size_t length = at + delimiter.size();
            if (length > max) break;
            consume(length);
            co_return have.substr(0, length);
        }
        if (have.size() >= max) break;
        if (have.size() >= delimiter.size()) searched = have.size() - delimiter.size() + 1;
        if (!co_await fill(max + delimiter.size()))
            throw UnexpectedEof("read from " + stream_.peer() + ": the stream ended before the expected delimiter");
    }
    throw Error("read from " + stream_.peer() + ": no delimiter within " + std::to_string(max) + " bytes");
}

Task<std::string_view> BufferedReader::read_exact(std::size_t n) {
    while (end_ - begin_ < n) {
        if (!co_await fill(std::max(n, capacity_) + 1))
            throw UnexpectedEof("read from " + stream_.peer() + ": the stream ended " + std::to_string(n - (end_ - begin_)) +
                                " bytes short");
    }
    const std::string_view bytes(data_.get() + begin_, n);
    consume(n);
    co_return bytes;
}

Task<std::string_view> BufferedReader::read_some(std::size_t max) {
    if (begin_ == end_) {
        // Not `a && co_await b`: g++ 12 may evaluate the co_await even when a is false.
        if (!co_await fill()) co_return std::string_view();
    }
    const std::string_view bytes = buffered().substr(0, max);
    consume(bytes.size());
    co_return bytes;
}

}  // namespace agentio::net
