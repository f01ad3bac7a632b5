// llm::Client's timeouts against a scripted server: which limit fired is the
// error thrown, and whether it is retried.
#include <agentio/agentio.hpp>
#include <agentio/http/server.hpp>
#include <agentio/llm/client.hpp>
#include <agentio/net/errors.hpp>
#include <agentio/net/tcp_listener.hpp>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "llm/scripted_llm_server.hpp"

using namespace agentio;
using namespace agentio::testkit;
using namespace std::chrono_literals;

TEST(LlmClientTest, FirstTokenTimeoutFiresAgainstAStalledStreamAndIsRetried) {
    auto script = std::make_shared<Script>();
    // The role chunk, then nothing for far longer than the timeout.
    script->answers = {reply_stream({kRoleChunk, chunk(R"({"content":"late"})")}, 2s)};
    Records records;
    with_script(script, [&](http::Server& server) -> Task<> {
        llm::ClientOptions options = options_for(server);
        options.timeouts.first_token = 100ms;
        options.retry.max_retries = 1;
        records.attach(options);
        llm::Client client(options);
        const TimePoint start = EventLoop::current()->now();
        bool timed_out = false;
        try {
            llm::ChatStream stream = co_await client.chat_stream(question());
            while (co_await stream.next()) {
            }
        } catch (const llm::FirstTokenTimeout&) {
            timed_out = true;
        }
        EXPECT_TRUE(timed_out);
        EXPECT_GE(EventLoop::current()->now() - start, 200ms);  // two attempts of 100 ms
    });
    EXPECT_EQ(script->requests, 2);
    ASSERT_EQ(records.all.size(), 1u);
    EXPECT_EQ(records.all[0].retries, 1);
}

TEST(LlmClientTest, IdleTimeoutBoundsTheGapBetweenChunks) {
    auto script = std::make_shared<Script>();
    script->answers = {[](http::Request&) -> Task<http::Response> {
        co_return http::Response::sse([](http::ResponseStream& out) -> Task<> {
            co_await out.write(kRoleChunk + chunk(R"({"content":"Hel"})"));
            co_await sleep(2s);
            co_await out.write(chunk(R"({"content":"lo"})") + kDone);
        });
    }};
    with_script(script, [&](http::Server& server) -> Task<> {
        llm::ClientOptions options = options_for(server);
        options.timeouts.idle = 100ms;
        llm::Client client(options);
        llm::ChatStream stream = co_await client.chat_stream(question());
        bool idle = false;
        try {
            while (co_await stream.next()) {
            }
        } catch (const llm::StreamIdleTimeout&) {
            idle = true;
        }
        EXPECT_TRUE(idle);
        EXPECT_EQ(stream.response().text(), "Hel");
    });
    EXPECT_EQ(script->requests, 1);
}

TEST(LlmClientTest, TotalTimeoutCoversRetriesAndWaits) {
    auto script = std::make_shared<Script>();
    script->answers = {reply_json(error_json("busy", "server_error", "overloaded"), 503, {{"retry-after-ms", "400"}})};
    with_script(script, [&](http::Server& server) -> Task<> {
        llm::ClientOptions options = options_for(server);
        options.timeouts.total = 200ms;
        llm::Client client(options);
        int status = 0;
        try {
            co_await client.chat(question());
        } catch (const llm::ApiError& e) {
            status = e.status();  // the retry's wait would pass the deadline: the last error stands
        }
        EXPECT_EQ(status, 503);
    });
    EXPECT_EQ(script->requests, 1);
}

TEST(LlmClientTest, PerAttemptTimeoutEndsASilentServerEvenWithNoTotalTimeout) {
    auto script = std::make_shared<Script>();
    // Accepts the request, then answers nothing for an hour.
    script->answers = {[](http::Request&) -> Task<http::Response> {
        co_await sleep(3600s);
        co_return http::Response::text("too late");
    }};
    Records records;
    with_script(script, [&](http::Server& server) -> Task<> {
        llm::ClientOptions options = options_for(server);
        options.timeouts.total.reset();
        options.timeouts.attempt = 2s;
        options.retry.max_retries = 1;
        records.attach(options);
        llm::Client client(options);
        const TimePoint start = EventLoop::current()->now();
        std::string message;
        try {
            co_await client.chat(question());
        } catch (const TimeoutError& e) {
            message = e.what();
        }
        EXPECT_NE(message.find("per-attempt timeout"), std::string::npos) << message;
        EXPECT_GE(EventLoop::current()->now() - start, 4s);  // two attempts of 2 s
        EXPECT_LT(EventLoop::current()->now() - start, 3600s);
    });
    EXPECT_EQ(script->requests, 2);
    ASSERT_EQ(records.all.size(), 1u);
    EXPECT_EQ(records.all[0].retries, 1);
}

TEST(LlmClientTest, PerAttemptTimeoutBoundsAStreamBeforeItsFirstTokenButNotTheLimitersWait) {
    auto script = std::make_shared<Script>();
    script->answers = {reply_stream({kRoleChunk, chunk(R"({"content":"late"})")}, 3s), reply_json(kReply)};
    Records records;
    with_script(script, [&](http::Server& server) -> Task<> {
        llm::ClientOptions options = options_for(server);
        options.timeouts.total.reset();
        options.timeouts.attempt = 1s;  // no first-token timeout: this one bounds the wait for content
        options.retry.max_retries = 0;
        options.rate_limits.requests_per_minute = 1;  // the second call waits a minute in the limiter
        records.attach(options);
        llm::Client client(options);
        bool timed_out = false;
        try {
            llm::ChatStream stream = co_await client.chat_stream(question());
            while (co_await stream.next()) {
            }
        } catch (const llm::FirstTokenTimeout&) {
            ADD_FAILURE() << "no first-token timeout was set";
        } catch (const TimeoutError&) {
            timed_out = true;
        }
        EXPECT_TRUE(timed_out);
        const llm::ChatResponse reply = co_await client.chat(question());  // a minute's wait, then a quick answer
        EXPECT_EQ(reply.text(), "Paris.");
    });
    ASSERT_EQ(records.all.size(), 2u);
    EXPECT_GE(records.all[1].rate_limit_wait, 50s);
    EXPECT_TRUE(records.all[1].ok());
}

TEST(LlmClientTest, TheTotalTimeoutDuringAnAttemptEndsTheCallUnretriedAndSaysSo) {
    auto script = std::make_shared<Script>();
    script->answers = {[](http::Request&) -> Task<http::Response> {
        co_await sleep(3600s);
        co_return http::Response::text("too late");
    }};
    Records records;
    with_script(script, [&](http::Server& server) -> Task<> {
        llm::ClientOptions options = options_for(server);
        options.timeouts.total = 1s;  // the per-attempt timeout (10 min) is far off
        records.attach(options);
        llm::Client client(options);
        const TimePoint start = EventLoop::current()->now();
        std::string message;
        try {
            co_await client.chat(question());
        } catch (const TimeoutError& e) {
            message = e.what();
        }
        EXPECT_NE(message.find("total timeout"), std::string::npos) << message;
        EXPECT_EQ(EventLoop::current()->now() - start, 1s);
    });
    EXPECT_EQ(script->requests, 1);
    ASSERT_EQ(records.all.size(), 1u);
    EXPECT_EQ(records.all[0].retries, 0);
}

TEST(LlmClientTest, FirstTokenAndTotalTimeoutsAtTheSameInstantEndTheCallAsTheTotal) {
    auto script = std::make_shared<Script>();
    script->answers = {reply_stream({kRoleChunk, chunk(R"({"content":"late"})")}, 5s)};
    with_script(script, [&](http::Server& server) -> Task<> {
        llm::ClientOptions options = options_for(server);
        options.timeouts.first_token = 1s;
        options.timeouts.total = 1s;
        llm::Client client(options);
        std::string message;
        try {
            llm::ChatStream stream = co_await client.chat_stream(question());
            while (co_await stream.next()) {
            }
        } catch (const llm::FirstTokenTimeout&) {
            ADD_FAILURE() << "the total timeout ends the call; a first-token timeout would be retried";
        } catch (const TimeoutError& e) {
            message = e.what();
        }
        EXPECT_NE(message.find("total timeout"), std::string::npos) << message;
    });
    EXPECT_EQ(script->requests, 1);
}

TEST(LlmClientTest, TheTotalTimeoutAfterContentEndsTheStreamAndKeepsWhatCame) {
    auto script = std::make_shared<Script>();
    script->answers = {[](http::Request&) -> Task<http::Response> {
        co_return http::Response::sse([](http::ResponseStream& out) -> Task<> {
            co_await out.write(kRoleChunk + chunk(R"({"content":"Hel"})"));
            co_await sleep(10s);
            co_await out.write(chunk(R"({"content":"lo"})") + kDone);
        });
    }};
    with_script(script, [&](http::Server& server) -> Task<> {
        llm::ClientOptions options = options_for(server);
        options.timeouts.total = 1s;  // the idle timeout (60 s) is far off
        llm::Client client(options);
        llm::ChatStream stream = co_await client.chat_stream(question());
        std::string message;
        try {
            while (co_await stream.next()) {
            }
        } catch (const llm::StreamIdleTimeout&) {
            ADD_FAILURE() << "the idle timeout had not passed";
        } catch (const TimeoutError& e) {
            message = e.what();
        }
        EXPECT_NE(message.find("total timeout"), std::string::npos) << message;
        EXPECT_EQ(stream.response().text(), "Hel");
        EXPECT_THROW(co_await stream.next(), TimeoutError);  // the stream stays ended
    });
    EXPECT_EQ(script->requests, 1);
}

TEST(LlmClientTest, AConnectTimeoutIsRetriedAndKeepsItsName) {
    LoopOptions loop;
    loop.virtual_clock = true;
    Records records;
    run([&]() -> Task<> {
        // Takes the TCP connection (the kernel does) and never answers the TLS handshake.
        auto listener = net::TcpListener::bind("127.0.0.1", 0);
        llm::ClientOptions options;
        options.api_key = kKey;
        options.base_url = "https://127.0.0.1:" + std::to_string(listener.port()) + "/v1";
        options.http.proxy = http::ProxyConfig{};
        options.jitter_seed = 1;
        options.retry.initial_delay = 10ms;
        options.retry.max_retries = 1;
        options.timeouts.connect = 1s;
        records.attach(options);
        llm::Client client(options);
        std::string message;
        try {
            co_await client.chat(question());
        } catch (const TimeoutError& e) {
            message = e.what();
        }
        EXPECT_NE(message.find("connect timeout"), std::string::npos) << message;
    }(), loop);
    ASSERT_EQ(records.all.size(), 1u);
    EXPECT_EQ(records.all[0].retries, 1);
}
