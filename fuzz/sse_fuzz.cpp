// sse_fuzz.cpp: the SSE decoder's events do not depend on how the bytes are split.
//
// Input: one control byte, then the stream. The stream is decoded in one feed,
// then in pieces whose sizes come from the control byte (and byte by byte when
// short); the events, the error if any, the last event id and the retry must
// be the same every time. The high bit of the control byte selects small
// limits, so that the limit paths are split too. Every event decoded must also
// survive write_sse_event and a fresh decoder unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agentio/core/errors.hpp"
#include "agentio/http/sse.hpp"

using agentio::http::SseDecoder;
using agentio::http::SseEvent;
using agentio::http::SseLimits;

namespace {

struct Outcome {
    std::vector<SseEvent> events;
    bool failed = false;
    std::string last_event_id;
    std::optional<std::chrono::milliseconds> retry;
    bool operator==(const Outcome&) const = default;
};

void drain(SseDecoder& decoder, Outcome& outcome) {
    while (auto event = decoder.next()) outcome.events.push_back(std::move(*event));
}

// piece_size(i) is the size of the i-th piece; 0 means "all the rest".
template <class PieceSize>
Outcome decode(std::string_view stream, SseLimits limits, PieceSize piece_size) {
    SseDecoder decoder(limits);
    Outcome outcome;
    try {
        for (std::size_t i = 0; !stream.empty(); ++i) {
            std::size_t size = piece_size(i);
            if (size == 0 || size > stream.size()) size = stream.size();
            decoder.feed(stream.substr(0, size));
            stream.remove_prefix(size);
            drain(decoder, outcome);
        }
    } catch (const agentio::Error&) {
        outcome.failed = true;
    }
    decoder.finish();
    drain(decoder, outcome);
    outcome.last_event_id = decoder.last_event_id();
    outcome.retry = decoder.retry();
    return outcome;
}

void check_round_trip(const SseEvent& event) {
    std::string wire;
    agentio::http::write_sse_event(event, wire);
    constexpr std::size_t kNoLimit = std::numeric_limits<std::size_t>::max();
    SseDecoder decoder(SseLimits{.max_line_bytes = kNoLimit, .max_event_bytes = kNoLimit});
    decoder.feed(wire);
    decoder.finish();
    const auto back = decoder.next();
    if (!back || *back != event || decoder.next()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t control = data[0];
    const std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);
    const SseLimits limits = (control & 0x80) != 0 ? SseLimits{.max_line_bytes = 24, .max_event_bytes = 64} : SseLimits{};

    const Outcome whole = decode(stream, limits, [](std::size_t) { return std::size_t{0}; });
    std::uint32_t state = control * 2654435761u + 1;
    const std::size_t max_piece = (control & 0x3f) + 1u;
    const Outcome pieces = decode(stream, limits, [&](std::size_t) {
        state = state * 1664525u + 1013904223u;
        return std::size_t{1} + (state >> 16) % max_piece;
    });
    if (pieces != whole) std::abort();
    if (stream.size() <= 4096) {
        const Outcome bytes = decode(stream, limits, [](std::size_t) { return std::size_t{1}; });
        if (bytes != whole) std::abort();
    }
    for (const auto& event : whole.events) check_round_trip(event);
    return 0;
}
