// embedding.cpp: lexical feature hashing (see embedding.hpp for the features
// and why they are weighted as they are).
#include "agentio/sim/embedding.hpp"

#include <cmath>
#include <string>

#include "agentio/sim/prng.hpp"
#include "words.hpp"

namespace agentio::sim {

namespace {

constexpr double kWordWeight = 1.0;
constexpr double kCommonWordWeight = 0.25;
constexpr double kPairWeight = 0.5;
constexpr double kTrigramsWeight = 1.0;  // all of one word's 3-grams together, as a vector length

std::vector<std::string> words_of(std::string_view text) {
    std::vector<std::string> words;
    detail::for_each_word(text, false, [&words](std::string_view word) { words.emplace_back(word); });
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
        if (detail::is_common_word(word)) {
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
