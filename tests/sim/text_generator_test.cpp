// sim::TextGenerator: one word per token with its leading space, sentences,
// and the same text for the same seed.
#include <agentio/sim/text_generator.hpp>
#include <gtest/gtest.h>

#include <algorithm>

using namespace agentio;

namespace {

std::vector<std::string> tokens(std::uint64_t seed, int count, bool complete) {
    sim::TextGenerator generator(seed, count, complete);
    std::vector<std::string> out;
    while (!generator.done()) {
        std::string token;
        generator.append_next(token);
        out.push_back(token);
    }
    return out;
}

bool in_vocabulary(std::string word) {
    while (!word.empty() && word.back() == '.') word.pop_back();
    if (!word.empty()) word[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(word[0])));
    const auto words = sim::TextGenerator::vocabulary();
    return std::find(words.begin(), words.end(), word) != words.end();
}

TEST(TextGeneratorTest, EachTokenIsOneVocabularyWordWithItsLeadingSpace) {
    const std::vector<std::string> out = tokens(11, 200, true);
    ASSERT_EQ(out.size(), 200u);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const std::string& token = out[i];
        EXPECT_EQ(token.front() == ' ', i > 0) << token;
        const std::string word = i > 0 ? token.substr(1) : token;
        EXPECT_EQ(word.find(' '), std::string::npos) << token;
        EXPECT_TRUE(in_vocabulary(word)) << token;
    }
}

TEST(TextGeneratorTest, TextIsSentencesAndACompleteReplyEndsWithAFullStop) {
    const std::string text = sim::TextGenerator::text(3, 120, true);
    EXPECT_TRUE(std::isupper(static_cast<unsigned char>(text[0])));
    EXPECT_EQ(text.back(), '.');
    EXPECT_GE(std::count(text.begin(), text.end(), '.'), 120 / 16);
    // After every full stop but the last comes a capitalised word.
    for (std::size_t at = text.find(". "); at != std::string::npos; at = text.find(". ", at + 1))
        EXPECT_TRUE(std::isupper(static_cast<unsigned char>(text[at + 2]))) << text.substr(at, 12);
}

TEST(TextGeneratorTest, TheSameSeedGivesTheSameTextAndACutReplyIsItsStart) {
    EXPECT_EQ(sim::TextGenerator::text(5, 50, true), sim::TextGenerator::text(5, 50, true));
    EXPECT_NE(sim::TextGenerator::text(5, 50, true), sim::TextGenerator::text(6, 50, true));
    const std::string full = sim::TextGenerator::text(5, 50, true);
    const std::string cut = sim::TextGenerator::text(5, 20, false);
    EXPECT_EQ(full.rfind(cut, 0), 0u);
    EXPECT_EQ(sim::TextGenerator::text(5, 0, true), "");
}

}  // namespace
