// commands.hpp: how a subcommand joins the `agentio` tool.
//
// Each subcommand lives in its own file and registers itself there, so that
// adding one touches no other file:
//
//     namespace {
//     cli::Subcommand add_batch_command(CLI::App& app) {
//         auto flags = std::make_shared<BatchFlags>();
//         CLI::App* sub = app.add_subcommand("batch", "Run a JSONL file of requests");
//         sub->add_option("input", flags->input, "...");
//         return {sub, [flags] { return run_batch(*flags); }, {"agentio batch in.jsonl -o out.jsonl"}};
//     }
//     const cli::Registration batch_registration{10, add_batch_command};
//     }  // namespace
//
// Each file's internal names carry its command's (batch_registration): the
// release build compiles the tool's files several to a translation unit.
//
// main.cpp adds every registered subcommand in ascending `order` (the order
// --help lists them in), parses the command line, and calls the `run` of the
// subcommand that was named. Flags are validated by CLI11 while parsing (a
// subcommand may throw CLI::ValidationError from its callback for checks that
// span flags); `run` returns the process's exit code (ExitCode).
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace agentio::cli {

// The tool's exit codes, the same for every subcommand.
enum ExitCode : int {
    exit_done = 0,          // everything asked for was done
    exit_some_failed = 1,   // the tool ran, but some requests failed
    exit_bad_usage = 2,     // bad flags, or input that cannot be used
};

struct Subcommand {
    CLI::App* app = nullptr;       // as made by app.add_subcommand()
    std::function<int()> run;      // runs the parsed subcommand; returns an ExitCode
    std::vector<std::string> examples;  // command lines shown in `agentio --help`
};

using AddSubcommand = Subcommand (*)(CLI::App& app);

// A namespace-scope object of this type registers a subcommand before main()
// runs. The registry is a function-local static, so registration does not
// depend on the order in which the files' static objects are initialised.
struct Registration {
    Registration(int order, AddSubcommand add);
};

struct Registered {
    int order;
    AddSubcommand add;
};

// Every registration so far, in ascending order.
std::vector<Registered> registered_subcommands();

}  // namespace agentio::cli
