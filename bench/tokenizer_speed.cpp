// tokenizer_speed: llm::Encoding's encode() on files, for
// bench/compare/run_tokenizer.py.
//
//     tokenizer_speed ENCODING SECONDS FILE...
//
// Prints one JSON line per file: its bytes, its tokens, the first encode's
// seconds (the encoding's tables are built by the first call of the process,
// so the first file's figure includes that) and the best tokens/s over
// repeated encodes for about SECONDS (none if the first took longer).
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "agentio/llm/tokenizer.hpp"

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: tokenizer_speed o200k_base|cl100k_base SECONDS FILE...\n");
        return 2;
    }
    const std::string name = argv[1];
    const double budget = std::stod(argv[2]);
    const agentio::llm::Encoding& encoding =
        name == "cl100k_base" ? agentio::llm::Encoding::cl100k_base() : agentio::llm::Encoding::o200k_base();
    for (int i = 3; i < argc; ++i) {
        std::ifstream file(argv[i], std::ios::binary);
        std::ostringstream bytes;
        bytes << file.rdbuf();
        const std::string text = bytes.str();
        auto start = std::chrono::steady_clock::now();
        const std::size_t tokens = encoding.encode(text).size();
        const double first = seconds_since(start);
        double best = first;
        const auto began = std::chrono::steady_clock::now();
        while (first < budget && seconds_since(began) < budget) {
            start = std::chrono::steady_clock::now();
            const std::size_t again = encoding.encode(text).size();
            best = std::min(best, seconds_since(start));
            if (again != tokens) return 1;
        }
        std::printf("{\"file\": \"%s\", \"bytes\": %zu, \"tokens\": %zu, \"first_s\": %.6f, \"tokens_per_s\": %.1f}\n", argv[i],
                    text.size(), tokens, first, static_cast<double>(tokens) / best);
    }
}
