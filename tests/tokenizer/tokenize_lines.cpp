// tokenize_lines: the tokenizer on one JSON line at a time, for the test that
// holds it to tiktoken (compare.test.mjs).
//
// stdin:  {"encoding": "o200k_base" | "cl100k_base", "text": "..."} per line
// stdout: per line, the JSON array of its ids, then the count() of the same text
//         as a second array element set: [[ids...], count]
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "agentio/llm/tokenizer.hpp"

int main() {
    std::ios::sync_with_stdio(false);
    std::string line;
    while (std::getline(std::cin, line)) {
        const nlohmann::json request = nlohmann::json::parse(line);
        const std::string text = request.at("text").get<std::string>();
        const agentio::llm::Encoding& encoding = request.at("encoding") == "cl100k_base"
                                                     ? agentio::llm::Encoding::cl100k_base()
                                                     : agentio::llm::Encoding::o200k_base();
        const std::vector<agentio::llm::Token> ids = encoding.encode(text);
        std::cout << nlohmann::json::array({ids, encoding.count(text)}).dump() << '\n';
    }
}
