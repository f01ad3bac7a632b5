// resume_hint.hpp: the command that resumes an interrupted run, as the user
// typed it, for the last lines a run prints.
#pragma once

#include <string>

namespace agentio::cli::batch {

// `arg` as the shell reads it back.
std::string shell_quoted(const std::string& arg);

// This process's command line, quoted for the shell. An API key given as a
// flag is shown as $OPENAI_API_KEY, never in clear, and the hint then says
// to set it.
std::string resume_command();

}  // namespace agentio::cli::batch
