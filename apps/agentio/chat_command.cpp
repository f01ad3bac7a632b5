// chat_command.cpp: `agentio chat [PROMPT]`, one streamed reply on the
// terminal as its tokens arrive.
//
// The prompt is the argument, or all of stdin when there is none (so it
// composes: `git diff | agentio chat --system "Review this"`). Without a
// base URL it talks to the embedded simulator, said in one line on stderr.
// Errors go to stderr without the API key (llm::Client redacts it); the
// reply alone goes to stdout.
#include <fmt/core.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "agentio/core/capture.hpp"
#include "agentio/core/errors.hpp"
#include "agentio/core/run.hpp"
#include "agentio/llm/client.hpp"
#include "agentio/sim/server.hpp"
#include "commands.hpp"
#include "endpoint.hpp"
#include "prompt_input.hpp"
#include "validators.hpp"

namespace agentio::cli {
namespace {

struct ChatFlags {
    std::string prompt;
    EndpointFlags endpoint;
    std::string system;
    std::optional<int> max_tokens;
    std::optional<double> temperature;
};

// Streams the reply to stdout as its tokens arrive.
Task<> print_reply(llm::Client& client, const llm::ChatRequest& request) {
    llm::ChatStream stream = co_await client.chat_stream(request);
    while (const llm::ChatChunk* chunk = co_await stream.next()) {
        const std::string text = chunk->content();
        std::fwrite(text.data(), 1, text.size(), stdout);
        std::fflush(stdout);
    }
    std::fputc('\n', stdout);
}

Task<int> chat(ChatFlags flags) {
    llm::ClientOptions options = llm::ClientOptions::from_env();
    sim::Config simulated;
    simulated.latency.time_to_first_token = std::chrono::milliseconds(200);
    simulated.latency.inter_token = std::chrono::milliseconds(15);
    std::optional<sim::Server> simulator =
        co_await resolve_endpoint(options, flags.endpoint, simulated, "chat");
    llm::Client client(options);
    llm::ChatRequest request;
    request.model = flags.endpoint.model_or_default();  // checked before the run
    if (!flags.system.empty()) request.messages.push_back(llm::Message::system(flags.system));
    request.messages.push_back(llm::Message::user(flags.prompt));
    request.max_completion_tokens = flags.max_tokens;
    request.temperature = flags.temperature;

    const Outcome<void> printed = co_await capture(print_reply(client, request));
    if (simulator) co_await simulator->shutdown();
    if (!printed) {
        fmt::print(stderr, "\nagentio chat: {}\n", describe(printed.error()));
        co_return exit_some_failed;
    }
    co_return exit_done;
}

Subcommand add_chat_command(CLI::App& app) {
    auto flags = std::make_shared<ChatFlags>();
    CLI::App* sub = app.add_subcommand("chat", "Stream one reply to a prompt (from the argument or stdin)");
    sub->add_option("prompt", flags->prompt, "The prompt (default: all of stdin)");
    flags->endpoint.add_options(*sub, "Model");
    sub->add_option("--system", flags->system, "A system message before the prompt");
    sub->add_option("--max-tokens", flags->max_tokens, "Longest reply, in tokens")->check(positive_number());
    sub->add_option("--temperature", flags->temperature, "Sampling temperature")->check(number_in(0, 2));
    sub->footer(
        "Examples:\n"
        "  agentio chat \"Why is the sky blue?\"\n"
        "  git diff | agentio chat --system \"Review this change\" --base-url https://api.openai.com/v1 --model gpt-4o-mini\n"
        "Exit codes: 0 done, 1 the request failed, 2 bad usage");
    Subcommand command;
    command.app = sub;
    command.run = [flags] {
        try {
            (void)flags->endpoint.required_model();
        } catch (const Error& e) {
            fmt::print(stderr, "agentio chat: {}\n", e.what());
            return static_cast<int>(exit_bad_usage);
        }
        std::optional<std::string> prompt = prompt_or_stdin(std::move(flags->prompt), "chat");
        if (!prompt) return static_cast<int>(exit_bad_usage);
        flags->prompt = std::move(*prompt);
        try {
            return agentio::run(chat(*flags));
        } catch (const std::exception& e) {
            fmt::print(stderr, "agentio chat: {}\n", e.what());
            return static_cast<int>(exit_some_failed);
        }
    };
    command.examples = {"agentio chat \"Why is the sky blue?\"", "echo \"Summarise this\" | agentio chat"};
    return command;
}

const Registration chat_registration{40, add_chat_command};

}  // namespace
}  // namespace agentio::cli
