// prompt_input.hpp: the prompt of `agentio chat` and `agentio agent`: the
// argument, or all of stdin when there is none (so they compose:
// `git diff | agentio chat --system "Review this"`).
#pragma once

#include <optional>
#include <string>

namespace agentio::cli {

// `argument`, or stdin read to its end (trailing newlines dropped; on a TTY,
// a one-line hint on stderr first). Nullopt, after a message on stderr
// naming `command`, when the prompt is blank.
std::optional<std::string> prompt_or_stdin(std::string argument, const std::string& command);

}  // namespace agentio::cli
