// http_fuzz.cpp: fuzz target for the HTTP/1.1 codec (agentio/http/parser.hpp).
//
// Input layout: byte 0 picks the parser (request head, response head, chunked
// body), byte 1 picks default or tiny limits (bit 0), the method a response
// answers (bits 1-2) and Limits::lenient (bit 3), bytes 2..5 seed the split
// positions, the rest is the message.
//
// Besides "no crash, no sanitizer report", it checks the contracts the
// client and server rely on:
// - heads: consumed <= size; every proper prefix of a head that parsed needs
//   more bytes (never a different answer); a parsed head re-serializes and
//   re-parses, strictly, to the same fields; what the strict parser accepts
//   the lenient one accepts the same way; framing either answers or throws a
//   ParseError with a 4xx/5xx status;
// - chunked: consumed <= size, data is a sub-span of the consumed input, a
//   step without data takes all its input (so loops advance), feeding in
//   random splits gives exactly the one-shot result (body, end, error), and
//   a body the strict decoder takes decodes the same way leniently.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "agentio/http/parser.hpp"

using namespace agentio::http;

#define CHECK(condition)                                                                              \
    do {                                                                                              \
        if (!(condition)) {                                                                           \
            std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition); \
            std::abort();                                                                             \
        }                                                                                             \
    } while (0)

namespace {

Limits pick_limits(std::uint8_t selector) {
    Limits limits;
    limits.lenient = (selector & 8) != 0;
    if (selector & 1) {
        limits.max_start_line = 40;
        limits.max_head_bytes = 160;
        limits.max_headers = 4;
        limits.max_body = 100;
        limits.max_chunk_line = 12;
    }
    return limits;
}

void check_status(const ParseError& error) { CHECK(error.status() >= 400 && error.status() <= 505); }

std::optional<std::size_t> parse(std::string_view bytes, RequestHead& head, const Limits& limits) {
    return parse_request_head(bytes, head, limits);
}
std::optional<std::size_t> parse(std::string_view bytes, ResponseHead& head, const Limits& limits) {
    return parse_response_head(bytes, head, limits);
}
void write(const RequestHead& head, std::string& out) { write_request_head(head, out); }
void write(const ResponseHead& head, std::string& out) { write_response_head(head, out); }
void frame(const RequestHead& head, std::string_view, const Limits& limits) { request_framing(head, limits); }
void frame(const ResponseHead& head, std::string_view method, const Limits& limits) {
    response_framing(method, head, limits);
}
void expect_reason(ResponseHead& head) {
    if (head.reason.empty()) head.reason = std::string(reason_phrase(head.status));
}
void expect_reason(RequestHead&) {}

template <class Head>
void check_head(std::string_view input, const Limits& limits, std::string_view method) {
    Head head;
    std::optional<std::size_t> used;
    try {
        used = parse(input, head, limits);
    } catch (const ParseError& error) {
        check_status(error);
        return;
    }
    if (!used) return;
    CHECK(*used <= input.size() && *used > 0);

    // Prefixes: all of them for small heads, a sample for big ones.
    const std::size_t stride = *used <= 512 ? 1 : *used / 256;
    for (std::size_t prefix = 0; prefix < *used; prefix += stride) {
        Head partial;
        CHECK(!parse(input.substr(0, prefix), partial, limits).has_value());
    }
    Head again;
    CHECK(parse(input.substr(0, *used), again, limits) == used);
    CHECK(again == head);
    if (!limits.lenient) {
        Limits lenient = limits;
        lenient.lenient = true;
        Head relaxed;
        CHECK(parse(input, relaxed, lenient) == used);
        CHECK(relaxed == head);
    }

    try {
        frame(head, method, limits);
    } catch (const ParseError& error) {
        check_status(error);
    }

    std::string bytes;
    write(head, bytes);  // a parsed head is always writable: no catch
    Head reparsed;
    const auto reused = parse(bytes, reparsed, Limits{});
    CHECK(reused == bytes.size());
    expect_reason(head);
    CHECK(reparsed == head);
}

struct ChunkedOutcome {
    std::string body;
    std::size_t consumed = 0;
    bool done = false;
    int error = 0;  // ParseError status, 0 if none

    bool operator==(const ChunkedOutcome&) const = default;
};

// One step, with the contract checked.
ChunkedDecoder::Result step(ChunkedDecoder& decoder, std::string_view input) {
    const auto result = decoder.feed(input);
    CHECK(result.consumed <= input.size());
    CHECK(result.data.size() <= result.consumed);
    if (!result.data.empty()) {
        CHECK(result.data.data() >= input.data());
        CHECK(result.data.data() + result.data.size() <= input.data() + result.consumed);
    } else if (!result.done) {
        CHECK(result.consumed == input.size());
    }
    CHECK(result.done == decoder.done());
    return result;
}

ChunkedOutcome decode_at_once(std::string_view input, const Limits& limits) {
    ChunkedDecoder decoder(limits);
    ChunkedOutcome out;
    try {
        while (!input.empty() && !decoder.done()) {
            const auto result = step(decoder, input);
            out.body.append(result.data);
            out.consumed += result.consumed;
            input.remove_prefix(result.consumed);
        }
    } catch (const ParseError& error) {
        check_status(error);
        out.error = error.status();
        out.consumed = 0;  // how far steps got before the error depends on the splits
    }
    out.done = decoder.done();
    if (out.done) CHECK(decoder.feed("0\r\n\r\n").consumed == 0);
    CHECK(decoder.body_bytes() == out.body.size());
    CHECK(out.body.size() <= limits.max_body);
    return out;
}

// The same input in pieces whose sizes come from `seed`, as reads would
// deliver them; unconsumed bytes stay pending in front of the next piece.
ChunkedOutcome decode_in_pieces(std::string_view input, const Limits& limits, std::uint32_t seed) {
    ChunkedDecoder decoder(limits);
    ChunkedOutcome out;
    std::string pending;
    try {
        while (!input.empty() && !decoder.done()) {
            seed = seed * 1103515245u + 12345u;
            const std::size_t piece = 1 + (seed >> 16) % 17;
            pending.append(input.substr(0, piece));
            input.remove_prefix(std::min(piece, input.size()));
            std::string_view view = pending;
            while (!view.empty() && !decoder.done()) {
                const auto result = step(decoder, view);
                out.body.append(result.data);
                out.consumed += result.consumed;
                view.remove_prefix(result.consumed);
            }
            pending.erase(0, pending.size() - view.size());
        }
    } catch (const ParseError& error) {
        out.error = error.status();
        out.consumed = 0;
    }
    out.done = decoder.done();
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 6) return 0;
    const std::uint8_t which = data[0] % 3;
    const Limits limits = pick_limits(data[1]);
    const std::uint32_t seed = static_cast<std::uint32_t>(data[2]) | static_cast<std::uint32_t>(data[3]) << 8 |
                               static_cast<std::uint32_t>(data[4]) << 16 | static_cast<std::uint32_t>(data[5]) << 24;
    const std::string_view input(reinterpret_cast<const char*>(data) + 6, size - 6);
    static constexpr std::string_view kMethods[] = {"GET", "HEAD", "CONNECT", "POST"};
    const std::string_view method = kMethods[(data[1] >> 1) % 4];
    switch (which) {
        case 0: check_head<RequestHead>(input, limits, method); break;
        case 1: check_head<ResponseHead>(input, limits, method); break;
        default: {
            const ChunkedOutcome whole = decode_at_once(input, limits);
            const ChunkedOutcome split = decode_in_pieces(input, limits, seed);
            CHECK(whole == split);
            if (!limits.lenient && whole.error == 0) {
                Limits lenient = limits;
                lenient.lenient = true;
                CHECK(decode_at_once(input, lenient) == whole);
            }
            break;
        }
    }
    return 0;
}
