// gzip.hpp: compressed HTTP bodies (Content-Encoding gzip and deflate), through zlib. No I/O.
//
// compile-context: extern http::ResponseBody response;
//     http::GzipDecoder gunzip;                 // max_output 64 MiB
//     std::string body;
//     while (auto chunk = co_await response.next()) gunzip.feed(*chunk, body);
//     gunzip.finish();                          // throws if the stream was cut short
//
// The format is recognised from the first two bytes: gzip (1f 8b), zlib (a
// valid zlib header, what Content-Encoding: deflate means), or else raw
// deflate (what some servers send as "deflate" anyway). A gzip body may hold
// several members back to back (`cat a.gz b.gz`): their contents are
// concatenated. Anything after the end of a zlib or raw stream, or after a
// gzip member that is not another member, is corrupt input.
//
// Errors (all agentio::Error): corrupt input, with zlib's message; more than
// max_output decompressed bytes (against decompression bombs), naming the
// limit; a stream that ended early, from finish(). On an error `out` holds
// what was decoded before it, never more than max_output bytes in all, and the
// decoder is spent: later calls throw again. An empty body is an empty stream
// (finish() accepts it, as curl and browsers do).
//
// Move-only; the zlib state lives on the heap, so moving the decoder is a
// pointer move (a z_stream itself cannot be moved: zlib keeps a pointer back
// to it). A moved-from decoder throws InvalidStateError from feed() and finish().
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace agentio::http {

class GzipDecoder {
public:
    static constexpr std::size_t kDefaultMaxOutput = std::size_t{64} << 20;

    explicit GzipDecoder(std::size_t max_output = kDefaultMaxOutput);
    GzipDecoder(GzipDecoder&&) noexcept;
    GzipDecoder& operator=(GzipDecoder&&) noexcept;
    GzipDecoder(const GzipDecoder&) = delete;
    GzipDecoder& operator=(const GzipDecoder&) = delete;
    ~GzipDecoder();

    // Decompresses `compressed` (any split of the stream), appending to `out`.
    void feed(std::string_view compressed, std::string& out);

    // The input so far is one or more complete streams, with nothing after.
    bool done() const noexcept;

    // End of input: throws agentio::Error unless done() or nothing was fed.
    void finish();

    std::size_t total_in() const noexcept;
    std::size_t total_out() const noexcept;
    std::size_t max_output() const noexcept;

private:
    struct State;
    std::unique_ptr<State> state_;
};

// The gzip encoding of `data`. level: 0 (store) to 9 (smallest), or -1 for
// zlib's default; anything else throws agentio::Error.
std::string gzip_compress(std::string_view data, int level = 6);

}  // namespace agentio::http
