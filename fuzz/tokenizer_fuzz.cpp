// tokenizer_fuzz: llm::Encoding on arbitrary bytes, UTF-8 or not.
//
// Invariants, in both encodings: decoding the ids gives back the input byte
// for byte; count() equals the number of ids; every id is in the vocabulary;
// and each piece the split pattern cuts merges to the same tokens by the heap
// (long pieces' way) as by the rescanning loop (short pieces' way).
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "agentio/llm/tokenizer.hpp"
#include "llm/tokenizer/merge.hpp"
#include "llm/tokenizer/ranks.hpp"
#include "llm/tokenizer/split.hpp"

// The rank data linked into the library (src/llm/tokenizer/encoding.cpp).
extern "C" const unsigned char agentio_o200k_base_ranks[];
extern "C" const unsigned char agentio_o200k_base_ranks_end[];

namespace {

using namespace agentio::llm;

const tokenizer::RankTable& o200k_ranks() {
    static const tokenizer::RankTable table(
        "o200k_base", {agentio_o200k_base_ranks, static_cast<std::size_t>(agentio_o200k_base_ranks_end - agentio_o200k_base_ranks)});
    return table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (const Encoding* encoding : {&Encoding::o200k_base(), &Encoding::cl100k_base()}) {
        const std::vector<Token> ids = encoding->encode(text);
        if (encoding->decode(ids) != text) std::abort();
        if (encoding->count(text) != ids.size()) std::abort();
        for (const Token id : ids)
            if (id >= encoding->vocabulary_size()) std::abort();
    }
    const tokenizer::RankTable& ranks = o200k_ranks();
    for (std::size_t pos = 0; pos < text.size();) {
        const std::size_t end = tokenizer::o200k_piece_end(text, pos);
        if (end <= pos || end > text.size()) std::abort();
        const std::string_view piece = text.substr(pos, end - pos);
        // Pieces long enough to take the heap are compared on the short way's ground only.
        if (piece.size() >= 2 && piece.size() <= tokenizer::kLongPiece && ranks.find(piece) == tokenizer::kNoRank) {
            std::vector<tokenizer::Rank> rescanned, heaped;
            tokenizer::merge_piece(ranks, piece, rescanned);
            tokenizer::merge_long_piece(ranks, piece, heaped);
            if (rescanned != heaped) std::abort();
        }
        pos = end;
    }
    return 0;
}
