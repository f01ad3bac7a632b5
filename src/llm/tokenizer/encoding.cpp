// encoding.cpp: the built-in encodings, their data, and which model uses which.

#include "agentio/llm/tokenizer.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "agentio/core/errors.hpp"
#include "merge.hpp"
#include "ranks.hpp"
#include "split.hpp"

// The rank files, linked in byte for byte (AGENTIO_TOKENIZER_DATA is set by
// CMake to data/tokenizer).
#define AGENTIO_EMBED_RANKS(symbol, file)                                      \
    asm(".pushsection .rodata\n"                                               \
        ".balign 16\n"                                                         \
        ".global " #symbol "\n"                                                \
        ".hidden " #symbol "\n" #symbol ":\n"                                  \
        ".incbin \"" AGENTIO_TOKENIZER_DATA "/" file "\"\n"                    \
        ".global " #symbol "_end\n"                                            \
        ".hidden " #symbol "_end\n" #symbol "_end:\n"                          \
        ".popsection\n");                                                      \
    extern "C" const unsigned char symbol[];                                   \
    extern "C" const unsigned char symbol##_end[];

AGENTIO_EMBED_RANKS(agentio_o200k_base_ranks, "o200k_base.ranks.z")
AGENTIO_EMBED_RANKS(agentio_cl100k_base_ranks, "cl100k_base.ranks.z")

namespace agentio::llm {

using tokenizer::Rank;
using tokenizer::RankTable;

struct Encoding::Tables {
    RankTable ranks;
    std::size_t (*piece_end)(std::string_view, std::size_t) noexcept;
    std::vector<std::pair<Token, std::string_view>> special;  // ids above the ranks, and their text

    template <class OnPiece>
    void for_each_piece(std::string_view text, OnPiece on_piece) const {
        for (std::size_t pos = 0; pos < text.size();) {
            const std::size_t end = piece_end(text, pos);
            on_piece(text.substr(pos, end - pos));
            pos = end;
        }
    }
};

namespace {

std::span<const unsigned char> between(const unsigned char* begin, const unsigned char* end) {
    return {begin, static_cast<std::size_t>(end - begin)};
}

}  // namespace

Encoding::Encoding(Kind kind) : kind_(kind), name_(kind == Kind::o200k_base ? "o200k_base" : "cl100k_base") {}
Encoding::~Encoding() = default;

const Encoding& Encoding::o200k_base() {
    static const Encoding encoding(Kind::o200k_base);
    return encoding;
}

const Encoding& Encoding::cl100k_base() {
    static const Encoding encoding(Kind::cl100k_base);
    return encoding;
}

const Encoding::Tables& Encoding::tables() const {
    std::call_once(built_, [this] {
        if (kind_ == Kind::o200k_base) {
            tables_.reset(new Tables{
                RankTable(name_, between(agentio_o200k_base_ranks, agentio_o200k_base_ranks_end)),
                &tokenizer::o200k_piece_end,
                {{199999, "<|endoftext|>"}, {200018, "<|endofprompt|>"}}});
        } else {
            tables_.reset(new Tables{
                RankTable(name_, between(agentio_cl100k_base_ranks, agentio_cl100k_base_ranks_end)),
                &tokenizer::cl100k_piece_end,
                {{100257, "<|endoftext|>"},
                 {100258, "<|fim_prefix|>"},
                 {100259, "<|fim_middle|>"},
                 {100260, "<|fim_suffix|>"},
                 {100276, "<|endofprompt|>"}}});
        }
    });
    return *tables_;
}

std::vector<Token> Encoding::encode(std::string_view text) const {
    const Tables& t = tables();
    std::vector<Token> out;
    out.reserve(text.size() / 4 + 1);
    t.for_each_piece(text, [&](std::string_view piece) {
        const Rank whole = t.ranks.find(piece);
        if (whole != tokenizer::kNoRank) out.push_back(whole);
        else tokenizer::merge_piece(t.ranks, piece, out);
    });
    return out;
}

std::size_t Encoding::count(std::string_view text) const {
    const Tables& t = tables();
    std::size_t count = 0;
    std::vector<Rank> merged;  // reused for the pieces that are not one token
    t.for_each_piece(text, [&](std::string_view piece) {
        if (t.ranks.find(piece) != tokenizer::kNoRank) {
            ++count;
            return;
        }
        merged.clear();
        tokenizer::merge_piece(t.ranks, piece, merged);
        count += merged.size();
    });
    return count;
}

std::string_view Encoding::token_bytes(Token token) const {
    const Tables& t = tables();
    if (token < t.ranks.size()) return t.ranks.bytes_of(token);
    const auto special = std::find_if(t.special.begin(), t.special.end(), [&](const auto& s) { return s.first == token; });
    if (special == t.special.end())
        throw Error("tokenizer: " + std::to_string(token) + " is not a token of " + std::string(name_));
    return special->second;
}

std::string Encoding::decode(std::span<const Token> tokens) const {
    std::string out;
    for (const Token token : tokens) out += token_bytes(token);
    return out;
}

std::size_t Encoding::vocabulary_size() const { return tables().ranks.size(); }

// As tiktoken's model.py has it: exact names first, then the prefixes of
// dated, fine-tuned and preview names.
const Encoding* Encoding::find_for_model(std::string_view model) {
    static constexpr std::array<std::pair<std::string_view, Kind>, 11> kExact{{
        {"gpt-4", Kind::cl100k_base},
        {"gpt-3.5-turbo", Kind::cl100k_base},
        {"gpt-3.5", Kind::cl100k_base},
        {"gpt-35-turbo", Kind::cl100k_base},
        {"davinci-002", Kind::cl100k_base},
        {"babbage-002", Kind::cl100k_base},
        {"text-embedding-ada-002", Kind::cl100k_base},
        {"text-embedding-3-small", Kind::cl100k_base},
        {"text-embedding-3-large", Kind::cl100k_base},
        {"o1", Kind::o200k_base},
        {"o3", Kind::o200k_base},
    }};
    // Longer prefixes first where one begins another ("gpt-4o" before "gpt-4").
    static constexpr std::array<std::pair<std::string_view, Kind>, 17> kPrefix{{
        {"ft:gpt-4o", Kind::o200k_base},
        {"ft:gpt-4", Kind::cl100k_base},
        {"ft:gpt-3.5-turbo", Kind::cl100k_base},
        {"ft:davinci-002", Kind::cl100k_base},
        {"ft:babbage-002", Kind::cl100k_base},
        {"gpt-4o", Kind::o200k_base},
        {"gpt-4.1", Kind::o200k_base},
        {"gpt-4.5", Kind::o200k_base},
        {"gpt-5", Kind::o200k_base},
        {"gpt-oss", Kind::o200k_base},  // o200k_harmony: o200k_base's ranks, more special tokens
        {"chatgpt-4o", Kind::o200k_base},
        {"o1-", Kind::o200k_base},
        {"o3-", Kind::o200k_base},
        {"o4-mini", Kind::o200k_base},
        {"gpt-4-", Kind::cl100k_base},
        {"gpt-3.5-turbo-", Kind::cl100k_base},
        {"gpt-35-turbo-", Kind::cl100k_base},
    }};
    const auto encoding_of = [](Kind kind) { return kind == Kind::o200k_base ? &o200k_base() : &cl100k_base(); };
    for (const auto& [name, kind] : kExact)
        if (model == name) return encoding_of(kind);
    for (const auto& [prefix, kind] : kPrefix)
        if (model.starts_with(prefix)) return encoding_of(kind);
    return nullptr;
}

const Encoding& Encoding::for_model(std::string_view model) {
    const Encoding* encoding = find_for_model(model);
    return encoding != nullptr ? *encoding : o200k_base();
}

}  // namespace agentio::llm
