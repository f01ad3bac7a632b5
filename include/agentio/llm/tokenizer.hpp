// tokenizer.hpp: exact token counts for OpenAI's models, the ids tiktoken gives.
//
//     const llm::Encoding& encoding = llm::Encoding::for_model("gpt-4o-mini");  // o200k_base
//     std::size_t n = encoding.count("How many tokens is this?");              // 6
//     std::vector<llm::Token> ids = encoding.encode("hello world");            // {24912, 2375}
//     std::string text = encoding.decode(ids);                                  // "hello world"
//
// An encoding cuts text into pieces with its pattern and merges each piece's
// bytes by rank (byte-pair encoding). Two are built in: o200k_base (GPT-4o,
// GPT-4.1, GPT-4.5, GPT-5, the o-series) and cl100k_base (GPT-4, GPT-3.5,
// text-embedding-3). Their ranks are those of the npm `tiktoken` package
// 1.0.22 (MIT), kept compressed in data/tokenizer and linked into the library.
//
// - encode() gives the ids tiktoken's encode_ordinary() gives, for any valid
//   UTF-8: special tokens such as "<|endoftext|>" are read as the text they
//   are, never as control tokens. Bytes that are not UTF-8 (tiktoken never
//   sees them) are read as punctuation, one invalid sequence at a time.
// - Time grows as n log n with the text whatever it holds: a million spaces
//   or one digit-free word of a megabyte costs no more per byte than prose.
// - An encoding's tables (about 8 MB for o200k_base) are built on its first
//   use, once, safely from any thread; after that every call is const and
//   thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace agentio::llm {

using Token = std::uint32_t;

class Encoding {
public:
    static const Encoding& o200k_base();
    static const Encoding& cl100k_base();
    // The encoding tiktoken gives `model`, by exact name or by the prefix of a
    // dated or fine-tuned name ("gpt-4o-2024-08-06", "ft:gpt-4o-mini:org::id"),
    // or nullptr for a model tiktoken does not know (a local or simulated one).
    static const Encoding* find_for_model(std::string_view model);
    // find_for_model(model), or o200k_base for a model it does not know: the
    // encoding of OpenAI's current models is the best guess for another's.
    static const Encoding& for_model(std::string_view model);

    std::string_view name() const noexcept { return name_; }
    std::vector<Token> encode(std::string_view text) const;
    // encode(text).size(), without building the vector.
    std::size_t count(std::string_view text) const;
    // The bytes of `tokens` (which need not end on a character boundary).
    // Throws agentio::Error naming an id that is not in the encoding.
    std::string decode(std::span<const Token> tokens) const;
    // The bytes of one token, as tiktoken's decode_single_token_bytes: a view
    // into the encoding's tables, valid for the program's life. Throws as
    // decode() does.
    std::string_view token_bytes(Token token) const;
    // The ids 0 .. vocabulary_size() - 1 are the mergeable tokens; the special
    // tokens sit above them.
    std::size_t vocabulary_size() const;

    Encoding(const Encoding&) = delete;
    Encoding& operator=(const Encoding&) = delete;
    ~Encoding();

private:
    enum class Kind { o200k_base, cl100k_base };
    struct Tables;  // the ranks and the split pattern, built on first use

    explicit Encoding(Kind kind);
    const Tables& tables() const;

    Kind kind_;
    std::string_view name_;
    mutable std::once_flag built_;
    mutable std::unique_ptr<const Tables> tables_;
};

}  // namespace agentio::llm
