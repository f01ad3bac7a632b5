// process_transport.hpp: a child process as an MCP peer, with /bin/sh playing
// broken servers: one that exits, one that writes garbage, one that cannot be
// started. Every failure names the server and never hangs. Real clock (real
// pipes), every wait bounded.
#include <agentio/agent/mcp/process_transport.hpp>
#include <agentio/agent/mcp/session.hpp>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <agentio/agentio.hpp>

using namespace agentio;
using namespace agentio::agent::mcp;
using namespace std::chrono_literals;

namespace {

ProcessOptions shell(std::string script, std::string name = "broken") {
    ProcessOptions options;
    options.command = {"/bin/sh", "-c", std::move(script)};
    options.name = std::move(name);
    options.capture_stderr = true;
    options.shutdown_grace = 1s;
    return options;
}

std::string failure_of(ProcessOptions options) {
    return run([](ProcessOptions options) -> Task<std::string> {
        Session session(ProcessTransport::spawn(std::move(options)));
        session.start();
        std::string message;
        try {
            co_await wait_for(session.request("tools/list"), 20s);
        } catch (const TransportError& error) {
            message = error.what();
        }
        co_await session.close();
        co_return message;
    }(std::move(options)));
}

}  // namespace

TEST(McpProcessTransportTest, ForCommandIsTheProgramThenItsArguments) {
    const std::string last = "stdio";
    const ProcessOptions options = ProcessOptions::for_command("npx", "-y", std::string("server"), last);
    EXPECT_EQ(options.command, (std::vector<std::string>{"npx", "-y", "server", "stdio"}));
    EXPECT_EQ(ProcessOptions::for_command("true").command, std::vector<std::string>{"true"});
}

TEST(McpProcessTransportTest, AnEchoingChildAnswersALineForALine) {
    // `cat` echoes our request back: as a response it is garbage, but as a
    // request it is one line in, one line out, proving the framing both ways.
    run([]() -> Task<> {
        auto transport = ProcessTransport::spawn(shell("head -n 1"));
        Outgoing message;
        message.text = R"({"jsonrpc":"2.0","method":"hello","params":{"text":"a\nb"}})";
        co_await transport->send(message);
        const std::optional<Incoming> line = co_await wait_for(transport->receive(), 20s);
        const std::string* text = line ? std::get_if<std::string>(&*line) : nullptr;  // a pipe hands over texts
        EXPECT_TRUE(text != nullptr);
        if (text) {
            EXPECT_EQ(*text, message.text);
        }
        co_await transport->close();
    }());
}

TEST(McpProcessTransportTest, AChildThatExitsFailsThePendingCallWithItsStatusAndStderr) {
    const std::string message = failure_of(shell("read line; echo 'fatal: no config' >&2; exit 3"));
    EXPECT_NE(message.find("mcp server 'broken' closed its output"), std::string::npos) << message;
    EXPECT_NE(message.find("exited with status 3"), std::string::npos) << message;
    EXPECT_NE(message.find("fatal: no config"), std::string::npos) << message;
}

TEST(McpProcessTransportTest, AChildThatWritesGarbageFailsThePendingCallNamingIt) {
    const std::string message = failure_of(shell("read line; echo 'Listening on port 3000'; sleep 30"));
    EXPECT_NE(message.find("mcp server 'broken' sent something that is not JSON-RPC: Listening on port 3000"),
              std::string::npos)
        << message;
}

TEST(McpProcessTransportTest, ACommandThatCannotStartIsAClearError) {
    ProcessOptions options;
    options.command = {"/nonexistent/mcp-server"};
    try {
        ProcessTransport::spawn(options);
        FAIL() << "spawned";
    } catch (const TransportError& error) {
        EXPECT_NE(std::string(error.what()).find("mcp server 'mcp-server': cannot start '/nonexistent/mcp-server'"),
                  std::string::npos)
            << error.what();
    }
}

TEST(McpProcessTransportTest, CloseStopsAChildThatIgnoresItsStdinWithSignals) {
    run([]() -> Task<> {
        ProcessOptions options = shell("trap '' TERM; while true; do sleep 1; done");
        options.shutdown_grace = 200ms;
        auto transport = ProcessTransport::spawn(options);
        co_await wait_for(transport->close(), 20s);
        const int status = transport->wait_status().value_or(0);
        EXPECT_TRUE(WIFSIGNALED(status));
        EXPECT_EQ(WTERMSIG(status), SIGKILL);
    }());
}
