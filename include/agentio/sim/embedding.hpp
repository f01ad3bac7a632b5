// embedding.hpp: the simulator's embedding of a text: a deterministic
// lexical vector, so that texts sharing words are close by cosine similarity.
//
// The text is cut into words (runs of ASCII letters and digits and of
// non-ASCII bytes, so UTF-8 words stay whole), ASCII letters lower-cased.
// Its features, each with a weight:
//   - every word, 1 (a few dozen very common English words, and one-letter
//     words, 0.25: they say little about what a text is about);
//   - every pair of adjacent words once those common words are left out,
//     0.5 ("capital of France" pairs "capital" with "france"), so word
//     order counts a little;
//   - every character 3-gram of every word but the common ones, with
//     boundary marks ("<cat>" gives "<ca", "cat", "at>"), 1/sqrt(count)
//     each, so that a word's 3-grams weigh the same whatever its length.
//     They make "embedding" close to "embeddings" and a typo close to the
//     word it misspells.
// Each feature is hashed (prng.hpp's stable hash) to one of `dimensions`
// buckets and to a sign, and its weight added there with that sign (signed
// feature hashing: two features that share a bucket cancel as often as they
// add up, so collisions add no bias). The vector is then scaled to length 1.
// A text without any feature (only spaces and punctuation), or whose
// features all cancel, is hashed whole to one bucket.
//
// So the cosine similarity of two texts is, give or take collisions, how
// much of their weighted vocabulary they share: retrieval over a few hundred
// documents finds the ones that use the query's words (and forms of them),
// which is what retrieval and RAG examples need to run for real. It is not
// semantic: synonyms ("car", "automobile") and translations are unrelated,
// and negation is invisible ("is" and "is not" differ by one common word).
//
// The vector depends on the text and `dimensions` only, not on the seed nor
// on the model name: an index built against one simulator run is queried
// correctly against another.
#pragma once

#include <string_view>
#include <vector>

namespace agentio::sim {

// A vector of `dimensions` floats (at least 1) whose Euclidean norm is 1 (to
// float precision).
std::vector<float> embed(std::string_view text, int dimensions);

}  // namespace agentio::sim
