// session.hpp: a JSON-RPC conversation against a scripted peer: correlation,
// errors both ways, progress, cancellation, and a peer that goes away.
#include <agentio/agent/mcp/session.hpp>
#include <gtest/gtest.h>

#include "agent/mcp_test_support.hpp"
#include "core/test_support.hpp"

using namespace agentio;
using namespace agentio::testkit;
using namespace agentio::agent::mcp;
using namespace std::chrono_literals;

namespace {

// Messages built outside the coroutines: g++ 12 cannot compile braced JSON
// literals inside a co_await expression.
Json result_for(const Json& request, Json result) {
    return {{"jsonrpc", "2.0"}, {"id", request["id"]}, {"result", std::move(result)}};
}

Json error_for(const Json& request, int code, const std::string& message) {
    return {{"jsonrpc", "2.0"}, {"id", request["id"]}, {"error", {{"code", code}, {"message", message}}}};
}

Json progress_for(const Json& token, int progress, int total) {
    return {{"jsonrpc", "2.0"},
            {"method", "notifications/progress"},
            {"params", {{"progressToken", token}, {"progress", progress}, {"total", total}}}};
}

Json params_n(int n) { return {{"n", n}}; }

}  // namespace

TEST(McpSessionTest, ResponsesFindTheirRequestsWhateverTheOrder) {
    run_virtual([]() -> Task<> {
        auto link = memory_peer();
        RawPeer& peer = link.second;
        Session session(std::move(link.first));
        session.start();
        auto first = create_task(session.request("first", params_n(1)));
        auto second = create_task(session.request("second", params_n(2)));
        const Json a = co_await peer.read();
        const Json b = co_await peer.read();
        EXPECT_EQ(a["method"], "first");
        EXPECT_EQ(b["params"]["n"], 2);
        EXPECT_NE(a["id"], b["id"]);
        co_await peer.write(result_for(b, Json::parse(R"({"who":"second"})")));
        co_await peer.write(result_for(a, Json::parse(R"({"who":"first"})")));
        EXPECT_EQ((co_await first)["who"], "first");
        EXPECT_EQ((co_await second)["who"], "second");
        co_await session.close();
    }());
}

TEST(McpSessionTest, AnErrorResponseIsThrownWithItsCodeAndThePeersName) {
    run_virtual([]() -> Task<> {
        auto link = memory_peer();
        RawPeer& peer = link.second;
        Session session(std::move(link.first));
        session.start();
        auto call = create_task(session.request("tools/call"));
        const Json sent = co_await peer.read();
        co_await peer.write(error_for(sent, -32602, "Unknown tool: nope"));
        try {
            co_await call;
            ADD_FAILURE() << "no error";
        } catch (const RpcError& error) {
            EXPECT_EQ(error.code(), -32602);
            EXPECT_STREQ(error.what(), "mcp server 'scripted': Unknown tool: nope");
        }
        co_await session.close();
    }());
}

TEST(McpSessionTest, ProgressNotificationsReachTheCallbackUntilTheResponse) {
    run_virtual([]() -> Task<> {
        auto link = memory_peer();
        RawPeer& peer = link.second;
        Session session(std::move(link.first));
        session.start();
        std::vector<double> seen;
        RequestOptions options;
        options.on_progress = [&](const Progress& p) {
            seen.push_back(p.progress);
            EXPECT_EQ(p.total, 2.0);
        };
        auto call = create_task(session.request("slow", Json::object(), options));
        const Json sent = co_await peer.read();
        const Json token = sent["params"]["_meta"]["progressToken"];
        EXPECT_FALSE(token.is_null());
        for (int i = 1; i <= 2; ++i) co_await peer.write(progress_for(token, i, 2));
        co_await peer.write(progress_for(Json("someone else's"), 9, 2));
        co_await peer.write(result_for(sent, Json::object()));
        co_await call;
        EXPECT_EQ(seen, (std::vector<double>{1, 2}));
        co_await session.close();
    }());
}

TEST(McpSessionTest, ACancelledCallTellsThePeerAndALateResponseIsDropped) {
    run_virtual([]() -> Task<> {
        auto link = memory_peer();
        RawPeer& peer = link.second;
        Session session(std::move(link.first));
        session.start();
        bool cancelled = false;
        try {
            co_await wait_for(session.request("slow"), 1s);
        } catch (const TimeoutError&) {
            cancelled = true;
        }
        EXPECT_TRUE(cancelled);
        const Json request = co_await peer.read();
        const Json notice = co_await peer.read();
        EXPECT_EQ(notice["method"], "notifications/cancelled");
        EXPECT_EQ(notice["params"]["requestId"], request["id"]);
        co_await peer.write(result_for(request, Json::object()));
        // The session is still usable after the late answer.
        auto next = create_task(session.request("ping"));
        const Json ping = co_await peer.read();
        co_await peer.write(result_for(ping, Json::object()));
        EXPECT_EQ(co_await next, Json::object());
        co_await session.close();
    }());
}

TEST(McpSessionTest, APeerThatGoesAwayFailsEveryWaitingCallNamingIt) {
    run_virtual([]() -> Task<> {
        auto link = memory_peer();
        RawPeer& peer = link.second;
        Session session(std::move(link.first));
        session.start();
        auto call = create_task(session.request("slow"));
        co_await peer.read();
        peer.hang_up();
        try {
            co_await call;
            ADD_FAILURE() << "no error";
        } catch (const TransportError& error) {
            EXPECT_STREQ(error.what(), "mcp server 'scripted' closed the connection");
        }
        EXPECT_FALSE(session.is_open());
        EXPECT_THROW(co_await session.request("again"), TransportError);
        co_await session.close();
    }());
}

TEST(McpSessionTest, GarbageFromThePeerEndsTheSessionWithAnExcerpt) {
    run_virtual([]() -> Task<> {
        auto link = memory_peer();
        RawPeer& peer = link.second;
        Session session(std::move(link.first));
        session.start();
        auto call = create_task(session.request("x"));
        co_await peer.read();
        co_await peer.write(std::string("Debugger listening on ws://"));
        try {
            co_await call;
            ADD_FAILURE() << "no error";
        } catch (const TransportError& error) {
            EXPECT_NE(std::string(error.what()).find("mcp server 'scripted' sent something that is not JSON-RPC: "
                                                     "Debugger listening"),
                      std::string::npos);
        }
        const Json reply = co_await peer.read();
        EXPECT_EQ(reply["error"]["code"], -32700);
        co_await session.close();
    }());
}

TEST(McpSessionTest, IncomingRequestsAreAnsweredWithResultsAndTheRightErrorCodes) {
    run_virtual([]() -> Task<> {
        auto link = memory_peer();
        RawPeer& peer = link.second;
        Session session(std::move(link.first), {.fail_on_garbage = false});
        session.on_request("add", [](Json params, RequestContext&) -> Task<Json> {
            Json sum = {{"sum", params["a"].get<int>() + params["b"].get<int>()}};
            co_return sum;
        });
        session.on_request("strict", [](Json, RequestContext&) -> Task<Json> {
            throw RpcError(error_code::invalid_params, "b is missing");
            co_return Json();
        });
        session.on_request("broken", [](Json, RequestContext&) -> Task<Json> {
            throw std::runtime_error("disk full");
            co_return Json();
        });
        session.start();
        co_await peer.write(std::string(R"({"jsonrpc":"2.0","id":1,"method":"add","params":{"a":2,"b":3}})"));
        EXPECT_EQ((co_await peer.read())["result"]["sum"], 5);
        co_await peer.write(std::string(R"({"jsonrpc":"2.0","id":2,"method":"strict"})"));
        EXPECT_EQ((co_await peer.read())["error"]["code"], -32602);
        co_await peer.write(std::string(R"({"jsonrpc":"2.0","id":3,"method":"broken"})"));
        const Json broken = co_await peer.read();
        EXPECT_EQ(broken["error"]["code"], -32603);
        EXPECT_EQ(broken["error"]["message"], "disk full");
        co_await peer.write(std::string(R"({"jsonrpc":"2.0","id":"p","method":"ping"})"));
        const Json pong = co_await peer.read();
        EXPECT_EQ(pong["id"], "p");
        EXPECT_EQ(pong["result"], Json::object());
        co_await peer.write(std::string(R"({"jsonrpc":"2.0","id":4,"method":"sampling/createMessage"})"));
        EXPECT_EQ((co_await peer.read())["error"]["code"], -32601);
        co_await peer.write(std::string(R"({"jsonrpc":"2.0","id":5,"method":"add","params":"x"})"));
        const Json invalid = co_await peer.read();
        EXPECT_EQ(invalid["error"]["code"], -32600);
        EXPECT_EQ(invalid["id"], 5);
        co_await peer.write(std::string("not json"));
        const Json parse = co_await peer.read();
        EXPECT_EQ(parse["error"]["code"], -32700);
        EXPECT_TRUE(parse["id"].is_null());
        EXPECT_TRUE(session.is_open());
        co_await session.close();
    }());
}

TEST(McpSessionTest, ThePeersCancellationStopsTheHandlerAndNoAnswerIsSent) {
    run_virtual([]() -> Task<> {
        auto link = memory_peer();
        RawPeer& peer = link.second;
        MemoryTransport* wire = link.first.get();
        Session session(std::move(link.first), {.fail_on_garbage = false});
        bool stopped = false;
        session.on_request("slow", [&](Json, RequestContext& context) -> Task<Json> {
            try {
                co_await context.report_progress(1, 10);
                co_await sleep(1h);
            } catch (const CancelledError&) {
                stopped = true;
                throw;
            }
            co_return Json::object();
        });
        session.start();
        co_await peer.write(
            std::string(R"({"jsonrpc":"2.0","id":9,"method":"slow","params":{"_meta":{"progressToken":"t"}}})"));
        const Json progress = co_await peer.read();
        EXPECT_EQ(progress["method"], "notifications/progress");
        EXPECT_EQ(progress["params"]["progressToken"], "t");
        co_await peer.write(std::string(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":9}})"));
        co_await sleep(1s);
        EXPECT_TRUE(stopped);
        EXPECT_EQ(wire->abandoned, std::vector<Json>{Json(9)});
        EXPECT_EQ(wire->sent.size(), 1u);  // the progress notification only
        co_await session.close();
    }());
}
