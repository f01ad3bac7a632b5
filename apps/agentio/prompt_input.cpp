#include "prompt_input.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <iterator>

namespace agentio::cli {

std::optional<std::string> prompt_or_stdin(std::string argument, const std::string& command) {
    std::string prompt = std::move(argument);
    if (prompt.empty()) {
        if (::isatty(STDIN_FILENO) == 1) fmt::print(stderr, "agentio {}: type the prompt, then Ctrl-D\n", command);
        prompt.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
        while (!prompt.empty() && (prompt.back() == '\n' || prompt.back() == '\r')) prompt.pop_back();
    }
    if (prompt.find_first_not_of(" \t\r\n") == std::string::npos) {
        fmt::print(stderr, "agentio {}: no prompt: give one as an argument or on stdin\n", command);
        return std::nullopt;
    }
    return prompt;
}

}  // namespace agentio::cli
