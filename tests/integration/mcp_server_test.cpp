// Our MCP server against our MCP client over both transports: Streamable
// HTTP in process on a free loopback port (plus the HTTP rules checked with a
// plain HTTP client: session ids, status codes, Origin), and stdio with the
// example server (examples/mcp_server.cpp) as a child process.
// Real clock, every wait bounded.
#include <agentio/agent/mcp/client.hpp>
#include <agentio/agent/mcp/http_client_transport.hpp>
#include <agentio/agent/mcp/process_transport.hpp>
#include <agentio/agent/mcp/server.hpp>
#include <agentio/agent/mcp/streamable_http_server.hpp>
#include <agentio/agentio.hpp>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "integration/support.hpp"

using namespace agentio;
using namespace agentio::agent::mcp;
using namespace std::chrono_literals;

namespace {

struct EchoArgs {
    std::string text;
    static auto describe() { return agent::fields(agent::field("text", &EchoArgs::text, "What to say back")); }
};

std::vector<agent::Tool> tools(std::shared_ptr<Event> wait_started) {
    std::vector<agent::Tool> list;
    list.push_back(agent::Tool::from("echo", "Says the text back",
                                     [](EchoArgs args) -> Task<std::string> { co_return "echo: " + args.text; }));
    list.push_back(agent::Tool::from("hang", "Never finishes", [wait_started]() -> Task<std::string> {
        wait_started->set();
        Event never;
        co_await never.wait();
        co_return "";
    }));
    return list;
}

// An MCP endpoint on a free loopback port, for the length of one test body.
struct HttpEndpoint {
    std::shared_ptr<Event> hang_started = std::make_shared<Event>();
    StreamableHttpServer endpoint;
    http::Server http;

    explicit HttpEndpoint(StreamableHttpOptions options = {})
        : endpoint(Server(tools(hang_started), {.name = "itest", .page_size = 1}), std::move(options)) {
        endpoint.mount(http);
        http.start("127.0.0.1", 0);
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(http.port()) + "/mcp"; }
    std::unique_ptr<HttpClientTransport> transport(std::size_t max_connections = 100) const {
        HttpClientOptions options;
        options.url = url();
        options.name = "itest";
        options.http.max_connections_per_origin = max_connections;
        return std::make_unique<HttpClientTransport>(options);
    }
    Task<> stop() {
        co_await endpoint.close();
        co_await http.shutdown(1s);
    }
};

Json echo_arguments(const std::string& text) { return {{"text", text}}; }

http::ClientRequest post(const std::string& url, std::string body, const std::string& session = {}) {
    http::ClientRequest request;
    request.method = "POST";
    request.url = url;
    request.body = std::move(body);
    request.headers.set("Content-Type", "application/json");
    request.headers.set("Accept", "application/json, text/event-stream");
    if (!session.empty()) request.headers.set("Mcp-Session-Id", session);
    return request;
}

std::string initialize_body() {
    return R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
           R"("capabilities":{},"clientInfo":{"name":"raw","version":"1"}}})";
}

constexpr const char* kListBody = R"({"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}})";

}  // namespace

TEST(McpServerHttpTest, OurClientListsAndCallsToolsOverStreamableHttp) {
    run([]() -> Task<> {
        HttpEndpoint server;
        Task<Client> connecting = Client::connect(server.transport());
        Client client = co_await wait_for(std::move(connecting), 30s);
        EXPECT_EQ(client.server_info()["name"], "itest");
        EXPECT_EQ(server.endpoint.session_count(), 1u);
        const std::vector<ToolInfo> listed = co_await wait_for(client.list_tools(), 30s);
        std::vector<std::string> names;
        for (const ToolInfo& tool : listed) names.push_back(tool.name);
        EXPECT_EQ(names, (std::vector<std::string>{"echo", "hang"}));
        const CallToolResult echo = co_await wait_for(client.call_tool("echo", echo_arguments("over http")), 30s);
        EXPECT_EQ(echo.text(), "echo: over http");
        co_await wait_for(client.close(), 30s);
        EXPECT_EQ(server.endpoint.session_count(), 0u);  // the client's DELETE ended it
        co_await server.stop();
    }());
}

TEST(McpServerHttpTest, AClientAllowedOneConnectionListensAndStillCalls) {
    run([]() -> Task<> {
        HttpEndpoint server;
        // The session's GET stream stays open throughout; it must not hold
        // the one connection the client may use for its requests.
        Task<Client> connecting = Client::connect(server.transport(1));
        Client client = co_await wait_for(std::move(connecting), 30s);
        for (int i = 0; i < 3; ++i) {
            const CallToolResult echo = co_await wait_for(client.call_tool("echo", echo_arguments("one lane")), 30s);
            EXPECT_EQ(echo.text(), "echo: one lane");
        }
        co_await wait_for(client.close(), 30s);
        co_await server.stop();
    }());
}

TEST(McpServerHttpTest, ACancelledCallOverHttpLeavesTheSessionUsable) {
    run([]() -> Task<> {
        HttpEndpoint server;
        Task<Client> connecting = Client::connect(server.transport());
        Client client = co_await wait_for(std::move(connecting), 30s);
        auto hanging = create_task(client.call_tool("hang"));
        co_await wait_for(server.hang_started->wait(), 30s);
        hanging.cancel();
        EXPECT_THROW(co_await hanging, CancelledError);
        const CallToolResult echo = co_await wait_for(client.call_tool("echo", echo_arguments("still here")), 30s);
        EXPECT_EQ(echo.text(), "echo: still here");
        co_await wait_for(client.close(), 30s);
        co_await server.stop();
    }());
}

TEST(McpServerHttpTest, AStreamThatEndsWithAMalformedAnswerFailsTheCallInsteadOfLeavingItWaiting) {
    // The one event names the request's id but holds neither a result nor an
    // error: it is not the answer, and the stream ends without one.
    run([]() -> Task<> {
        http::Server http;
        http.route("POST", "/mcp", [](http::Request& request) -> Task<http::Response> {
            const std::string body = co_await request.text();
            Json malformed = Json::object();
            malformed["jsonrpc"] = "2.0";
            malformed["id"] = llm::parse_json(body)["id"];
            co_return http::Response::sse([malformed](http::ResponseStream& out) -> Task<> {
                http::SseEvent event;
                event.data = malformed.dump();
                co_await out.send(event);
            });
        });
        http.start("127.0.0.1", 0);
        HttpClientOptions options;
        options.url = "http://127.0.0.1:" + std::to_string(http.port()) + "/mcp";
        options.name = "malformed";
        Session session(std::make_unique<HttpClientTransport>(options));
        session.start();
        std::string failure;
        try {
            Json params = Json::object();
            params["name"] = "echo";
            Task<Json> asking = session.request("tools/call", std::move(params));
            co_await wait_for(std::move(asking), 30s);
        } catch (const TransportError& error) {
            failure = error.what();
        }
        EXPECT_NE(failure.find("ended before the response"), std::string::npos) << failure;
        co_await session.close();
        co_await http.shutdown(1s);
    }());
}

TEST(McpServerHttpTest, TheSessionRulesAreAnsweredWithTheSpecsStatusCodes) {
    run([]() -> Task<> {
        // Every answer a stream: what it checks holds for both kinds of answer,
        // and the stream's framing is checked too.
        HttpEndpoint server({.json_answer_window = 0ms});
        http::Client http;
        const std::string url = server.url();

        http::ClientResponse init = co_await wait_for(http.send(post(url, initialize_body())), 30s);
        EXPECT_EQ(init.status(), 200);
        EXPECT_EQ(init.header("Content-Type").value_or(""), "text/event-stream");
        const std::string session(init.header("Mcp-Session-Id").value_or(""));
        EXPECT_EQ(session.size(), 32u);
        const std::string init_events = co_await wait_for(init.text(), 30s);
        EXPECT_NE(init_events.find("\"protocolVersion\":\"2025-11-25\""), std::string::npos) << init_events;

        http::ClientResponse missing = co_await wait_for(http.send(post(url, kListBody)), 30s);
        EXPECT_EQ(missing.status(), 400);
        (void)co_await missing.text();
        http::ClientResponse unknown = co_await wait_for(http.send(post(url, kListBody, "0123")), 30s);
        EXPECT_EQ(unknown.status(), 404);
        (void)co_await unknown.text();

        const std::string initialized = R"({"jsonrpc":"2.0","method":"notifications/initialized"})";
        http::ClientResponse accepted = co_await wait_for(http.send(post(url, initialized, session)), 30s);
        EXPECT_EQ(accepted.status(), 202);
        EXPECT_EQ(co_await accepted.text(), "");

        http::ClientRequest old_version = post(url, kListBody, session);
        old_version.headers.set("MCP-Protocol-Version", "1999-01-01");
        http::ClientResponse refused_version = co_await wait_for(http.send(std::move(old_version)), 30s);
        EXPECT_EQ(refused_version.status(), 400);
        (void)co_await refused_version.text();

        http::ClientRequest rebinding = post(url, kListBody, session);
        rebinding.headers.set("Origin", "http://evil.example");
        http::ClientResponse forbidden = co_await wait_for(http.send(std::move(rebinding)), 30s);
        EXPECT_EQ(forbidden.status(), 403);
        (void)co_await forbidden.text();

        http::ClientRequest local = post(url, kListBody, session);
        local.headers.set("Origin", "http://localhost:5173");
        http::ClientResponse listed = co_await wait_for(http.send(std::move(local)), 30s);
        EXPECT_EQ(listed.status(), 200);
        const std::string list_events = co_await wait_for(listed.text(), 30s);
        EXPECT_NE(list_events.find("\"nextCursor\""), std::string::npos) << list_events;

        http::ClientRequest json_only = post(url, kListBody, session);
        json_only.headers.set("Accept", "application/json");
        http::ClientResponse not_acceptable = co_await wait_for(http.send(std::move(json_only)), 30s);
        EXPECT_EQ(not_acceptable.status(), 406);
        (void)co_await not_acceptable.text();

        http::ClientResponse garbage = co_await wait_for(http.send(post(url, "{not json", session)), 30s);
        EXPECT_EQ(garbage.status(), 400);
        EXPECT_NE((co_await garbage.text()).find("-32700"), std::string::npos);

        // GET opens the session's standalone stream; only one at a time.
        http::ClientRequest stream;
        stream.url = url;
        stream.headers.set("Accept", "text/event-stream");
        stream.headers.set("Mcp-Session-Id", session);
        http::ClientRequest second_stream = stream;
        http::ClientResponse standalone = co_await wait_for(http.send(std::move(stream)), 30s);
        EXPECT_EQ(standalone.status(), 200);
        EXPECT_EQ(standalone.header("Content-Type").value_or(""), "text/event-stream");
        http::ClientResponse conflict = co_await wait_for(http.send(std::move(second_stream)), 30s);
        EXPECT_EQ(conflict.status(), 409);
        (void)co_await conflict.text();

        http::ClientRequest end;
        end.method = "DELETE";
        end.url = url;
        end.headers.set("Mcp-Session-Id", session);
        http::ClientRequest end_again = end;
        http::ClientResponse ended = co_await wait_for(http.send(std::move(end)), 30s);
        EXPECT_EQ(ended.status(), 200);
        (void)co_await ended.text();
        // The session's end ends its standalone stream, after the priming event.
        const std::string standalone_events = co_await wait_for(standalone.text(), 30s);
        EXPECT_NE(standalone_events.find("retry: 1000"), std::string::npos) << standalone_events;
        http::ClientResponse gone = co_await wait_for(http.send(post(url, kListBody, session)), 30s);
        EXPECT_EQ(gone.status(), 404);
        (void)co_await gone.text();
        http::ClientResponse ended_twice = co_await wait_for(http.send(std::move(end_again)), 30s);
        EXPECT_EQ(ended_twice.status(), 404);
        (void)co_await ended_twice.text();
        co_await server.stop();
    }());
}

// A raw session: initialized, its id returned.
Task<std::string> open_raw_session(http::Client& http, const std::string& url) {
    http::ClientResponse init = co_await wait_for(http.send(post(url, initialize_body())), 30s);
    const std::string session(init.header("Mcp-Session-Id").value_or(""));
    (void)co_await init.text();
    const std::string initialized = R"({"jsonrpc":"2.0","method":"notifications/initialized"})";
    http::ClientResponse accepted = co_await wait_for(http.send(post(url, initialized, session)), 30s);
    (void)co_await accepted.text();
    co_return session;
}

Task<> end_raw_session(http::Client& http, const std::string& url, const std::string& session) {
    http::ClientRequest end;
    end.method = "DELETE";
    end.url = url;
    end.headers.set("Mcp-Session-Id", session);
    http::ClientResponse ended = co_await wait_for(http.send(std::move(end)), 30s);
    EXPECT_EQ(ended.status(), 200);
    (void)co_await ended.text();
}

constexpr const char* kEchoCall =
    R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":{"text":"quick"}}})";
constexpr const char* kHangCall = R"({"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"hang","arguments":{}}})";

TEST(McpServerHttpTest, AnAnswerReadyWithinTheWindowIsOneJsonBody) {
    run([]() -> Task<> {
        // A window no machine's echo misses: the test does not depend on speed.
        HttpEndpoint server({.json_answer_window = 30s});
        http::Client http;
        const std::string url = server.url();
        const std::string session = co_await open_raw_session(http, url);
        http::ClientResponse quick = co_await wait_for(http.send(post(url, kEchoCall, session)), 60s);
        EXPECT_EQ(quick.status(), 200);
        EXPECT_EQ(quick.header("Content-Type").value_or(""), "application/json");
        const Json answer = Json::parse(co_await wait_for(quick.text(), 30s));
        EXPECT_EQ(answer["id"], 3);
        EXPECT_EQ(answer["result"]["content"][0]["text"], "echo: quick");
        co_await end_raw_session(http, url, session);
        co_await server.stop();
    }());
}

TEST(McpServerHttpTest, AnAnswerNotReadyWithinTheWindowIsAStream) {
    run([]() -> Task<> {
        HttpEndpoint server;
        http::Client http;
        const std::string url = server.url();
        const std::string session = co_await open_raw_session(http, url);
        // `hang` never answers: once the window has passed the answer becomes
        // a stream, which opens with its priming event and ends with the session.
        http::ClientResponse slow = co_await wait_for(http.send(post(url, kHangCall, session)), 30s);
        EXPECT_EQ(slow.status(), 200);
        EXPECT_EQ(slow.header("Content-Type").value_or(""), "text/event-stream");
        co_await end_raw_session(http, url, session);
        const std::string events = co_await wait_for(slow.text(), 30s);
        EXPECT_NE(events.find("retry: 1000"), std::string::npos) << events;
        co_await server.stop();
    }());
}

TEST(McpServerHttpTest, WithoutAJsonAnswerWindowEveryAnswerIsAStream) {
    run([]() -> Task<> {
        HttpEndpoint server({.json_answer_window = 0ms});
        http::Client http;
        const std::string url = server.url();
        const std::string session = co_await open_raw_session(http, url);
        http::ClientResponse quick = co_await wait_for(http.send(post(url, kEchoCall, session)), 30s);
        EXPECT_EQ(quick.header("Content-Type").value_or(""), "text/event-stream");
        const std::string events = co_await wait_for(quick.text(), 30s);
        EXPECT_NE(events.find("echo: quick"), std::string::npos) << events;
        EXPECT_NE(events.find("id: "), std::string::npos) << events;
        co_await end_raw_session(http, url, session);
        co_await server.stop();
    }());
}

TEST(McpServerHttpTest, JsonResponseModeAnswersOneJsonBody) {
    run([]() -> Task<> {
        HttpEndpoint server({.json_response = true});
        http::Client http;
        http::ClientRequest init = post(server.url(), initialize_body());
        init.headers.set("Accept", "application/json");
        http::ClientResponse answer = co_await wait_for(http.send(std::move(init)), 30s);
        EXPECT_EQ(answer.status(), 200);
        EXPECT_EQ(answer.header("Content-Type").value_or(""), "application/json");
        const Json body = Json::parse(co_await wait_for(answer.text(), 30s));
        EXPECT_EQ(body["id"], 1);
        EXPECT_EQ(body["result"]["serverInfo"]["name"], "itest");
        Task<Client> connecting = Client::connect(server.transport());
        Client client = co_await wait_for(std::move(connecting), 30s);
        const CallToolResult echo = co_await wait_for(client.call_tool("echo", echo_arguments("as json")), 30s);
        EXPECT_EQ(echo.text(), "echo: as json");
        co_await wait_for(client.close(), 30s);
        co_await server.stop();
    }());
}

constexpr const char* kPing = R"({"jsonrpc":"2.0","id":9,"method":"ping"})";

// The HTTP status of a ping in `session`.
Task<int> ping_status(http::Client& http, const std::string& url, const std::string& session) {
    http::ClientResponse pong = co_await wait_for(http.send(post(url, kPing, session)), 30s);
    (void)co_await pong.text();
    co_return pong.status();
}

TEST(McpServerHttpTest, AnIdleSessionEndsWhenAnotherOpensButOneWithACallRunningStays) {
    run([]() -> Task<> {
        HttpEndpoint server({.session_idle_timeout = 1ms});
        http::Client http;
        const std::string url = server.url();
        // The busy one first: opening a session ends those idle past the timeout.
        const std::string working = co_await open_raw_session(http, url);
        http::ClientResponse hanging = co_await wait_for(http.send(post(url, kHangCall, working)), 30s);
        const std::string idle = co_await open_raw_session(http, url);
        co_await sleep(20ms);  // past the timeout: a lower bound, a slower machine only waits longer
        EXPECT_EQ(server.endpoint.session_count(), 2u);  // sessions end when one is made
        const std::string fresh = co_await open_raw_session(http, url);
        EXPECT_EQ(co_await ping_status(http, url, idle), 404);
        EXPECT_EQ(co_await ping_status(http, url, working), 200);
        EXPECT_EQ(co_await ping_status(http, url, fresh), 200);
        EXPECT_EQ(server.endpoint.session_count(), 2u);
        co_await server.stop();
        (void)co_await wait_for(hanging.text(), 30s);
    }());
}

TEST(McpServerHttpTest, OurClientWhoseSessionEndedWhileIdleInitializesAgainAndGoesOn) {
    run([]() -> Task<> {
        HttpEndpoint server({.session_idle_timeout = 1ms});
        HttpClientOptions options;
        options.url = server.url();
        options.listen = false;  // a GET stream open would keep the session busy
        Task<Client> connecting = Client::connect(std::make_unique<HttpClientTransport>(options));
        Client client = co_await wait_for(std::move(connecting), 30s);
        co_await sleep(20ms);
        http::Client http;
        (void)co_await open_raw_session(http, server.url());  // ends the client's idle session
        const CallToolResult echo = co_await wait_for(client.call_tool("echo", echo_arguments("again")), 30s);
        EXPECT_EQ(echo.text(), "echo: again");
        co_await wait_for(client.close(), 30s);
        co_await server.stop();
    }());
}

TEST(McpServerHttpTest, AStreamWhoseClientIsGoneIsFoundOutByItsKeepAliveAndItsSessionCanEnd) {
    run([]() -> Task<> {
        HttpEndpoint server({.session_idle_timeout = 1ms, .keepalive = 5ms});
        http::Client http;
        const std::string url = server.url();
        const std::string listener = co_await open_raw_session(http, url);
        {
            http::ClientRequest get;
            get.method = "GET";
            get.url = url;
            get.headers.set("Accept", "text/event-stream");
            get.headers.set("Mcp-Session-Id", listener);
            http::ClientResponse stream = co_await wait_for(http.send(std::move(get)), 30s);
            EXPECT_EQ(stream.status(), 200);
            std::string seen;
            while (seen.find(": keep-alive") == std::string::npos) {
                const std::optional<std::string_view> piece = co_await wait_for(stream.body().next(), 30s);
                if (!piece) break;
                seen += *piece;
            }
            EXPECT_NE(seen.find(": keep-alive"), std::string::npos) << seen;
        }  // dropped unread: the connection closes
        // Its stream holds the session until a keep-alive fails to reach the
        // client; then the session is idle, and the next one made ends it.
        int status = 200;
        for (int attempt = 0; attempt < 500 && status != 404; ++attempt) {
            co_await sleep(10ms);
            (void)co_await open_raw_session(http, url);
            status = co_await ping_status(http, url, listener);
        }
        EXPECT_EQ(status, 404);
        co_await server.stop();
    }());
}

TEST(McpServerStdioTest, OurClientUsesTheExampleServerAsAChildProcess) {
    run([]() -> Task<> {
        ProcessOptions options;
        options.command = {std::string(AGENTIO_BIN_DIR) + "/mcp_server"};
        options.name = "example";
        options.capture_stderr = true;
        Task<Client> connecting = Client::connect(ProcessTransport::spawn(options));
        Client client = co_await wait_for(std::move(connecting), 30s);
        EXPECT_EQ(client.server_info()["name"], "agentio-example");
        EXPECT_FALSE(client.instructions().empty());
        const std::vector<ToolInfo> listed = co_await wait_for(client.list_tools(), 30s);
        EXPECT_EQ(listed.size(), 3u);
        const Json sum_arguments = {{"a", 2}, {"b", 40}};
        const CallToolResult sum = co_await wait_for(client.call_tool("add", sum_arguments), 30s);
        EXPECT_EQ(sum.text(), "42.0");
        const Json bad_arguments = {{"a", "two"}};
        const CallToolResult bad = co_await wait_for(client.call_tool("add", bad_arguments), 30s);
        EXPECT_TRUE(bad.is_error);
        // A call cancelled by its deadline leaves the server answering.
        const Json long_wait = {{"seconds", 600}};
        EXPECT_THROW(co_await wait_for(client.call_tool("wait", long_wait), 200ms), TimeoutError);
        co_await wait_for(client.ping(), 30s);
        // Closing our end of its stdin is end of file: the server exits on its own.
        co_await wait_for(client.close(), 30s);
    }());
}

// A client may write all its requests and close our stdin before it reads:
// each request already read is answered before the server exits.
namespace {

// The example server's answers to `requests` written to its stdin, which then closes.
std::vector<Json> answers_to(const std::string& requests) {
    const std::string output = std::filesystem::temp_directory_path() / ("agentio-mcp-eof-" + std::to_string(::getpid()));
    const std::string command = "printf '%b' '" + requests + "' | " + std::string(AGENTIO_BIN_DIR) + "/mcp_server > " + output;
    EXPECT_EQ(std::system(command.c_str()), 0);
    std::ifstream in(output);
    std::vector<Json> answers;
    for (std::string line; std::getline(in, line);) answers.push_back(Json::parse(line));
    std::filesystem::remove(output);
    return answers;
}

constexpr const char* kStdioRequests =
    R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}\n)"
    R"({"jsonrpc":"2.0","method":"notifications/initialized"}\n)"
    R"({"jsonrpc":"2.0","id":2,"method":"tools/list"}\n)"
    R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"add","arguments":{"a":2,"b":3}}}\n)";

}  // namespace

TEST(McpServerStdioTest, AMessageCutOffByEndOfInputIsDroppedAndTheOnesBeforeItAnswered) {
    const std::vector<Json> answers = answers_to(std::string(kStdioRequests) + R"({"jsonrpc":"2.0","id":4,"meth)");
    std::vector<int> ids;
    for (const Json& answer : answers) ids.push_back(answer["id"].get<int>());
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(ids, (std::vector<int>{1, 2, 3}));
}

TEST(McpServerStdioTest, RequestsWrittenBeforeEndOfInputAreAllAnswered) {
    const std::vector<Json> answers = answers_to(kStdioRequests);
    ASSERT_EQ(answers.size(), 3u);
    std::vector<int> ids;
    for (const Json& answer : answers) {
        ids.push_back(answer["id"].get<int>());
        EXPECT_TRUE(answer.contains("result")) << answer.dump();
    }
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(ids, (std::vector<int>{1, 2, 3}));
}
