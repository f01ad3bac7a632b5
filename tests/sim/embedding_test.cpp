// sim::embed: deterministic lexical unit vectors: texts that share words are
// closer than texts that do not.
#include <agentio/sim/embedding.hpp>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

using namespace agentio;

namespace {

double norm(const std::vector<float>& v) {
    double sum = 0;
    for (const float x : v) sum += static_cast<double>(x) * x;
    return std::sqrt(sum);
}

double cosine(const std::string& a, const std::string& b, int dimensions = 384) {
    const std::vector<float> x = sim::embed(a, dimensions);
    const std::vector<float> y = sim::embed(b, dimensions);
    double dot = 0;
    for (std::size_t i = 0; i < x.size(); ++i) dot += static_cast<double>(x[i]) * y[i];
    return dot;  // both have norm 1
}

TEST(EmbeddingTest, VectorsAreUnitNormOfTheAskedSizeAndTheSameForTheSameText) {
    for (const int dimensions : {1, 2, 64, 384, 3072}) {
        for (const char* text : {"hello", "The quick brown fox jumps over the lazy dog.", "!!!", " ", "", "日本語のテキスト"}) {
            const std::vector<float> v = sim::embed(text, dimensions);
            EXPECT_EQ(v.size(), static_cast<std::size_t>(dimensions));
            EXPECT_NEAR(norm(v), 1.0, 1e-6) << '"' << text << "\" in " << dimensions;
        }
    }
    EXPECT_EQ(sim::embed("hello world", 64), sim::embed("hello world", 64));
    EXPECT_NE(sim::embed("hello world", 64), sim::embed("hello there", 64));
    EXPECT_NE(sim::embed("!!!", 64), sim::embed("???", 64));  // no words: the text itself decides
    EXPECT_EQ(sim::embed("x", 0).size(), 1u);
}

TEST(EmbeddingTest, CaseAndPunctuationDoNotChangeTheVector) {
    EXPECT_EQ(sim::embed("Paris is the capital of France.", 128), sim::embed("paris is THE capital, of france", 128));
}

TEST(EmbeddingTest, TextsSharingWordsAreCloserThanUnrelatedTexts) {
    const std::string query = "What is the capital of France?";
    const double related = cosine(query, "Paris is the capital and largest city of France.");
    const double unrelated = cosine(query, "Photosynthesis turns sunlight, water and carbon dioxide into sugar.");
    EXPECT_GT(related, unrelated + 0.3) << related << " vs " << unrelated;
    EXPECT_LT(std::abs(unrelated), 0.2);

    // Retrieval: each question finds the document that uses its words.
    const std::vector<std::string> documents = {
        "The Eiffel Tower is a wrought-iron lattice tower in Paris.",
        "Python is a programming language that emphasises readability.",
        "The mitochondria is the powerhouse of the cell.",
        "A token bucket limits the rate of requests to an API.",
    };
    const std::vector<std::string> questions = {
        "How tall is the Eiffel tower?",
        "Which programming language reads well?",
        "What does the mitochondria do in a cell?",
        "How does a token bucket limit requests?",
    };
    for (std::size_t q = 0; q < questions.size(); ++q) {
        std::size_t best = 0;
        for (std::size_t d = 1; d < documents.size(); ++d)
            if (cosine(questions[q], documents[d]) > cosine(questions[q], documents[best])) best = d;
        EXPECT_EQ(best, q) << questions[q];
    }
}

TEST(EmbeddingTest, FormsOfAWordAndTyposStayClose) {
    EXPECT_GT(cosine("embedding", "embeddings"), 0.3);
    EXPECT_GT(cosine("retrieval", "retreival"), 0.2);
    EXPECT_LT(cosine("embedding", "volcano"), 0.15);
}

TEST(EmbeddingTest, MoreSharedWordsMeanMoreSimilarity) {
    const std::string text = "the red fox runs through the quiet forest at night";
    const double one = cosine(text, "a fox");
    const double two = cosine(text, "a red fox");
    const double three = cosine(text, "a red fox in the forest");
    EXPECT_LT(one, two);
    EXPECT_LT(two, three);
}

}  // namespace
