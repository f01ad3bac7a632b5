// command_words.cpp: a command line as words, for the flags that start MCP servers.
#include "command_words.hpp"

#include <CLI/CLI.hpp>

namespace agentio::cli {

std::vector<std::string> split_command(const std::string& text, const std::string& flag) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    char quote = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\\' && quote != '\'' && i + 1 < text.size()) {
            word += text[++i];
            in_word = true;
        } else if (quote != 0) {
            if (c == quote) quote = 0;
            else word += c;
        } else if (c == '\'' || c == '"') {
            quote = c;
            in_word = true;
        } else if (c == ' ' || c == '\t' || c == '\n') {
            if (in_word) words.push_back(std::move(word));
            word.clear();
            in_word = false;
        } else {
            word += c;
            in_word = true;
        }
    }
    if (quote != 0) throw CLI::ValidationError(flag, "unbalanced " + std::string(1, quote) + " in \"" + text + "\"");
    if (in_word) words.push_back(std::move(word));
    if (words.empty()) throw CLI::ValidationError(flag, "an empty command");
    return words;
}

}  // namespace agentio::cli
