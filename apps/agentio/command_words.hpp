// command_words.hpp: a command line given as one flag value ("npx -y 'my
// server' --flag") as the words to start it with, for the flags that start
// MCP servers (`agent --mcp-stdio`, `mcp --stdio`).
#pragma once

#include <string>
#include <vector>

namespace agentio::cli {

// Blanks separate words, single or double quotes keep blanks in, a backslash
// escapes the next character (not inside single quotes). An unbalanced quote
// or an empty command is CLI::ValidationError naming `flag`.
std::vector<std::string> split_command(const std::string& text, const std::string& flag);

}  // namespace agentio::cli
