// agent_command.cpp: `agentio agent PROMPT`, one agent with the tools of the
// MCP servers it is given, run to its final answer.
//
//     agentio agent --mcp-stdio "npx @modelcontextprotocol/server-everything" "Add 2 and 3"
//
// On the terminal the answer streams to stdout and each tool call and result
// goes to stderr as it happens, so `> answer.txt` keeps the answer alone.
// --json prints one event per line on stdout instead: tool_call, tool_result,
// handoff, final (with usage), or error. The servers start (and connect) at
// once, before the first model call; one that cannot start, dies or breaks
// the protocol is named in the message and the exit code is 1. A server that
// dies during the run fails the tool calls that reach it (the model reads
// the error, as with any failing tool) and, checked after the run, the exit
// code. Without --base-url or OPENAI_BASE_URL the model is the embedded
// simulator, whose tool policy calls the tools the prompt names. --trace and
// --otlp-endpoint export the run's spans (agent/tracing.hpp) at the end.
#include <fmt/core.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agentio/agent/mcp/client.hpp"
#include "agentio/agent/mcp/http_client_transport.hpp"
#include "agentio/agent/mcp/process_transport.hpp"
#include "agentio/agent/run_stream.hpp"
#include "agentio/agent/tracing.hpp"
#include "agentio/core/capture.hpp"
#include "agentio/core/errors.hpp"
#include "agentio/core/gather.hpp"
#include "agentio/core/run.hpp"
#include "agentio/core/timeout.hpp"
#include "agentio/llm/client.hpp"
#include "agentio/sim/server.hpp"
#include "command_words.hpp"
#include "commands.hpp"
#include "endpoint.hpp"
#include "prompt_input.hpp"
#include "validators.hpp"

namespace agentio::cli {
namespace {

using Json = llm::Json;

struct AgentFlags {
    std::string prompt;
    EndpointFlags endpoint;
    std::string system = "You are a helpful assistant. Use the tools when they help.";
    std::vector<std::string> mcp_stdio;
    std::vector<std::string> mcp_http;
    int max_turns = 10;
    std::string journal;
    bool json = false;
    std::string trace_file;
    std::string otlp_endpoint;
    double mcp_timeout_seconds = 60;
};


// One event of the run, as the terminal shows it or as a JSON line.
class EventPrinter {
public:
    explicit EventPrinter(bool json) : json_(json) {}

    void print(const agent::RunEvent& event) {
        using Kind = agent::RunEvent::Kind;
        if (json_) {
            if (event.kind == Kind::TextDelta || event.kind == Kind::Final) return;  // the final event carries the text
            line(as_json(event));
            return;
        }
        switch (event.kind) {
            case Kind::TextDelta:
                std::fwrite(event.text.data(), 1, event.text.size(), stdout);
                std::fflush(stdout);
                text_open_ = true;
                break;
            case Kind::ToolCall:
                end_text();
                fmt::print(stderr, "-> {}({})\n", event.call.name, event.call.arguments);
                break;
            case Kind::ToolResult:
                fmt::print(stderr, "<- {}{}: {}\n", event.call.name, event.is_error ? " failed" : "", shortened(event.text));
                break;
            case Kind::Handoff:
                end_text();
                fmt::print(stderr, "-> {} hands over to {}\n", event.agent, event.text);
                break;
            case Kind::Final:
                end_text();
                break;
        }
    }

    void final(const agent::RunResult& result) {
        if (!json_) return;
        const llm::Usage& usage = result.usage;
        line({{"type", "final"},
              {"agent", result.last_agent},
              {"content", result.final_output},
              {"turns", result.turns},
              {"usage",
               {{"prompt_tokens", usage.prompt_tokens},
                {"completion_tokens", usage.completion_tokens},
                {"total_tokens", usage.total_tokens}}}});
    }

    void error(const std::string& message) {
        end_text();
        if (json_) line({{"type", "error"}, {"message", message}});
        fmt::print(stderr, "agentio agent: {}\n", message);
    }

private:
    static Json as_json(const agent::RunEvent& event) {
        using Kind = agent::RunEvent::Kind;
        if (event.kind == Kind::Handoff) return {{"type", "handoff"}, {"from", event.agent}, {"to", event.text}};
        Json json = {{"agent", event.agent}, {"name", event.call.name}, {"call_id", event.call.id}};
        if (event.kind == Kind::ToolCall) {
            json["type"] = "tool_call";
            // The arguments as JSON when they are JSON (they should be), else as sent.
            Json arguments = Json::parse(event.call.arguments, nullptr, false);
            json["arguments"] = arguments.is_discarded() ? Json(event.call.arguments) : std::move(arguments);
        } else {
            json["type"] = "tool_result";
            json["content"] = event.text;
            json["is_error"] = event.is_error;
        }
        return json;
    }

    static std::string shortened(const std::string& text) {
        constexpr std::size_t most = 400;
        std::string one_line = text.size() > most ? text.substr(0, most) + "..." : text;
        for (char& c : one_line)
            if (c == '\n') c = ' ';
        return one_line;
    }

    static void line(const Json& json) {
        const std::string text = json.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
        std::fwrite(text.data(), 1, text.size(), stdout);
        std::fflush(stdout);
    }

    void end_text() {
        if (!text_open_) return;
        std::fputc('\n', stdout);
        std::fflush(stdout);
        text_open_ = false;
    }

    bool json_;
    bool text_open_ = false;
};

// The handshake, bounded: a server that never answers must not hang the command.
Task<agent::mcp::Client> connect_within(std::unique_ptr<agent::mcp::Transport> transport, Duration limit) {
    const std::string peer = transport->peer();
    Task<agent::mcp::Client> connecting = wait_for(agent::mcp::Client::connect(std::move(transport)), limit);
    Outcome<agent::mcp::Client> connected = co_await capture(std::move(connecting));
    if (!connected) {
        try {
            std::rethrow_exception(connected.error());
        } catch (const TimeoutError&) {
            throw Error(fmt::format("{} did not finish the MCP handshake within {:g} s (--mcp-timeout)", peer,
                                    std::chrono::duration<double>(limit).count()));
        }
    }
    co_return std::move(connected).value();
}

Task<agent::mcp::Client> connect_stdio(std::vector<std::string> command, Duration limit) {
    agent::mcp::ProcessOptions options;
    options.command = std::move(command);
    options.capture_stderr = true;  // a server that fails to start is explained by its stderr
    Task<agent::mcp::Client> connecting = connect_within(agent::mcp::ProcessTransport::spawn(std::move(options)), limit);
    co_return co_await std::move(connecting);
}

Task<agent::mcp::Client> connect_http(std::string url, Duration limit) {
    agent::mcp::HttpClientOptions options;
    options.url = std::move(url);
    Task<agent::mcp::Client> connecting = connect_within(std::make_unique<agent::mcp::HttpClientTransport>(std::move(options)), limit);
    co_return co_await std::move(connecting);
}

// Every server's tools; a name two servers both offer is an error (the model
// could not say which one it means).
// Each call is bounded by `limit`: a tool that never answers becomes a timeout
// error the model reads, as any failing tool does.
Task<std::vector<agent::Tool>> tools_of(std::vector<agent::mcp::Client>& servers, Duration limit) {
    std::vector<agent::Tool> tools;
    std::set<std::string> names;
    agent::mcp::AgentToolOptions options;
    options.tool.timeout = limit;
    for (agent::mcp::Client& server : servers) {
        Task<std::vector<agent::Tool>> listing = wait_for(server.agent_tools(options), limit);
        std::vector<agent::Tool> offered = co_await std::move(listing);
        for (agent::Tool& tool : offered) {
            if (!names.insert(tool.name()).second)
                throw Error("two MCP servers offer a tool named '" + tool.name() + "'; give the agent only one of them");
            tools.push_back(std::move(tool));
        }
    }
    co_return tools;
}

// The agent with every server's tools, run to its end: its events as they
// come, then the result.
Task<> serve(llm::Client& client, const AgentFlags& flags, EventPrinter& printer, std::vector<agent::mcp::Client>& servers,
             agent::Tracer* tracer) {
    agent::Agent agent;
    agent.name = "agent";
    agent.instructions = flags.system;
    agent.model = flags.endpoint.model_or_default();
    agent.tools = co_await tools_of(servers, from_seconds(flags.mcp_timeout_seconds));
    agent::RunOptions options;
    options.max_turns = flags.max_turns;
    if (!flags.journal.empty()) options.journal = flags.journal.c_str();
    options.tracer = tracer;
    agent::RunStream stream = agent::run_streamed(client, agent, flags.prompt, options);
    while (std::optional<agent::RunEvent> event = co_await stream.next()) printer.print(*event);
    const agent::RunResult result = co_await stream.result();
    printer.final(result);
}

// A server that died during the run failed its tool calls quietly (the model
// read the errors); it fails the command too.
Task<> check_alive(agent::mcp::Client& server) {
    Task<> ping = server.ping();
    co_await wait_for(std::move(ping), std::chrono::seconds(10));
}

Task<int> agent_main(AgentFlags flags, std::vector<std::vector<std::string>> stdio_commands) {
    EventPrinter printer(flags.json);
    llm::ClientOptions options = llm::ClientOptions::from_env();
    sim::Config simulated;
    simulated.latency.time_to_first_token = std::chrono::milliseconds(200);
    simulated.latency.inter_token = std::chrono::milliseconds(15);
    std::optional<sim::Server> simulator = co_await resolve_endpoint(options, flags.endpoint, simulated, "agent");
    llm::Client client(options);
    std::optional<agent::Tracer> tracer;
    if (!flags.trace_file.empty() || !flags.otlp_endpoint.empty()) {
        agent::TraceOptions trace_options;
        trace_options.perfetto_file = flags.trace_file;
        trace_options.otlp_endpoint = flags.otlp_endpoint;
        tracer.emplace(std::move(trace_options));
    }

    std::vector<Task<agent::mcp::Client>> connecting;
    const Duration limit = from_seconds(flags.mcp_timeout_seconds);
    for (std::vector<std::string>& command : stdio_commands) connecting.push_back(connect_stdio(std::move(command), limit));
    for (const std::string& url : flags.mcp_http) connecting.push_back(connect_http(url, limit));
    // (Each task is named before it is awaited: g++ 12 mishandles temporaries
    // in a co_await expression.)
    Task<std::vector<agent::mcp::Client>> all_connected = gather(std::move(connecting));
    Outcome<std::vector<agent::mcp::Client>> connected = co_await capture(std::move(all_connected));
    int exit_code = exit_done;
    if (!connected) {
        printer.error(describe(connected.error()));
        exit_code = exit_some_failed;
    } else {
        std::vector<agent::mcp::Client> servers = std::move(connected).value();
        Task<> serving = serve(client, flags, printer, servers, tracer ? &*tracer : nullptr);
        Outcome<void> ran = co_await capture(std::move(serving));
        if (!ran) {
            printer.error(describe(ran.error()));
            exit_code = exit_some_failed;
        }
        for (agent::mcp::Client& server : servers) {
            Task<> checking = check_alive(server);
            Outcome<void> alive = co_await capture(std::move(checking));
            if (!alive && exit_code == exit_done) {
                printer.error(describe(alive.error()));
                exit_code = exit_some_failed;
            }
            Task<> closing = server.close();
            co_await capture(std::move(closing));
        }
    }
    if (tracer) {
        // The trace is a by-product: a failed export is said, not fatal.
        Task<> flushing = tracer->flush();
        Outcome<void> exported = co_await capture(std::move(flushing));
        if (!exported) fmt::print(stderr, "agentio agent: the trace was not exported: {}\n", describe(exported.error()));
    }
    if (simulator) co_await simulator->shutdown();
    co_return exit_code;
}

Subcommand add_agent_command(CLI::App& app) {
    auto flags = std::make_shared<AgentFlags>();
    CLI::App* sub = app.add_subcommand("agent", "Run one agent with the tools of MCP servers, to its final answer");
    sub->add_option("prompt", flags->prompt, "The task (default: all of stdin)");
    flags->endpoint.add_options(*sub, "Model");
    sub->add_option("--system", flags->system, "The agent's instructions")->capture_default_str();
    sub->add_option("--mcp-stdio", flags->mcp_stdio, "An MCP server to start, as a command line (repeatable)")
        ->allow_extra_args(false);
    sub->add_option("--mcp-http", flags->mcp_http, "An MCP server's Streamable HTTP URL (repeatable)")
        ->allow_extra_args(false);
    sub->add_option("--max-turns", flags->max_turns, "Most model calls before giving up")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    sub->add_option("--mcp-timeout", flags->mcp_timeout_seconds,
                    "Seconds an MCP server may take to start and list its tools, and each tool call")
        ->check(seconds())
        ->capture_default_str();
    sub->add_option("--journal", flags->journal,
                    "A file that makes the run durable: run the same command again after a crash to go on");
    sub->add_flag("--json", flags->json, "One JSON event per line on stdout (tool_call, tool_result, final, ...)");
    sub->add_option("--trace", flags->trace_file, "Write the run's spans to FILE (Chrome trace JSON, opens in ui.perfetto.dev)");
    sub->add_option("--otlp-endpoint", flags->otlp_endpoint,
                    "Send the run's spans as OTLP/HTTP JSON to URL/v1/traces (default: OTEL_EXPORTER_OTLP_ENDPOINT)");
    sub->footer(
        "Examples:\n"
        "  agentio agent --mcp-stdio \"npx @modelcontextprotocol/server-everything\" \"Use get-sum to add 2 and 3\"\n"
        "  agentio agent --mcp-http http://127.0.0.1:3001/mcp --json \"What can you do?\"\n"
        "Exit codes: 0 done, 1 the run or an MCP server failed, 2 bad usage");
    Subcommand command;
    command.app = sub;
    command.run = [flags] {
        std::vector<std::vector<std::string>> stdio_commands;
        if (flags->otlp_endpoint.empty()) {
            const char* from_env = std::getenv("OTEL_EXPORTER_OTLP_ENDPOINT");
            if (from_env != nullptr) flags->otlp_endpoint = from_env;
        }
        try {
            (void)flags->endpoint.required_model();
            for (const std::string& line : flags->mcp_stdio) stdio_commands.push_back(split_command(line, "--mcp-stdio"));
            for (const std::string& url : flags->mcp_http)
                if (!url.starts_with("http://") && !url.starts_with("https://"))
                    throw CLI::ValidationError("--mcp-http", "\"" + url + "\" is not an http:// or https:// URL");
        } catch (const std::exception& e) {
            fmt::print(stderr, "agentio agent: {}\n", e.what());
            return static_cast<int>(exit_bad_usage);
        }
        std::optional<std::string> prompt = prompt_or_stdin(std::move(flags->prompt), "agent");
        if (!prompt) return static_cast<int>(exit_bad_usage);
        flags->prompt = std::move(*prompt);
        try {
            return agentio::run(agent_main(*flags, std::move(stdio_commands)));
        } catch (const std::exception& e) {
            fmt::print(stderr, "agentio agent: {}\n", e.what());
            return static_cast<int>(exit_some_failed);
        }
    };
    command.examples = {"agentio agent --mcp-stdio \"npx @modelcontextprotocol/server-everything\" \"Add 2 and 3\""};
    return command;
}

const Registration agent_registration{45, add_agent_command};

}  // namespace
}  // namespace agentio::cli
