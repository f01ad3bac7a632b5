// llm_chunk_fuzz.cpp: ChunkParser never crashes, reusing it changes nothing,
// and its fast path agrees with its simdjson path.
//
// The input is one event's data. It is parsed by a long-lived parser into a
// long-lived chunk (so every input starts from the state the previous one
// left, as in a stream) and by a fresh parser into a fresh chunk: both must
// succeed with the same chunk or fail with the same kind of error. The only
// errors allowed are StreamError and ApiError (an error event), with a
// bounded message. Every chunk parsed is also fed to a StreamAccumulator.
//
// The two paths (src/llm/chunk_parsing.hpp): whenever the fast path accepts
// an input, the simdjson path must accept it too and leave the same chunk.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "agentio/llm/stream_accumulator.hpp"
#include "agentio/llm/wire.hpp"
#include "llm/chunk_parsing.hpp"

namespace llm = agentio::llm;

namespace {

enum class Outcome { Parsed, StreamError, ApiError };

bool same_usage(const std::optional<llm::Usage>& a, const std::optional<llm::Usage>& b) { return a == b; }

bool same(const llm::ChatChunk& a, const llm::ChatChunk& b) {
    if (a.id != b.id || a.model != b.model || a.created != b.created || a.system_fingerprint != b.system_fingerprint ||
        !same_usage(a.usage, b.usage) || a.choices.size() != b.choices.size())
        return false;
    for (std::size_t i = 0; i < a.choices.size(); ++i) {
        const llm::ChoiceDelta& x = a.choices[i];
        const llm::ChoiceDelta& y = b.choices[i];
        if (x.index != y.index || x.role != y.role || x.content != y.content || x.refusal != y.refusal ||
            x.finish_reason != y.finish_reason || x.tool_calls.size() != y.tool_calls.size())
            return false;
        for (std::size_t k = 0; k < x.tool_calls.size(); ++k) {
            const llm::ToolCallDelta& p = x.tool_calls[k];
            const llm::ToolCallDelta& q = y.tool_calls[k];
            if (p.index != q.index || p.id != q.id || p.name != q.name || p.arguments != q.arguments) return false;
        }
    }
    return true;
}

Outcome parse(llm::ChunkParser& parser, std::string_view data, llm::ChatChunk& chunk) {
    try {
        parser.parse(data, chunk);
        return Outcome::Parsed;
    } catch (const llm::ApiError& e) {
        if (e.status() != 0) std::abort();
        return Outcome::ApiError;
    } catch (const llm::StreamError& e) {
        if (std::string_view(e.what()).size() > 1200) std::abort();
        return Outcome::StreamError;
    }
}

// The fast path on its own, then the simdjson path on its own.
void check_paths_agree(std::string_view text) {
    namespace detail = llm::detail;
    std::string padded(text);
    padded.append(detail::kChunkPadding, '\0');
    const std::string_view data(padded.data(), text.size());
    llm::ChatChunk fast_chunk;
    detail::DeltaSpares fast_spares;
    if (!detail::parse_chunk_fast(data, fast_chunk, fast_spares)) return;
    simdjson::ondemand::parser parser;
    llm::ChatChunk slow_chunk;
    detail::DeltaSpares slow_spares;
    try {
        detail::parse_chunk_simdjson(parser, data, padded.size(), slow_chunk, slow_spares);
    } catch (...) {
        std::abort();  // the fast path accepted what simdjson refuses
    }
    if (!same(fast_chunk, slow_chunk)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static llm::ChunkParser reused_parser;
    static llm::ChatChunk reused_chunk;
    static llm::StreamAccumulator accumulator;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    check_paths_agree(text);

    const Outcome reused = parse(reused_parser, text, reused_chunk);
    llm::ChunkParser fresh_parser;
    llm::ChatChunk fresh_chunk;
    const Outcome fresh = parse(fresh_parser, text, fresh_chunk);
    if (reused != fresh) std::abort();
    if (fresh == Outcome::Parsed) {
        if (!same(reused_chunk, fresh_chunk)) std::abort();
        accumulator.add(fresh_chunk);
        if (accumulator.response().choices.size() > 64) (void)accumulator.take();
    }
    return 0;
}
