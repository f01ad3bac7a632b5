// mcp_server.cpp: agentio tools offered to other agent runtimes over MCP.
//
//     mcp_server                 one client on stdin/stdout (how an MCP host spawns a server)
//     mcp_server --http 8080     Streamable HTTP on http://127.0.0.1:8080/mcp (0: a free port)
//
// In HTTP mode the first line on stdout is the endpoint's URL; it serves
// until the process is stopped. In stdio mode stdout carries the protocol
// only: anything else goes to stderr.
#include <agentio/agent/mcp/server.hpp>
#include <agentio/agent/mcp/streamable_http_server.hpp>
#include <agentio/agentio.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

using namespace agentio;
using namespace std::chrono_literals;

struct AddArgs {
    double a = 0;
    double b = 0;
    static auto describe() {
        return agent::fields(agent::field("a", &AddArgs::a, "The first number"),
                             agent::field("b", &AddArgs::b, "The second number"));
    }
};

struct EchoArgs {
    std::string text;
    static auto describe() { return agent::fields(agent::field("text", &EchoArgs::text, "What to say back")); }
};

struct WaitArgs {
    double seconds = 0;
    static auto describe() {
        return agent::fields(agent::field("seconds", &WaitArgs::seconds, "How long to wait"));
    }
};

std::vector<agent::Tool> tools() {
    std::vector<agent::Tool> list;
    list.push_back(agent::Tool::from("add", "Adds two numbers", [](AddArgs args) -> Task<agent::Json> {
        co_return agent::Json(args.a + args.b);
    }));
    list.push_back(agent::Tool::from("echo", "Says the text back", [](EchoArgs args) -> Task<std::string> {
        co_return args.text;
    }));
    list.push_back(agent::Tool::from("wait", "Waits, then says how long", [](WaitArgs args) -> Task<std::string> {
        co_await sleep(std::chrono::duration_cast<Duration>(std::chrono::duration<double>(args.seconds)));
        co_return "waited " + std::to_string(args.seconds) + " s";
    }));
    return list;
}

Task<> serve_http(const agent::mcp::Server& server, std::uint16_t port) {
    agent::mcp::StreamableHttpServer endpoint(server);
    http::Server http;
    endpoint.mount(http);
    http.start("127.0.0.1", port);
    std::cout << "http://127.0.0.1:" << http.port() << "/mcp" << std::endl;
    Event stopped;  // never set: the process is stopped from outside
    co_await stopped.wait();
}

int main(int argc, char** argv) {
    const agent::mcp::Server server(tools(), {.name = "agentio-example",
                                              .version = "1.0.0",
                                              .instructions = "Arithmetic and echo tools for trying MCP clients."});
    if (argc == 3 && std::string(argv[1]) == "--http") {
        agentio::run(serve_http(server, static_cast<std::uint16_t>(std::atoi(argv[2]))));
        return 0;
    }
    if (argc != 1) {
        std::cerr << "usage: mcp_server [--http PORT]\n";
        return 2;
    }
    agentio::run(server.serve_stdio());
    return 0;
}
