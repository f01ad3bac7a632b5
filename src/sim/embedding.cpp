// embedding.cpp: lexical feature hashing (see embedding.hpp for the features
// and why they are weighted as they are).
#include "agentio/sim/embedding.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string>

#include "agentio/sim/prng.hpp"

namespace agentio::sim {

namespace {

// Words that appear in almost any English text, sorted for binary search.
constexpr std::string_view kCommonWords[] = {
    "a",    "about", "an",   "and",  "are",  "as",   "at",   "be",   "but",   "by",   "can",  "do",
    "does", "for",   "from", "had",  "has",  "have", "how",  "i",    "if",    "in",   "into", "is",
    "it",   "its",   "not",  "of",   "on",   "or",   "so",   "than", "that",  "the",  "their", "them",
    "then", "there", "these", "they", "this", "to",   "was",  "we",   "were",  "what", "when", "which",
    "who",  "will",  "with", "would", "you",  "your",
};
static_assert(std::is_sorted(std::begin(kCommonWords), std::end(kCommonWords)), "is_common searches them");

constexpr double kWordWeight = 1.0;
constexpr double kCommonWordWeight = 0.25;
constexpr double kPairWeight = 0.5;
constexpr double kTrigramsWeight = 1.0;  // all of one word's 3-grams together, as a vector length

bool is_common(std::string_view word) {
    return word.size() == 1 || std::binary_search(std::begin(kCommonWords), std::end(kCommonWords), word);
}

bool is_word_byte(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

std::vector<std::string> words_of(std::string_view text) {
    std::vector<std::string> words;
    std::string word;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (is_word_byte(c)) {
            word.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : ch);
        } else if (!word.empty()) {
            words.push_back(std::move(word));
            word.clear();
        }
    }
    if (!word.empty()) words.push_back(std::move(word));
    return words;
}

// Adds `weight` to the bucket and with the sign that `feature` (of `kind`) hashes to.
class FeatureSink {
public:
    explicit FeatureSink(std::vector<double>& vector) : vector_(vector) {}

    void add(std::string_view kind, std::string_view feature, double weight) {
        const std::uint64_t hash = Hasher(0x5eed'1e71ca1ULL).add(kind).add(feature).value();
        const double sign = (hash >> 63) != 0 ? -1.0 : 1.0;
        vector_[hash % vector_.size()] += sign * weight;
    }

private:
    std::vector<double>& vector_;
};

void add_trigrams(FeatureSink& sink, const std::string& word) {
    const std::string marked = "<" + word + ">";
    const std::size_t count = marked.size() - 2;  // >= 1: a word is never empty
    const double weight = kTrigramsWeight / std::sqrt(static_cast<double>(count));
    for (std::size_t i = 0; i < count; ++i) sink.add("trigram", std::string_view(marked).substr(i, 3), weight);
}

}  // namespace

std::vector<float> embed(std::string_view text, int dimensions) {
    const auto size = static_cast<std::size_t>(dimensions < 1 ? 1 : dimensions);
    std::vector<double> raw(size, 0.0);
    FeatureSink sink(raw);
    const std::vector<std::string> words = words_of(text);
    const std::string* previous = nullptr;  // the last uncommon word, for the pairs
    for (const std::string& word : words) {
        if (is_common(word)) {
            sink.add("word", word, kCommonWordWeight);
            continue;
        }
        sink.add("word", word, kWordWeight);
        add_trigrams(sink, word);
        if (previous != nullptr) sink.add("pair", *previous + " " + word, kPairWeight);
        previous = &word;
    }

    double norm = 0;
    for (const double x : raw) norm += x * x;
    if (!(norm > 1e-12)) {
        // No feature, or all of them cancelled: the text itself is the feature.
        std::fill(raw.begin(), raw.end(), 0.0);
        sink.add("text", text, 1.0);
        norm = 1;
    }
    norm = std::sqrt(norm);
    std::vector<float> vector(size);
    for (std::size_t i = 0; i < size; ++i) vector[i] = static_cast<float>(raw[i] / norm);
    return vector;
}

}  // namespace agentio::sim
