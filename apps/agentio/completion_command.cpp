// completion_command.cpp: `agentio completion bash`, a bash completion script
// for the tool, made from the command line's own definition (every command
// and each one's flags), so it never falls out of date. Installed as
// share/bash-completion/completions/agentio; by hand:
//     source <(agentio completion bash)
#include <fmt/core.h>

#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"

namespace agentio::cli {
namespace {

// The flags of `app` as typed: "--output -o ...".
std::string flags_of(const CLI::App& app) {
    std::string out;
    for (const CLI::Option* option : app.get_options()) {
        if (!option->nonpositional()) continue;
        for (const std::string& name : option->get_lnames()) out += (out.empty() ? "--" : " --") + name;
        for (const std::string& name : option->get_snames()) out += (out.empty() ? "-" : " -") + name;
    }
    return out;
}

std::string bash_script(const CLI::App& root) {
    std::string commands, cases;
    for (const CLI::App* command : root.get_subcommands({})) {
        commands += command->get_name() + " ";
        cases += fmt::format("        {}) options=\"{}\" ;;\n", command->get_name(), flags_of(*command));
    }
    return fmt::format(R"(# bash completion for agentio, made by `agentio completion bash`
_agentio() {{
    local cur=${{COMP_WORDS[COMP_CWORD]}}
    if [[ $COMP_CWORD -eq 1 ]]; then
        COMPREPLY=($(compgen -W "{}{}" -- "$cur"))
        return
    fi
    local options=""
    case ${{COMP_WORDS[1]}} in
{}    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}}
complete -o filenames -F _agentio agentio
)",
                       commands, flags_of(root), cases);
}

struct CompletionFlags {
    std::string shell;
};

Subcommand add_completion_command(CLI::App& app) {
    auto flags = std::make_shared<CompletionFlags>();
    CLI::App* sub = app.add_subcommand("completion", "Print a shell completion script for agentio");
    sub->add_option("shell", flags->shell, "The shell (bash)")->required()->check(CLI::IsMember({"bash"}));
    const CLI::App* root = &app;  // outlives the run: main() owns it
    return {sub,
            [flags, root] {
                fmt::print("{}", bash_script(*root));
                return exit_done;
            },
            {"source <(agentio completion bash)"}};
}

const Registration completion_registration{90, add_completion_command};

}  // namespace
}  // namespace agentio::cli
