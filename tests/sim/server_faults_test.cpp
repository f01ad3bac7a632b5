// sim::Server's injected faults, each seen on the wire: statuses with the
// API's bodies, a connection reset (a real RST) mid-stream or before a
// plain response, a stall that keeps the connection open, a malformed
// chunk; and fault rates that pick the same requests for the same seed.
#include <agentio/agentio.hpp>
#include <agentio/net/tcp_stream.hpp>
#include <agentio/sim/server.hpp>
#include <gtest/gtest.h>

#include <cerrno>

#include "sim/sim_fixture.hpp"

using namespace agentio;
using namespace std::chrono_literals;
using agentio::testkit::kChat;
using agentio::testkit::Answer;
using agentio::testkit::chat_body;
using agentio::testkit::instant_config;
using agentio::testkit::Json;
using agentio::testkit::post;
using agentio::testkit::sse_data;

namespace {

sim::Config with_faults(void (*set)(sim::Faults&)) {
    sim::Config config = instant_config();
    set(config.faults);
    return config;
}

// What a raw TCP client got: the bytes, and the errno that ended the read (0: a clean end).
struct RawExchange {
    std::string bytes;
    int error = 0;
};

Task<RawExchange> raw_post(std::uint16_t port, std::string body) {
    net::TcpStream stream = co_await net::TcpStream::connect(*net::SocketAddress::parse("127.0.0.1", port));
    const std::string request = "POST /v1/chat/completions HTTP/1.1\r\nHost: sim\r\nContent-Type: application/json\r\n"
                                "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    co_await stream.write(request);
    RawExchange exchange;
    char buffer[4096];
    try {
        for (;;) {
            const std::size_t n = co_await wait_for(stream.read(buffer), 10s);
            if (n == 0) break;
            exchange.bytes.append(buffer, n);
        }
    } catch (const net::ConnectionError& e) {
        exchange.error = e.code() != 0 ? e.code() : -1;
    }
    co_return exchange;
}

std::size_t count(const std::string& text, std::string_view what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

TEST(SimFaultsTest, AnInjected429SaysWhenToRetry) {
    agentio::testkit::with_sim(with_faults([](sim::Faults& f) { f.status_429 = 1; }),
                               [](sim::Server& sim, http::Client& client) -> Task<> {
        for (int i = 0; i < 5; ++i) {
            const Answer answer = co_await post(client, sim, kChat, chat_body("hi"));
            EXPECT_EQ(answer.status, 429);
            EXPECT_EQ(answer.json()["error"]["code"], "rate_limit_exceeded");
            const int ms = std::stoi(answer.header("retry-after-ms"));
            EXPECT_GE(ms, 100);
            EXPECT_LE(ms, 1000);
            EXPECT_EQ(answer.header("retry-after"), "1");
        }
        EXPECT_EQ(sim.stats().faults, 5u);
        EXPECT_EQ(sim.stats().rate_limited, 0u);  // not the limits' doing
    });
}

TEST(SimFaultsTest, Injected500And503CarryServerErrorBodies) {
    agentio::testkit::with_sim(with_faults([](sim::Faults& f) { f.status_500 = 1; }),
                               [](sim::Server& sim, http::Client& client) -> Task<> {
        const Answer answer = co_await post(client, sim, kChat, chat_body("hi"));
        EXPECT_EQ(answer.status, 500);
        EXPECT_EQ(answer.json()["error"]["type"], "server_error");
        const Answer embeddings = co_await post(client, sim, "/v1/embeddings", R"({"model":"sim-embed","input":"x"})");
        EXPECT_EQ(embeddings.status, 500);
    });
    agentio::testkit::with_sim(with_faults([](sim::Faults& f) { f.status_503 = 1; }),
                               [](sim::Server& sim, http::Client& client) -> Task<> {
        const Answer answer = co_await post(client, sim, kChat, chat_body("hi"));
        EXPECT_EQ(answer.status, 503);
        EXPECT_EQ(answer.json()["error"]["code"], "overloaded");
        EXPECT_NE(answer.json()["error"]["message"].get<std::string>().find("overloaded"), std::string::npos);
    });
}

TEST(SimFaultsTest, AResetStreamEndsWithATcpResetAfterSomeContent) {
    agentio::testkit::with_sim(with_faults([](sim::Faults& f) { f.reset_mid_stream = 1; }),
                               [](sim::Server& sim, http::Client& client) -> Task<> {
        const RawExchange raw = co_await raw_post(sim.port(), chat_body("hi", R"({"stream": true})"));
        EXPECT_EQ(raw.error, ECONNRESET) << raw.bytes;
        EXPECT_NE(raw.bytes.find("HTTP/1.1 200 OK"), std::string::npos);
        EXPECT_GE(count(raw.bytes, R"("content":")"), 2u) << "the role chunk and at least one token came first";
        EXPECT_EQ(raw.bytes.find("[DONE]"), std::string::npos);
        EXPECT_EQ(raw.bytes.find("\r\n0\r\n\r\n"), std::string::npos) << "no last chunk";

        // Through http::Client: an error while reading the body, never a short success.
        http::ClientRequest request;
        request.method = "POST";
        request.url = sim.base_url() + "/chat/completions";
        request.body = chat_body("hi", R"({"stream": true})");
        http::ClientResponse response = co_await client.send(std::move(request));
        EXPECT_EQ(response.status(), 200);
        bool failed = false;
        try {
            while (co_await response.body().next()) {
            }
        } catch (const net::ConnectionError&) {
            failed = true;
        }
        EXPECT_TRUE(failed);
        EXPECT_EQ(sim.stats().completed, 0u);
    });
}

TEST(SimFaultsTest, AResetPlainRequestIsClosedBeforeAnyResponse) {
    agentio::testkit::with_sim(with_faults([](sim::Faults& f) { f.reset_mid_stream = 1; }),
                               [](sim::Server& sim, http::Client&) -> Task<> {
        const RawExchange raw = co_await raw_post(sim.port(), chat_body("hi"));
        EXPECT_EQ(raw.bytes, "");
        EXPECT_EQ(sim.stats().faults, 1u);
    });
}

TEST(SimFaultsTest, AStalledStreamSendsTheRoleChunkThenNothingForStallFor) {
    sim::Config config = with_faults([](sim::Faults& f) { f.stall = 1; });
    config.faults.stall_for = 30s;
    config.latency.time_to_first_token = 200ms;
    config.latency.spread = 0;
    agentio::testkit::with_sim_virtual(config, [](sim::Server& sim, http::Client& client) -> Task<> {
        http::ClientRequest request;
        request.method = "POST";
        request.url = sim.base_url() + "/chat/completions";
        request.body = chat_body("hi", R"({"stream": true, "max_tokens": 2})");
        const TimePoint sent = EventLoop::current()->now();
        http::ClientResponse response = co_await client.send(std::move(request));
        std::string received;
        TimePoint first_content{};
        while (auto piece = co_await response.body().next()) {
            received.append(*piece);
            if (first_content == TimePoint{} && count(received, R"("content":")") >= 2) first_content = EventLoop::current()->now();
        }
        const std::vector<std::string> events = sse_data(received);
        EXPECT_EQ(events.size(), 1u + 2u + 1u + 1u);  // role, two tokens, finish, [DONE]: the stall only delays
        EXPECT_GE(first_content - sent, 30s + 200ms);
        EXPECT_EQ(sim.stats().completed, 1u);
    });
}

TEST(SimFaultsTest, AStalledStreamTripsAFirstTokenTimeoutWhileTheConnectionStaysOpen) {
    sim::Config config = with_faults([](sim::Faults& f) { f.stall = 1; });
    agentio::testkit::with_sim_virtual(config, [](sim::Server& sim, http::Client& client) -> Task<> {
        http::ClientRequest request;
        request.method = "POST";
        request.url = sim.base_url() + "/chat/completions";
        request.body = chat_body("hi", R"({"stream": true})");
        http::ClientResponse response = co_await client.send(std::move(request));
        const std::optional<std::string_view> role = co_await response.body().next();
        EXPECT_TRUE(role && role->find(R"("role":"assistant")") != std::string_view::npos);
        bool timed_out = false;
        try {
            co_await wait_for(response.body().next(), 60s);
        } catch (const TimeoutError&) {
            timed_out = true;
        }
        EXPECT_TRUE(timed_out);
        EXPECT_EQ(sim.stats().faults, 1u);
    });
}

TEST(SimFaultsTest, AStalledPlainReplyComesStallForLate) {
    sim::Config config = with_faults([](sim::Faults& f) { f.stall = 1; });
    config.faults.stall_for = 5s;
    agentio::testkit::with_sim_virtual(config, [](sim::Server& sim, http::Client& client) -> Task<> {
        const TimePoint sent = EventLoop::current()->now();
        const Answer answer = co_await post(client, sim, kChat, chat_body("hi"));
        EXPECT_EQ(answer.status, 200);
        EXPECT_GE(EventLoop::current()->now() - sent, 5s);
    });
}

TEST(SimFaultsTest, AMalformedStreamHasExactlyOneEventThatIsNotJson) {
    agentio::testkit::with_sim(with_faults([](sim::Faults& f) { f.malformed_chunk = 1; }),
                               [](sim::Server& sim, http::Client& client) -> Task<> {
        const Answer answer = co_await post(client, sim, kChat, chat_body("hi", R"({"stream": true})"));
        EXPECT_EQ(answer.status, 200);
        const std::vector<std::string> events = sse_data(answer.body);
        int broken = 0;
        for (const std::string& data : events)
            if (data != "[DONE]" && !Json::accept(data)) ++broken;
        EXPECT_EQ(broken, 1);
        EXPECT_EQ(events.back(), "[DONE]");
        EXPECT_EQ(sim.stats().completed, 0u);

        const Answer plain = co_await post(client, sim, kChat, chat_body("hi"));
        EXPECT_EQ(plain.status, 200);
        EXPECT_FALSE(Json::accept(plain.body)) << plain.body;
        EXPECT_EQ(plain.body.rfind(R"({"id":"chatcmpl-)", 0), 0u);
    });
}

// The statuses of `n` requests to a server whose requests fail with 500 at `rate`.
std::vector<int> statuses_at_rate(double rate, std::uint64_t seed, int n) {
    sim::Config config = instant_config();
    config.seed = seed;
    config.faults.status_500 = rate;
    std::vector<int> statuses;
    agentio::testkit::with_sim(config, [&statuses, n](sim::Server& sim, http::Client& client) -> Task<> {
        for (int i = 0; i < n; ++i) {
            const Answer answer = co_await post(client, sim, kChat, chat_body("same request", R"({"max_tokens": 1})"));
            statuses.push_back(answer.status);
        }
        const Answer metrics = co_await agentio::testkit::get(client, sim, "/metrics");
        const auto failed = static_cast<std::size_t>(std::count(statuses.begin(), statuses.end(), 500));
        EXPECT_EQ(sim.stats().faults, failed);
        EXPECT_NE(metrics.body.find("agentio_sim_faults_total{kind=\"500\"} " + std::to_string(failed) + "\n"),
                  std::string::npos);
    });
    return statuses;
}

TEST(SimFaultsTest, AFaultRateHitsAboutThatShareOfRequestsTheSameOnesForTheSameSeed) {
    const std::vector<int> first = statuses_at_rate(0.5, 1, 60);
    const auto failed = std::count(first.begin(), first.end(), 500);
    EXPECT_GT(failed, 15);
    EXPECT_LT(failed, 45);
    EXPECT_EQ(std::count(first.begin(), first.end(), 200), 60 - failed);
    EXPECT_EQ(statuses_at_rate(0.5, 1, 60), first);
    EXPECT_NE(statuses_at_rate(0.5, 2, 60), first);
}

}  // namespace
