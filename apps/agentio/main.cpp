// main.cpp: the `agentio` tool's entry point: --help, --version, and dispatch
// to the subcommand named on the command line.
//
// Subcommands register themselves (commands.hpp), so this file lists none of
// them. Exit codes are the same for every subcommand: every CLI11 parse error
// becomes 2, whatever code CLI11 gives it, and an exception that escapes a
// subcommand becomes 1 after its message is printed.
#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "commands.hpp"

#ifndef AGENTIO_VERSION
#error "AGENTIO_VERSION comes from the project version (apps/agentio/CMakeLists.txt)"
#endif

namespace agentio::cli {

namespace {

std::string footer(const std::vector<Subcommand>& subcommands) {
    std::string text = "Examples:\n";
    for (const Subcommand& sub : subcommands)
        for (const std::string& example : sub.examples) text += fmt::format("  {}\n", example);
    text += "  agentio <command> --help\n";
    text +=
        "\nExit codes:\n"
        "  0  done\n"
        "  1  some requests failed\n"
        "  2  bad usage or input";
    return text;
}

int run_main(int argc, char** argv) {
    CLI::App app("agentio: asyncio's programming model for AI agent systems, in C++20.", "agentio");
    app.set_version_flag("--version", "agentio " AGENTIO_VERSION, "Print the version and exit");
    app.require_subcommand(1);

    std::vector<Subcommand> subcommands;
    for (const Registered& entry : registered_subcommands()) subcommands.push_back(entry.add(app));
    // Set last: a subcommand copies its parent's footer when it is made.
    app.footer(footer(subcommands));

    if (argc <= 1) {
        std::fputs(app.help().c_str(), stderr);
        return exit_bad_usage;
    }
    // CLI11 would call an unknown word "a missing subcommand"; name it instead.
    const std::string first = argv[1];
    std::string known;
    for (const Subcommand& sub : subcommands) known += (known.empty() ? "" : ", ") + sub.app->get_name();
    const auto named = [&](const Subcommand& sub) { return sub.app->check_name(first); };
    if (!first.starts_with("-") && std::none_of(subcommands.begin(), subcommands.end(), named)) {
        fmt::print(stderr, "agentio: unknown command '{}' (commands: {})\nRun with --help for more information.\n", first,
                   known);
        return exit_bad_usage;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help and --version arrive here too, with code 0.
        return app.exit(e) == 0 ? exit_done : exit_bad_usage;
    }
    for (const Subcommand& sub : subcommands)
        if (sub.app->parsed()) return sub.run();
    return exit_bad_usage;  // unreachable: require_subcommand(1)
}

}  // namespace

}  // namespace agentio::cli

// What a command printed must reach stdout: a full disk (/dev/full) or a
// failed pipe is a failure, never exit 0, as coreutils' close_stdout has it.
// Checked once here, for every command, since stdio reports a buffered
// write's failure only when it is flushed.
int with_stdout_written(int status) {
    const bool failed = std::fflush(stdout) != 0;
    const int error = errno;
    if (!failed && !std::ferror(stdout)) return status;
    fmt::print(stderr, "agentio: writing to standard output failed{}\n",
               failed ? std::string(": ") + std::strerror(error) : std::string());
    return status == agentio::cli::exit_done ? agentio::cli::exit_some_failed : status;
}

int main(int argc, char** argv) {
    try {
        return with_stdout_written(agentio::cli::run_main(argc, argv));
    } catch (const std::exception& e) {
        fmt::print(stderr, "agentio: {}\n", e.what());
        return with_stdout_written(agentio::cli::exit_some_failed);
    }
}
