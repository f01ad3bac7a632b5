#include "batch/resume_hint.hpp"

#include <fstream>
#include <vector>

namespace agentio::cli::batch {

std::string shell_quoted(const std::string& arg) {
    const bool plain = !arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                             "0123456789-_./=:,+@%") == std::string::npos;
    if (plain) return arg;
    std::string quoted = "'";
    for (const char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

std::string resume_command() {
    std::ifstream file("/proc/self/cmdline", std::ios::binary);
    std::vector<std::string> args;
    for (std::string arg; std::getline(file, arg, '\0');) args.push_back(std::move(arg));
    std::string line;
    bool key_hidden = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const bool key_value = i > 0 && args[i - 1] == "--api-key";
        const bool key_flag = args[i].starts_with("--api-key=");
        key_hidden = key_hidden || key_value || key_flag;
        if (!line.empty()) line += ' ';
        line += key_value ? "\"$OPENAI_API_KEY\"" : key_flag ? "--api-key=\"$OPENAI_API_KEY\"" : shell_quoted(args[i]);
    }
    if (key_hidden) line += "\n  (with OPENAI_API_KEY set to the key given with --api-key)";
    return line;
}

}  // namespace agentio::cli::batch
