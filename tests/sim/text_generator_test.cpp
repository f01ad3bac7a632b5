// sim::TextGenerator: one word per token with its leading space, or a full
// stop; sentences; the same text for the same seed; tokens that are OpenAI's.
#include <agentio/llm/tokenizer.hpp>
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

TEST(TextGeneratorTest, EachTokenIsOneVocabularyWordWithItsLeadingSpaceOrAFullStop) {
    const std::vector<std::string> out = tokens(11, 200, true);
    ASSERT_EQ(out.size(), 200u);
    std::size_t stops = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const std::string& token = out[i];
        if (token == ".") {
            ++stops;
            EXPECT_GT(i, 0u);
            EXPECT_NE(out[i - 1], ".");
            continue;
        }
        EXPECT_EQ(token.front() == ' ', i > 0) << token;
        const std::string word = i > 0 ? token.substr(1) : token;
        EXPECT_EQ(word.find(' '), std::string::npos) << token;
        EXPECT_TRUE(in_vocabulary(word)) << token;
    }
    EXPECT_GE(stops, 200u / 17);
    EXPECT_EQ(out.back(), ".");
}

TEST(TextGeneratorTest, EveryWordIsOneTokenOfBothEncodingsInEachOfItsForms) {
    for (const llm::Encoding* encoding : {&llm::Encoding::o200k_base(), &llm::Encoding::cl100k_base()}) {
        for (const std::string_view word : sim::TextGenerator::vocabulary()) {
            std::string capitalised(word);
            capitalised[0] = static_cast<char>(capitalised[0] - 'a' + 'A');
            for (const std::string& form : {std::string(word), " " + std::string(word), capitalised, " " + capitalised})
                EXPECT_EQ(encoding->count(form), 1u) << encoding->name() << ": \"" << form << '"';
        }
    }
}

TEST(TextGeneratorTest, AReplyOfNTokensEncodesToExactlyNTokens) {
    for (const llm::Encoding* encoding : {&llm::Encoding::o200k_base(), &llm::Encoding::cl100k_base()}) {
        for (const int count : {1, 2, 3, 17, 128, 1000}) {
            for (const bool complete : {true, false}) {
                for (std::uint64_t seed = 0; seed < 20; ++seed)
                    EXPECT_EQ(encoding->count(sim::TextGenerator::text(seed, count, complete)), static_cast<std::size_t>(count))
                        << encoding->name() << " seed " << seed << ": " << sim::TextGenerator::text(seed, count, complete);
            }
        }
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
