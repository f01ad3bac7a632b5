// The tokenizer's promises that do not need tiktoken beside it; the test that
// holds every id to tiktoken's is tests/tokenizer/compare.test.mjs.
#include "agentio/llm/tokenizer.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "agentio/core/errors.hpp"

namespace {

using agentio::llm::Encoding;
using agentio::llm::Token;

TEST(TokenizerTest, KnownTextsGiveTiktokensIds) {
    EXPECT_EQ(Encoding::o200k_base().encode("hello world"), (std::vector<Token>{24912, 2375}));
    EXPECT_EQ(Encoding::cl100k_base().encode("hello world"), (std::vector<Token>{15339, 1917}));
    EXPECT_EQ(Encoding::o200k_base().encode("How many tokens is this?"),
              (std::vector<Token>{5299, 1991, 20290, 382, 495, 30}));
    EXPECT_EQ(Encoding::o200k_base().encode("I'll"), (std::vector<Token>{67504}));
    EXPECT_EQ(Encoding::cl100k_base().encode("I'll"), (std::vector<Token>{40, 3358}));
    EXPECT_TRUE(Encoding::o200k_base().encode("").empty());
    EXPECT_EQ(Encoding::o200k_base().count(""), 0u);
}

TEST(TokenizerTest, CountIsTheNumberOfIds) {
    const std::string text = "Exact counts: 1234567 tokens, 中文, 🙂, and   spaces\n\n";
    for (const Encoding* encoding : {&Encoding::o200k_base(), &Encoding::cl100k_base()})
        EXPECT_EQ(encoding->count(text), encoding->encode(text).size()) << encoding->name();
}

TEST(TokenizerTest, SpecialTokensInTextAreReadAsText) {
    const Encoding& encoding = Encoding::o200k_base();
    EXPECT_EQ(encoding.encode("<|endoftext|>"), (std::vector<Token>{27, 91, 419, 1440, 919, 91, 29}));
    const std::vector<Token> special{199999};
    EXPECT_EQ(encoding.decode(special), "<|endoftext|>");
    const std::vector<Token> fim{100258};
    EXPECT_EQ(Encoding::cl100k_base().decode(fim), "<|fim_prefix|>");
}

TEST(TokenizerTest, DecodeGivesBackEveryByteEvenOfTextThatIsNotUtf8) {
    std::mt19937 random(7);
    for (int i = 0; i < 200; ++i) {
        std::string bytes(static_cast<std::size_t>(random() % 300), '\0');
        for (char& c : bytes) c = static_cast<char>(random());
        for (const Encoding* encoding : {&Encoding::o200k_base(), &Encoding::cl100k_base()})
            EXPECT_EQ(encoding->decode(encoding->encode(bytes)), bytes) << encoding->name();
    }
}

TEST(TokenizerTest, EachTokensBytesAreItsPartOfTheText) {
    const Encoding& encoding = Encoding::o200k_base();
    EXPECT_EQ(encoding.token_bytes(24912), "hello");
    EXPECT_EQ(encoding.token_bytes(2375), " world");
    // A token may end inside a character: the bytes of the ids, joined, are the text.
    const std::string text = "naïve 日本語 🙂 <|endoftext|>";
    std::string joined;
    for (const Token token : encoding.encode(text)) joined += encoding.token_bytes(token);
    EXPECT_EQ(joined, text);
    EXPECT_THROW((void)encoding.token_bytes(static_cast<Token>(encoding.vocabulary_size() + 1000)), agentio::Error);
}

TEST(TokenizerTest, AnIdOutsideTheEncodingIsAnErrorNamingIt) {
    const std::vector<Token> ids{15339, 150000};
    try {
        Encoding::cl100k_base().decode(ids);
        ADD_FAILURE() << "150000 was decoded by cl100k_base";
    } catch (const agentio::Error& e) {
        EXPECT_NE(std::string(e.what()).find("150000 is not a token of cl100k_base"), std::string::npos) << e.what();
    }
}

TEST(TokenizerTest, ModelsMapToEncodingsAsTiktokenMapsThem) {
    const auto name_for = [](std::string_view model) -> std::string {
        const Encoding* encoding = Encoding::find_for_model(model);
        return encoding != nullptr ? std::string(encoding->name()) : "none";
    };
    EXPECT_EQ(name_for("gpt-4o"), "o200k_base");
    EXPECT_EQ(name_for("gpt-4o-mini-2024-07-18"), "o200k_base");
    EXPECT_EQ(name_for("gpt-4.1-nano"), "o200k_base");
    EXPECT_EQ(name_for("gpt-5"), "o200k_base");
    EXPECT_EQ(name_for("gpt-5-mini"), "o200k_base");
    EXPECT_EQ(name_for("o1"), "o200k_base");
    EXPECT_EQ(name_for("o3-mini"), "o200k_base");
    EXPECT_EQ(name_for("o4-mini-2025-04-16"), "o200k_base");
    EXPECT_EQ(name_for("chatgpt-4o-latest"), "o200k_base");
    EXPECT_EQ(name_for("ft:gpt-4o-mini:acme::abc123"), "o200k_base");
    EXPECT_EQ(name_for("gpt-4"), "cl100k_base");
    EXPECT_EQ(name_for("gpt-4-0613"), "cl100k_base");
    EXPECT_EQ(name_for("gpt-4-turbo"), "cl100k_base");
    EXPECT_EQ(name_for("gpt-3.5-turbo-0125"), "cl100k_base");
    EXPECT_EQ(name_for("gpt-35-turbo"), "cl100k_base");
    EXPECT_EQ(name_for("ft:gpt-3.5-turbo:acme::x"), "cl100k_base");
    EXPECT_EQ(name_for("text-embedding-3-small"), "cl100k_base");
    EXPECT_EQ(name_for("llama-3.1-8b"), "none");
    EXPECT_EQ(name_for("sim-1"), "none");
    EXPECT_EQ(Encoding::for_model("llama-3.1-8b").name(), "o200k_base");
}

TEST(TokenizerTest, TheVocabulariesHaveTheirKnownSizes) {
    EXPECT_EQ(Encoding::o200k_base().vocabulary_size(), 199998u);
    EXPECT_EQ(Encoding::cl100k_base().vocabulary_size(), 100256u);
}

}  // namespace
