// tokens_command.cpp: `agentio tokens`, the exact token count of files or
// stdin under a model's encoding, as tiktoken counts them:
//
//     agentio tokens --model gpt-4o README.md docs/*.md    # "N FILE" per file, then the total
//     git diff | agentio tokens --encoding cl100k_base      # "N"
//     echo -n "hello world" | agentio tokens --ids          # [24912,2375]
#include <fmt/core.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agentio/llm/tokenizer.hpp"
#include "commands.hpp"

namespace agentio::cli {
namespace {

struct TokensFlags {
    std::vector<std::string> files;
    std::string model;
    std::string encoding;
    bool ids = false;
};

// The bytes of `path` ("-": stdin), or nullopt after a message naming it.
std::optional<std::string> read_all(const std::string& path) {
    if (path == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        fmt::print(stderr, "agentio tokens: cannot read {}: {}\n", path, std::strerror(errno));
        return std::nullopt;
    }
    std::string text(std::istreambuf_iterator<char>(file), {});
    if (file.bad()) {
        fmt::print(stderr, "agentio tokens: cannot read {}: {}\n", path, std::strerror(errno));
        return std::nullopt;
    }
    return text;
}

int run_tokens(const TokensFlags& flags) {
    const llm::Encoding& encoding = !flags.encoding.empty()
                                        ? (flags.encoding == "cl100k_base" ? llm::Encoding::cl100k_base()
                                                                           : llm::Encoding::o200k_base())
                                        : llm::Encoding::for_model(flags.model);
    const std::vector<std::string> files = flags.files.empty() ? std::vector<std::string>{"-"} : flags.files;
    // Every file is read before anything is printed: a missing one is exit 2 with no partial table.
    std::vector<std::string> texts;
    for (const std::string& file : files) {
        std::optional<std::string> text = read_all(file);
        if (!text) return exit_bad_usage;
        texts.push_back(std::move(*text));
    }
    std::size_t total = 0;
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (flags.ids) {
            const std::vector<llm::Token> ids = encoding.encode(texts[i]);
            std::string line = "[";
            for (std::size_t k = 0; k < ids.size(); ++k) line += (k ? "," : "") + std::to_string(ids[k]);
            fmt::print("{}]{}\n", line, files.size() > 1 ? " " + files[i] : "");
            continue;
        }
        const std::size_t count = encoding.count(texts[i]);
        total += count;
        if (files.size() == 1) fmt::print("{}\n", count);
        else fmt::print("{} {}\n", count, files[i]);
    }
    if (!flags.ids && files.size() > 1) fmt::print("{} total\n", total);
    return exit_done;
}

Subcommand add_tokens_command(CLI::App& app) {
    auto flags = std::make_shared<TokensFlags>();
    CLI::App* sub = app.add_subcommand("tokens", "Count the tokens of files or stdin, exactly as tiktoken does");
    sub->add_option("files", flags->files, "Files to count (default, or -: stdin)");
    CLI::Option* model = sub->add_option("--model", flags->model,
                                         "Count with this model's encoding (gpt-4o: o200k_base, gpt-4: cl100k_base; "
                                         "unknown models: o200k_base)");
    sub->add_option("--encoding", flags->encoding, "Count with this encoding")
        ->check(CLI::IsMember({"o200k_base", "cl100k_base"}))
        ->excludes(model);
    sub->add_flag("--ids", flags->ids, "Print the token ids (a JSON array per file) instead of the count");
    sub->footer(
        "Examples:\n"
        "  agentio tokens --model gpt-4o README.md docs/*.md\n"
        "  git diff | agentio tokens --encoding cl100k_base\n"
        "  echo -n \"hello world\" | agentio tokens --ids\n"
        "Exit codes: 0 done, 2 bad usage or a file that cannot be read");
    return {sub, [flags] { return run_tokens(*flags); }, {"agentio tokens --model gpt-4o README.md"}};
}

const Registration tokens_registration{50, add_tokens_command};

}  // namespace
}  // namespace agentio::cli
