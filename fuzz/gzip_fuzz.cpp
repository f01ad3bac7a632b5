// gzip_fuzz.cpp: GzipDecoder on arbitrary bytes never crashes and never
// returns more than max_output bytes.
//
// Input: one control byte, then the compressed body. The body is decoded in
// one feed and in pieces sized by the control byte, with a max_output the
// control byte picks: both runs must agree on success, agree on the output
// when they succeed, and otherwise one output must be a prefix of the other.
// The body is also compressed with gzip_compress and must decode back to
// itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "agentio/core/errors.hpp"
#include "agentio/http/gzip.hpp"

using agentio::http::GzipDecoder;

namespace {

struct Outcome {
    std::string out;
    bool failed = false;
};

Outcome decode(std::string_view body, std::size_t max_output, std::size_t piece) {
    GzipDecoder decoder(max_output);
    Outcome outcome;
    try {
        while (!body.empty()) {
            const std::size_t size = piece == 0 || piece > body.size() ? body.size() : piece;
            decoder.feed(body.substr(0, size), outcome.out);
            body.remove_prefix(size);
        }
        decoder.finish();
    } catch (const agentio::Error&) {
        outcome.failed = true;
    }
    if (outcome.out.size() > max_output || decoder.total_out() != outcome.out.size()) std::abort();
    return outcome;
}

bool is_prefix(const std::string& a, const std::string& b) { return b.compare(0, a.size(), a) == 0; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t control = data[0];
    const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
    const std::size_t max_output = (control & 0x80) != 0 ? std::size_t{1} << 20 : static_cast<std::size_t>(control & 0x7f) * 64;

    const Outcome whole = decode(body, max_output, 0);
    const Outcome pieces = decode(body, max_output, (control & 0x0f) + 1u);
    if (whole.failed != pieces.failed) std::abort();
    if (!whole.failed && whole.out != pieces.out) std::abort();
    if (!is_prefix(whole.out, pieces.out) && !is_prefix(pieces.out, whole.out)) std::abort();

    const std::string compressed = agentio::http::gzip_compress(body, control % 10);
    GzipDecoder decoder(body.size());
    std::string back;
    decoder.feed(compressed, back);
    decoder.finish();
    if (back != body) std::abort();
    return 0;
}
