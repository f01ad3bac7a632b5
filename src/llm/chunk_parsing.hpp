// chunk_parsing.hpp (internal): the two ways ChunkParser reads a chunk.
//
// parse_chunk_fast is a strict one-pass reader for the common case: valid
// JSON whose fields ChunkParser reads have the expected types. It accepts a
// subset of what parse_chunk_simdjson accepts, and for every input it accepts
// it leaves the chunk exactly as parse_chunk_simdjson would; anything else
// (any error, a usage or error object, an escape it does not decode, a number
// that is not a plain integer, nesting deeper than it follows ...) makes it
// return false without throwing, and the caller then parses the same input
// with simdjson, which either reads it or throws the error that names the
// problem. So error messages and every unusual input keep one implementation.
// fuzz/llm_chunk_fuzz.cpp checks the two agree.
//
// Both read a padded copy of the input: `data` must be followed by
// kChunkPadding readable bytes (zeros for the fast path).
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include "agentio/llm/chat.hpp"

namespace agentio::llm::detail {

inline constexpr std::size_t kChunkPadding = simdjson::SIMDJSON_PADDING;

// Deltas a chunk did not need, kept with their buffers for later chunks.
struct DeltaSpares {
    std::vector<ChoiceDelta> choices;
    std::vector<ToolCallDelta> calls;
};

// The next unused element of `v` (used counts those taken), from the spares
// when there are any.
template <class T>
T& next_slot(std::vector<T>& v, std::size_t& used, std::vector<T>& spare) {
    if (used == v.size()) {
        if (spare.empty()) {
            v.emplace_back();
        } else {
            v.push_back(std::move(spare.back()));
            spare.pop_back();
        }
    }
    return v[used++];
}

// Moves the elements of `v` past `used` to the spares.
template <class T>
void trim(std::vector<T>& v, std::size_t used, std::vector<T>& spare) {
    while (v.size() > used) {
        spare.push_back(std::move(v.back()));
        v.pop_back();
    }
}

// True if it read the chunk into `out`; false to hand the input on (then
// `out` is valid but partly overwritten). Never throws but for bad_alloc.
bool parse_chunk_fast(std::string_view data, ChatChunk& out, DeltaSpares& spares);

// Reads the chunk or throws StreamError (malformed) or ApiError (an error
// event). `capacity` counts the padding.
void parse_chunk_simdjson(simdjson::ondemand::parser& parser, std::string_view data, std::size_t capacity,
                          ChatChunk& out, DeltaSpares& spares);

}  // namespace agentio::llm::detail
