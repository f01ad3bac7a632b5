// gzip.cpp: GzipDecoder and gzip_compress over zlib.
//
// The decoder inflates straight into the caller's string: it grows `out` by a
// window, lets inflate() write into it, and trims what was not written. The
// window never exceeds the remaining max_output budget plus one byte, so a
// bomb is caught after at most one byte past the limit, and that byte is
// trimmed before the error is thrown.
#include "agentio/http/gzip.hpp"

#define ZLIB_CONST
#include <zlib.h>

#include <algorithm>
#include <climits>
#include <utility>

#include "agentio/core/errors.hpp"

namespace agentio::http {

namespace {

// inflate() and deflate() count in uInt: larger buffers go in slices.
constexpr std::size_t kMaxSlice = std::size_t{1} << 30;
static_assert(kMaxSlice <= UINT_MAX);
constexpr std::size_t kWindow = std::size_t{32} << 10;

enum class Format { Unknown, Gzip, Zlib, Raw };

// The format of a body, from its first two bytes.
Format detect(unsigned char b0, unsigned char b1) noexcept {
    if (b0 == 0x1f && b1 == 0x8b) return Format::Gzip;
    // RFC 1950: method 8 (deflate), window <= 32 KiB, header check multiple of 31.
    if ((b0 & 0x0f) == 8 && (b0 >> 4) <= 7 && ((b0 << 8) | b1) % 31 == 0) return Format::Zlib;
    return Format::Raw;
}

int window_bits(Format format) noexcept {
    switch (format) {
    case Format::Gzip: return 15 + 16;
    case Format::Zlib: return 15;
    default: return -15;
    }
}

}  // namespace

struct GzipDecoder::State {
    // Start: nothing fed. Header: one byte fed, the format not known yet.
    // Inflating: inside a stream (or gzip member). Ended: at the end of a
    // stream, nothing after it so far. Failed: error holds why.
    enum class Phase { Start, Header, Inflating, Ended, Failed };

    explicit State(std::size_t limit) noexcept : max_output(limit) {}
    State(const State&) = delete;
    State& operator=(const State&) = delete;
    ~State() {
        if (initialized) inflateEnd(&zs);
    }

    [[noreturn]] void fail(std::string message) {
        phase = Phase::Failed;
        error = std::move(message);
        throw Error(error);
    }

    void start(Format detected) {
        format = detected;
        const int rc = inflateInit2(&zs, window_bits(format));
        if (rc != Z_OK) fail(std::string("gzip: inflateInit2 failed: ") + (zs.msg != nullptr ? zs.msg : zError(rc)));
        initialized = true;
        phase = Phase::Inflating;
    }

    void inflate_bytes(const unsigned char* p, std::size_t n, std::string& out);

    z_stream zs{};
    bool initialized = false;
    Format format = Format::Unknown;
    Phase phase = Phase::Start;
    unsigned char header[2] = {0, 0};
    std::size_t header_len = 0;
    std::size_t max_output;
    std::size_t total_in = 0;
    std::size_t total_out = 0;
    std::string error;
};

void GzipDecoder::State::inflate_bytes(const unsigned char* p, std::size_t n, std::string& out) {
    // inflate() may hold output back when the window fills: call it again,
    // even with no input left, until it leaves room unused.
    bool output_pending = false;
    while (n > 0 || output_pending) {
        if (phase == Phase::Ended) {
            if (n == 0) return;
            if (format != Format::Gzip) fail("gzip: data after the end of the deflate stream");
            inflateReset(&zs);  // the next gzip member; a non-member fails its header check
            phase = Phase::Inflating;
        }
        const std::size_t slice = std::min(n, kMaxSlice);
        const std::size_t budget = max_output - total_out;
        const std::size_t room = budget >= kWindow ? kWindow : budget + 1;
        const std::size_t old_size = out.size();
        out.resize(old_size + room);
        zs.next_in = p;
        zs.avail_in = static_cast<uInt>(slice);
        zs.next_out = reinterpret_cast<Bytef*>(out.data() + old_size);
        zs.avail_out = static_cast<uInt>(room);
        const int rc = inflate(&zs, Z_NO_FLUSH);
        const std::size_t consumed = slice - zs.avail_in;
        const std::size_t produced = room - zs.avail_out;
        p += consumed;
        n -= consumed;
        out.resize(old_size + produced);
        if (produced > budget) {
            out.resize(old_size + budget);
            total_out += budget;
            fail("gzip: decompressed body larger than max_output (" + std::to_string(max_output) + " bytes)");
        }
        total_out += produced;
        output_pending = zs.avail_out == 0;
        switch (rc) {
        case Z_OK: break;
        case Z_STREAM_END:
            phase = Phase::Ended;
            output_pending = false;
            break;
        case Z_BUF_ERROR:  // no progress possible: all input used, all output given
            return;
        case Z_NEED_DICT: fail("gzip: corrupt stream: it needs a preset dictionary");
        default: fail(std::string("gzip: corrupt stream: ") + (zs.msg != nullptr ? zs.msg : zError(rc)));
        }
    }
}

GzipDecoder::GzipDecoder(std::size_t max_output) : state_(std::make_unique<State>(max_output)) {}
GzipDecoder::GzipDecoder(GzipDecoder&&) noexcept = default;
GzipDecoder& GzipDecoder::operator=(GzipDecoder&&) noexcept = default;
GzipDecoder::~GzipDecoder() = default;

void GzipDecoder::feed(std::string_view compressed, std::string& out) {
    if (!state_) throw InvalidStateError("GzipDecoder: used after being moved from");
    State& s = *state_;
    if (s.phase == State::Phase::Failed) throw Error(s.error);
    const auto* p = reinterpret_cast<const unsigned char*>(compressed.data());
    std::size_t n = compressed.size();
    s.total_in += n;
    if (s.format == Format::Unknown) {
        while (n > 0 && s.header_len < 2) {
            s.header[s.header_len++] = *p++;
            --n;
        }
        if (s.header_len < 2) {
            if (s.header_len > 0) s.phase = State::Phase::Header;
            return;
        }
        s.start(detect(s.header[0], s.header[1]));
        s.inflate_bytes(s.header, 2, out);
    }
    s.inflate_bytes(p, n, out);
}

bool GzipDecoder::done() const noexcept { return state_ && state_->phase == State::Phase::Ended; }

void GzipDecoder::finish() {
    if (!state_) throw InvalidStateError("GzipDecoder: used after being moved from");
    State& s = *state_;
    switch (s.phase) {
    case State::Phase::Start:
    case State::Phase::Ended: return;
    case State::Phase::Failed: throw Error(s.error);
    default:
        s.fail("gzip: truncated stream: the input ended inside it, after " + std::to_string(s.total_in) +
               " compressed bytes");
    }
}

std::size_t GzipDecoder::total_in() const noexcept { return state_ ? state_->total_in : 0; }
std::size_t GzipDecoder::total_out() const noexcept { return state_ ? state_->total_out : 0; }
std::size_t GzipDecoder::max_output() const noexcept { return state_ ? state_->max_output : 0; }

std::string gzip_compress(std::string_view data, int level) {
    if (level < -1 || level > 9) throw Error("gzip_compress: level " + std::to_string(level) + " is not in -1..9");
    z_stream zs{};
    const int init = deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    if (init != Z_OK) throw Error(std::string("gzip_compress: deflateInit2 failed: ") + zError(init));
    struct End {
        z_stream& zs;
        ~End() { deflateEnd(&zs); }
    } end{zs};

    std::string out(deflateBound(&zs, static_cast<uLong>(data.size())), '\0');
    std::size_t written = 0;
    const auto* in = reinterpret_cast<const unsigned char*>(data.data());
    std::size_t left = data.size();
    while (true) {
        const std::size_t slice = std::min(left, kMaxSlice);
        zs.next_in = in;
        zs.avail_in = static_cast<uInt>(slice);
        const bool last = slice == left;
        while (true) {
            if (written == out.size()) out.resize(out.size() * 2 + 64);
            const std::size_t room = std::min(out.size() - written, kMaxSlice);
            zs.next_out = reinterpret_cast<Bytef*>(out.data() + written);
            zs.avail_out = static_cast<uInt>(room);
            const int rc = deflate(&zs, last ? Z_FINISH : Z_NO_FLUSH);
            written += room - zs.avail_out;
            if (rc == Z_STREAM_END) {
                out.resize(written);
                return out;
            }
            if (rc != Z_OK && rc != Z_BUF_ERROR) throw Error(std::string("gzip_compress: deflate failed: ") + zError(rc));
            if (!last && zs.avail_in == 0 && zs.avail_out != 0) break;
        }
        in += slice;
        left -= slice;
    }
}

}  // namespace agentio::http
