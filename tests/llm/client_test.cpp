// llm::Client against an OpenAI-shaped http::Server scripted per test on loopback
// (its timeouts: client_timeouts_test.cpp).
#include <agentio/agentio.hpp>
#include <agentio/http/server.hpp>
#include <agentio/llm/client.hpp>
#include <agentio/net/errors.hpp>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "llm/scripted_llm_server.hpp"

using namespace agentio;
using namespace agentio::testkit;
using namespace std::chrono_literals;

TEST(LlmClientTest, ChatSendsTheRequestAndParsesTheReply) {
    auto script = std::make_shared<Script>();
    script->answers = {reply_json(kReply, 200, {{"x-request-id", "req_42"}})};
    Records records;
    with_script(script, [&](http::Server& server) -> Task<> {
        llm::ClientOptions options = options_for(server);
        records.attach(options);
        llm::Client client(options);
        const llm::ChatResponse reply = co_await client.chat(question());
        EXPECT_EQ(reply.text(), "Paris.");
        EXPECT_EQ(reply.choices.at(0).finish_reason, "stop");
        EXPECT_EQ(reply.usage->total_tokens, 2000000);
        EXPECT_EQ(reply.raw_body, kReply);  // every field the server sent, service_tier included
    });
    ASSERT_EQ(script->bodies.size(), 1u);
    const llm::Json sent = llm::Json::parse(script->bodies[0]);
    EXPECT_EQ(sent["model"], "gpt-4o-mini");
    EXPECT_EQ(sent["messages"][0]["content"], "Capital of France?");
    EXPECT_FALSE(sent.contains("stream"));
    EXPECT_EQ(script->authorizations[0], std::string("Bearer ") + kKey);
    ASSERT_EQ(records.all.size(), 1u);
    const llm::RequestRecord& record = records.all[0];
    EXPECT_TRUE(record.ok());
    EXPECT_EQ(record.operation, "chat");
    EXPECT_EQ(record.status, 200);
    EXPECT_EQ(record.request_id, "req_42");
    EXPECT_TRUE(record.usage_reported);
    EXPECT_EQ(record.retries, 0);
    // gpt-4o-mini: $0.15 per million in, $0.60 per million out.
    EXPECT_NEAR(record.cost, 0.75, 1e-9);
}

TEST(LlmClientTest, StreamAssemblesInterleavedToolCallsByIndex) {
    auto script = std::make_shared<Script>();
    script->answers = {reply_stream({
        kRoleChunk,
        chunk(R"({"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"weather","arguments":""}}]})"),
        chunk(R"({"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"time","arguments":""}}]})"),
        chunk(R"({"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]})"),
        chunk(R"({"tool_calls":[{"index":1,"function":{"arguments":"{\"tz\":\"CET\"}"}}]})"),
        chunk(R"({"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]})"),
        chunk("{}", "\"tool_calls\""),
        kUsageChunk,
        kDone,
    })};
    with_script(script, [&](http::Server& server) -> Task<> {
        llm::Client client(options_for(server));
        llm::ChatStream stream = co_await client.chat_stream(question());
        int chunks = 0;
        while (co_await stream.next()) ++chunks;
        EXPECT_EQ(chunks, 8);
        const llm::ChatResponse& whole = stream.response();
        const std::vector<llm::ToolCall>& calls = whole.tool_calls();
        EXPECT_EQ(calls.size(), 2u);
        if (calls.size() == 2) {
            EXPECT_EQ(calls[0].id, "call_a");
            EXPECT_EQ(calls[0].name, "weather");
            EXPECT_EQ(calls[0].arguments, R"({"city":"Paris"})");
            EXPECT_EQ(calls[1].id, "call_b");
            EXPECT_EQ(calls[1].arguments, R"({"tz":"CET"})");
        }
        EXPECT_EQ(whole.choices.at(0).finish_reason, "tool_calls");
        EXPECT_EQ(stream.record().usage.total_tokens, 11);
        EXPECT_TRUE(stream.record().time_to_first_token.has_value());
        EXPECT_EQ(co_await stream.next(), nullptr);  // stays at its end
    });
    const llm::Json sent = llm::Json::parse(script->bodies.at(0));
    EXPECT_EQ(sent["stream"], true);
    EXPECT_EQ(sent["stream_options"]["include_usage"], true);
}

TEST(LlmClientTest, RetryAfterIsHonouredBeforeTheRetry) {
    auto script = std::make_shared<Script>();
    script->answers = {
        reply_json(error_json("Rate limit reached for requests", "requests", "rate_limit_exceeded"), 429,
                   {{"retry-after-ms", "300"}, {"retry-after", "1"}}),
        reply_json(kReply),
    };
    Records records;
    with_script(script, [&](http::Server& server) -> Task<> {
        llm::ClientOptions options = options_for(server);
        records.attach(options);
        llm::Client client(options);
        const TimePoint start = EventLoop::current()->now();
        const llm::ChatResponse reply = co_await client.chat(question());
        EXPECT_EQ(reply.text(), "Paris.");
        EXPECT_GE(EventLoop::current()->now() - start, 300ms);
    });
    ASSERT_EQ(records.all.size(), 1u);
    const llm::RequestRecord& record = records.all[0];
    EXPECT_EQ(record.retries, 1);
    ASSERT_EQ(record.retry_log.size(), 1u);
    EXPECT_EQ(record.retry_log[0].status, 429);
    EXPECT_EQ(record.retry_log[0].wait, 300ms);
    EXPECT_NE(record.retry_log[0].reason.find("rate_limit_exceeded"), std::string::npos);
}

TEST(LlmClientTest, RetriesSpentEndWithARateLimitErrorCarryingTheBody) {
    auto script = std::make_shared<Script>();
    script->answers = {reply_json(error_json("Slow down", "requests", "rate_limit_exceeded"), 429, {{"retry-after-ms", "5"}})};
    Records records;
    with_script(script, [&](http::Server& server) -> Task<> {
        llm::ClientOptions options = options_for(server);
        records.attach(options);
        llm::Client client(options);
        int status = 0;
        std::string code, type, message;
        std::optional<Duration> retry_after;
        try {
            co_await client.chat(question());
        } catch (const llm::RateLimitError& e) {
            status = e.status();
            code = e.code();
            type = e.type();
            message = e.message();
            retry_after = e.retry_after();
        }
        EXPECT_EQ(status, 429);
        EXPECT_EQ(code, "rate_limit_exceeded");
        EXPECT_EQ(type, "requests");
        EXPECT_EQ(message, "Slow down");
        EXPECT_EQ(retry_after, Duration(5ms));
    });
    EXPECT_EQ(script->requests, 3);  // the default: two retries
    ASSERT_EQ(records.all.size(), 1u);
    EXPECT_EQ(records.all[0].retries, 2);
    EXPECT_FALSE(records.all[0].ok());
    EXPECT_EQ(records.all[0].status, 429);
}

TEST(LlmClientTest, ServerErrorsAreRetriedButBadRequestsAreNot) {
    auto script = std::make_shared<Script>();
    script->answers = {reply_json(error_json("boom", "server_error", "internal"), 500), reply_json(kReply)};
    llm::RequestRecord record;
    with_script(script, [&](http::Server& server) -> Task<> {
        llm::Client client(options_for(server));
        llm::Recorded<llm::ChatResponse> call = co_await client.chat_recorded(question());
        EXPECT_EQ(call.outcome.value().text(), "Paris.");
        record = std::move(call.record);
    });
    EXPECT_EQ(script->requests, 2);
    EXPECT_EQ(record.retries, 1);
    EXPECT_EQ(record.status, 200);

    auto bad = std::make_shared<Script>();
    bad->answers = {reply_json(error_json("messages is required", "invalid_request_error", "missing"), 400)};
    with_script(bad, [&](http::Server& server) -> Task<> {
        llm::Client client(options_for(server));
        int status = 0;
        try {
            co_await client.chat(question());
        } catch (const llm::RateLimitError&) {
            status = -1;
        } catch (const llm::ApiError& e) {
            status = e.status();
        }
        EXPECT_EQ(status, 400);
    });
    EXPECT_EQ(bad->requests, 1);
}

TEST(LlmClientTest, ARecordedCallKeepsItsRecordWhenItFails) {
    auto bad = std::make_shared<Script>();
    bad->answers = {reply_json(error_json("messages is required", "invalid_request_error", "missing"), 400)};
    for (const auto delivery : {llm::Client::Delivery::Whole, llm::Client::Delivery::Streamed}) {
        std::optional<llm::Recorded<llm::ChatResponse>> call;
        with_script(bad, [&](http::Server& server) -> Task<> {
            llm::Client client(options_for(server));
            call.emplace(co_await client.chat_recorded(question(), delivery));  // throws nothing
        });
        ASSERT_TRUE(call);
        EXPECT_THROW(call->outcome.value(), llm::ApiError);
        EXPECT_FALSE(call->outcome.cancelled());
        EXPECT_EQ(call->record.operation, delivery == llm::Client::Delivery::Whole ? "chat" : "chat_stream");
        EXPECT_EQ(call->record.status, 400);  // a stream that never opened is recorded too
        EXPECT_EQ(call->record.retries, 0);
        EXPECT_FALSE(call->record.error.empty());
    }
}

TEST(LlmClientTest, ARecordedStreamedCallReturnsTheAssembledReplyAndItsTimings) {
    auto script = std::make_shared<Script>();
    script->answers = {reply_stream({kRoleChunk, chunk(R"({"content":"Par"})"), chunk(R"({"content":"is."})"), kUsageChunk, kDone}, 5ms)};
    std::optional<llm::Recorded<llm::ChatResponse>> call;
    with_script(script, [&](http::Server& server) -> Task<> {
        llm::Client client(options_for(server));
        call.emplace(co_await client.chat_recorded(question(), llm::Client::Delivery::Streamed));
    });
    ASSERT_TRUE(call);
    EXPECT_EQ(call->outcome.value().text(), "Paris.");
    EXPECT_EQ(call->record.operation, "chat_stream");
    EXPECT_TRUE(call->record.ok());
    ASSERT_TRUE(call->record.time_to_first_token);
    EXPECT_GE(*call->record.time_to_first_token, Duration(5ms));
}

TEST(LlmClientTest, ACancelledRecordedCallSaysSoInItsOutcome) {
    auto script = std::make_shared<Script>();
    script->answers = {[](http::Request&) -> Task<http::Response> {
        co_await sleep(1h);
        co_return http::Response::json(kReply);
    }};
    std::optional<llm::Recorded<llm::ChatResponse>> call;
    with_script(script, [&](http::Server& server) -> Task<> {
        llm::Client client(options_for(server));
        Task<llm::Recorded<llm::ChatResponse>> pending = client.chat_recorded(question());
        auto task = create_task(std::move(pending));
        co_await sleep(10ms);
        task.cancel();
        call.emplace(co_await std::move(task));
    });
    ASSERT_TRUE(call);
    EXPECT_TRUE(call->outcome.cancelled());
    EXPECT_FALSE(call->record.error.empty());
}

TEST(LlmClientTest, AStreamBrokenOffAfterContentIsAnErrorNotAShortReply) {
    auto script = std::make_shared<Script>();
    script->answers = {reply_stream({kRoleChunk, chunk(R"({"content":"Par"})")}, 0ms, true)};
    Records records;
    with_script(script, [&](http::Server& server) -> Task<> {
        llm::ClientOptions options = options_for(server);
        records.attach(options);
        llm::Client client(options);
        llm::ChatStream stream = co_await client.chat_stream(question());
        std::string text;
        bool failed = false;
        try {
            while (const llm::ChatChunk* piece = co_await stream.next()) text += piece->content();
        } catch (const net::ConnectionError&) {
            failed = true;
        } catch (const llm::StreamError&) {
            failed = true;
        }
        EXPECT_TRUE(failed);
        EXPECT_EQ(text, "Par");
    });
    EXPECT_EQ(script->requests, 1);  // content had been delivered: not retried
    ASSERT_EQ(records.all.size(), 1u);
    EXPECT_FALSE(records.all[0].ok());
}

TEST(LlmClientTest, AStreamWithoutDoneIsAStreamError) {
    auto script = std::make_shared<Script>();
    script->answers = {reply_stream({kRoleChunk, chunk(R"({"content":"Paris"})")})};
    with_script(script, [&](http::Server& server) -> Task<> {
        llm::Client client(options_for(server));
        llm::ChatStream stream = co_await client.chat_stream(question());
        std::string error;
        try {
            while (co_await stream.next()) {
            }
        } catch (const llm::StreamError& e) {
            error = e.what();
        }
        EXPECT_NE(error.find("[DONE]"), std::string::npos) << error;
    });
}

TEST(LlmClientTest, AMalformedChunkBeforeContentIsRetriedAndAfterContentThrown) {
    auto script = std::make_shared<Script>();
    script->answers = {reply_stream({kRoleChunk, "data: {\"choices\":[{\"delta\":\n\n"}),
                       reply_stream({kRoleChunk, chunk(R"({"content":"ok"})"), "data: {oops\n\n"})};
    with_script(script, [&](http::Server& server) -> Task<> {
        llm::Client client(options_for(server));
        llm::ChatStream stream = co_await client.chat_stream(question());
        std::string text;
        bool malformed = false;
        try {
            while (const llm::ChatChunk* piece = co_await stream.next()) text += piece->content();
        } catch (const llm::StreamError&) {
            malformed = true;
        }
        EXPECT_TRUE(malformed);
        EXPECT_EQ(text, "ok");
    });
    EXPECT_EQ(script->requests, 2);
}

TEST(LlmClientTest, TheKeyNeverAppearsInErrorsRecordsOrLogs) {
    auto script = std::make_shared<Script>();
    // A server that quotes the key it was sent, as some do in a 401.
    script->answers = {[](http::Request& request) -> Task<http::Response> {
        const std::string sent(request.header("Authorization").value_or(""));
        co_return http::Response::json(error_json("Incorrect API key provided: " + sent.substr(7), "invalid_request_error",
                                                  "invalid_api_key"),
                                       401);
    }};
    Records records;
    std::string error_text;
    ::testing::internal::CaptureStderr();
    ::testing::internal::CaptureStdout();
    with_script(script, [&](http::Server& server) -> Task<> {
        llm::ClientOptions options = options_for(server);
        records.attach(options);
        llm::Client client(options);
        try {
            co_await client.chat(question());
        } catch (const llm::ApiError& e) {
            error_text = std::string(e.what()) + "|" + e.message();
        }
        // A refused connection too: its error names the URL, not the key.
        options.base_url = "http://127.0.0.1:1/v1";
        options.retry.max_retries = 1;
        llm::Client unreachable(options);
        try {
            co_await unreachable.models();
        } catch (const std::exception& e) {
            error_text += std::string("|") + e.what();
        }
    });
    const std::string output = ::testing::internal::GetCapturedStderr() + ::testing::internal::GetCapturedStdout();
    EXPECT_NE(error_text.find("Incorrect API key provided"), std::string::npos) << error_text;
    EXPECT_EQ(error_text.find(kKey), std::string::npos) << error_text;
    EXPECT_EQ(output.find(kKey), std::string::npos);
    ASSERT_EQ(records.all.size(), 2u);
    for (const llm::RequestRecord& record : records.all) {
        EXPECT_FALSE(record.error.empty());
        EXPECT_EQ(record.error.find(kKey), std::string::npos) << record.error;
        for (const llm::RetryRecord& retry : record.retry_log) EXPECT_EQ(retry.reason.find(kKey), std::string::npos);
    }
    EXPECT_EQ(records.all[1].retries, 1);  // the refused connection was retried once
}

TEST(LlmClientTest, ConcurrencyLimitQueuesTheRestInOrder) {
    auto script = std::make_shared<Script>();
    script->answers = {[](http::Request&) -> Task<http::Response> {
        co_await sleep(20ms);
        co_return http::Response::json(kReply);
    }};
    Records records;
    with_script(script, [&](http::Server& server) -> Task<> {
        llm::ClientOptions options = options_for(server);
        options.max_concurrency = 2;
        records.attach(options);
        llm::Client client(options);
        std::vector<Task<llm::ChatResponse>> calls;
        for (int i = 0; i < 6; ++i) calls.push_back(client.chat(question()));
        for (auto& reply : co_await gather(std::move(calls))) EXPECT_EQ(reply.text(), "Paris.");
    });
    EXPECT_EQ(script->max_in_flight, 2);
    ASSERT_EQ(records.all.size(), 6u);
    Duration longest_queue{};
    for (const auto& record : records.all) longest_queue = std::max(longest_queue, record.queued);
    EXPECT_GE(longest_queue, 40ms);  // the last pair waited for two rounds
}

TEST(LlmClientTest, EmbeddingsAndModelsParseTheirReplies) {
    auto script = std::make_shared<Script>();
    script->answers = {[](http::Request& request) -> Task<http::Response> {
        if (request.path() == "/v1/models")
            co_return http::Response::json(
                R"({"object":"list","data":[{"id":"gpt-4o-mini","object":"model","created":1,"owned_by":"openai"}]})");
        co_return http::Response::json(R"({"object":"list","model":"text-embedding-3-small",
            "data":[{"object":"embedding","index":1,"embedding":[0.5,0.25]},{"object":"embedding","index":0,"embedding":[1.0,0.0]}],
            "usage":{"prompt_tokens":4,"total_tokens":4}})");
    }};
    with_script(script, [&](http::Server& server) -> Task<> {
        llm::Client client(options_for(server));
        llm::EmbeddingRequest request;
        request.model = "text-embedding-3-small";
        request.input = {"a", "b"};
        const llm::EmbeddingResponse embeddings = co_await client.embeddings(request);
        EXPECT_EQ(embeddings.data.size(), 2u);
        if (embeddings.data.size() == 2) {
            EXPECT_EQ(embeddings.data[0], (std::vector<float>{1.0f, 0.0f}));
            EXPECT_EQ(embeddings.data[1], (std::vector<float>{0.5f, 0.25f}));
        }
        EXPECT_EQ(embeddings.usage.prompt_tokens, 4);
        const std::vector<llm::Model> models = co_await client.models();
        EXPECT_EQ(models.size(), 1u);
        if (!models.empty()) { EXPECT_EQ(models[0].id, "gpt-4o-mini"); }
    });
}

TEST(LlmClientTest, FromEnvReadsTheKeyAndBaseUrl) {
    ::setenv("OPENAI_API_KEY", "sk-from-env", 1);
    ::setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1", 1);
    const llm::ClientOptions options = llm::ClientOptions::from_env();
    ::unsetenv("OPENAI_API_KEY");
    ::unsetenv("OPENAI_BASE_URL");
    EXPECT_EQ(options.api_key, "sk-from-env");
    EXPECT_EQ(options.base_url, "http://127.0.0.1:9/v1");
}
