// sim::Server over loopback: the shapes of chat completions (plain and
// streamed), embeddings, models, health and metrics, determinism, the API
// key and request validation.
#include <agentio/agentio.hpp>
#include <agentio/sim/server.hpp>
#include <gtest/gtest.h>

#include <cmath>

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
using agentio::testkit::with_sim;

namespace {

// The concatenated content deltas of a streamed body, and its parsed events.
struct Streamed {
    std::vector<Json> chunks;  // every event but [DONE]
    std::string content;
    bool done = false;
};

Streamed read_stream(const std::string& body) {
    Streamed streamed;
    for (const std::string& data : sse_data(body)) {
        if (data == "[DONE]") {
            streamed.done = true;
            continue;
        }
        streamed.chunks.push_back(Json::parse(data));
        const Json& chunk = streamed.chunks.back();
        if (!chunk["choices"].empty() && chunk["choices"][0]["delta"].contains("content") &&
            chunk["choices"][0]["delta"]["content"].is_string())
            streamed.content += chunk["choices"][0]["delta"]["content"].get<std::string>();
    }
    return streamed;
}

TEST(SimServerTest, PlainChatCompletionHasTheApiShapeAndHeaders) {
    with_sim(instant_config(), [](sim::Server& sim, http::Client& client) -> Task<> {
        const Answer answer = co_await post(client, sim, kChat, chat_body("Name three prime numbers."));
        EXPECT_EQ(answer.status, 200);
        EXPECT_EQ(answer.header("Content-Type"), "application/json");
        EXPECT_EQ(answer.header("x-request-id").rfind("req_", 0), 0u);
        EXPECT_FALSE(answer.header("openai-processing-ms").empty());
        EXPECT_EQ(answer.header("openai-model"), "sim-small");
        const Json json = answer.json();
        EXPECT_EQ(json["object"], "chat.completion");
        EXPECT_EQ(json["id"].get<std::string>().rfind("chatcmpl-", 0), 0u);
        EXPECT_EQ(json["model"], "sim-small");
        EXPECT_EQ(json["system_fingerprint"], "fp_sim");
        EXPECT_TRUE(json["created"].is_number_integer());
        EXPECT_EQ(json["choices"].size(), 1u);
        if (json["choices"].size() != 1) co_return;
        const Json& choice = json["choices"][0];
        EXPECT_EQ(choice["index"], 0);
        EXPECT_EQ(choice["message"]["role"], "assistant");
        EXPECT_FALSE(choice["message"]["content"].get<std::string>().empty());
        EXPECT_EQ(choice["finish_reason"], "stop");
        const Json& usage = json["usage"];
        EXPECT_GT(usage["prompt_tokens"].get<int>(), 0);
        EXPECT_GE(usage["completion_tokens"].get<int>(), 30);  // the default output is 30..200 tokens
        EXPECT_LE(usage["completion_tokens"].get<int>(), 200);
        EXPECT_EQ(usage["total_tokens"], usage["prompt_tokens"].get<int>() + usage["completion_tokens"].get<int>());
    });
}

TEST(SimServerTest, StreamSendsRoleChunkOneTokenPerChunkFinishUsageAndDone) {
    with_sim(instant_config(), [](sim::Server& sim, http::Client& client) -> Task<> {
        const std::string question = "Tell me about rivers.";
        const Answer plain = co_await post(client, sim, kChat, chat_body(question));
        const std::string options = R"({"stream": true, "stream_options": {"include_usage": true}})";
        const Answer answer = co_await post(client, sim, kChat, chat_body(question, options));
        EXPECT_EQ(answer.status, 200);
        EXPECT_EQ(answer.header("Content-Type"), "text/event-stream");
        EXPECT_EQ(answer.header("openai-model"), "sim-small");
        const Streamed streamed = read_stream(answer.body);
        EXPECT_TRUE(streamed.done);
        EXPECT_EQ(sse_data(answer.body).back(), "[DONE]");
        EXPECT_GE(streamed.chunks.size(), 4u);
        if (streamed.chunks.size() < 4) co_return;

        const Json& first = streamed.chunks.front();
        EXPECT_EQ(first["object"], "chat.completion.chunk");
        EXPECT_EQ(first["system_fingerprint"], "fp_sim");
        EXPECT_EQ(first["choices"][0]["delta"]["role"], "assistant");
        EXPECT_EQ(first["choices"][0]["delta"]["content"], "");
        EXPECT_TRUE(first["choices"][0]["finish_reason"].is_null());
        EXPECT_TRUE(first["choices"][0]["logprobs"].is_null());

        const std::size_t n = streamed.chunks.size();
        const Json& finish = streamed.chunks[n - 2];
        EXPECT_TRUE(finish["choices"][0]["delta"].empty());
        EXPECT_EQ(finish["choices"][0]["finish_reason"], "stop");
        const Json& usage_chunk = streamed.chunks[n - 1];
        EXPECT_TRUE(usage_chunk["choices"].empty());
        EXPECT_EQ(usage_chunk["usage"], plain.json()["usage"]);

        // Every chunk carries the same id; each content chunk one word or a full stop.
        const int completion_tokens = usage_chunk["usage"]["completion_tokens"];
        EXPECT_EQ(static_cast<int>(n) - 3, completion_tokens);
        for (std::size_t i = 1; i + 2 < n; ++i) {
            const Json& chunk = streamed.chunks[i];
            EXPECT_EQ(chunk["id"], first["id"]);
            EXPECT_TRUE(chunk["usage"].is_null());  // include_usage: null until the last chunk
            const std::string token = chunk["choices"][0]["delta"]["content"];
            EXPECT_EQ(token.find(' ', 1), std::string::npos) << token;
            if (token != ".") {
                EXPECT_EQ(token.front() == ' ', i > 1) << "only the first word has no leading space: " << token;
            }
        }
        EXPECT_EQ(streamed.content, plain.json()["choices"][0]["message"]["content"]);

        // Without include_usage: no usage chunk, no usage field.
        const Answer bare = co_await post(client, sim, kChat, chat_body(question, R"({"stream": true})"));
        const Streamed bare_stream = read_stream(bare.body);
        EXPECT_EQ(bare_stream.content, streamed.content);
        EXPECT_EQ(bare_stream.chunks.size(), n - 1);
        for (const Json& chunk : bare_stream.chunks) EXPECT_FALSE(chunk.contains("usage"));
    });
}

TEST(SimServerTest, TokensArriveOnTheLatencyModelsScheduleAndAPlainReplyWaitsForAll) {
    sim::Config config;
    config.latency = {300ms, 20ms, 0.0};
    config.output = {10, 10};
    agentio::testkit::with_sim_virtual(config, [](sim::Server& sim, http::Client& client) -> Task<> {
        EventLoop& loop = *EventLoop::current();
        http::ClientRequest request;
        request.method = "POST";
        request.url = sim.base_url() + "/chat/completions";
        request.body = chat_body("Take your time.", R"({"stream": true})");
        const TimePoint sent = loop.now();
        http::ClientResponse response = co_await client.send(std::move(request));
        std::string received;
        std::vector<Duration> arrivals;  // of each content token
        while (auto piece = co_await response.body().next()) {
            received.append(*piece);
            const std::size_t tokens = sse_data(received).size() - 1;  // less the role chunk
            while (arrivals.size() < std::min<std::size_t>(tokens, 10)) arrivals.push_back(loop.now() - sent);
        }
        EXPECT_EQ(arrivals.size(), 10u);
        if (arrivals.size() != 10) co_return;
        EXPECT_GE(arrivals[0], 300ms);
        for (std::size_t i = 1; i < arrivals.size(); ++i) EXPECT_GE(arrivals[i] - arrivals[0], static_cast<int>(i) * 20ms);

        const TimePoint asked = loop.now();
        const Answer plain = co_await post(client, sim, kChat, chat_body("Take your time."));
        EXPECT_EQ(read_stream(received).content, plain.json()["choices"][0]["message"]["content"]);
        EXPECT_GE(loop.now() - asked, 300ms + 9 * 20ms);
        EXPECT_GE(std::stoi(plain.header("openai-processing-ms")), 480);
    });
}

// One stream's content, read as it arrives.
Task<std::string> stream_content(http::Client& client, const sim::Server& sim, int i) {
    const Answer answer = co_await post(client, sim, kChat, chat_body("stream " + std::to_string(i), R"({"stream": true, "max_tokens": 20})"));
    const Streamed streamed = read_stream(answer.body);
    co_return streamed.done ? streamed.content : std::string();
}

TEST(SimServerTest, AThousandConcurrentStreamsAllCompleteOnOneLoop) {
    sim::Config config;
    config.latency = {50ms, 5ms, 0.2};
    agentio::testkit::with_sim_virtual(config, [](sim::Server& sim, http::Client& client) -> Task<> {
        constexpr int kStreams = 1000;
        http::ClientOptions options = agentio::testkit::direct_client();
        options.max_connections_per_origin = kStreams;  // one connection each: all in flight at once
        http::Client many(options);
        std::vector<Task<std::string>> streams;
        for (int i = 0; i < kStreams; ++i) streams.push_back(stream_content(many, sim, i));
        TaskHandle<std::vector<std::string>> all = create_task(gather(std::move(streams)));
        // Past every first token (at most 60 ms) and before any last one (at least 40 + 19 * 4 ms).
        co_await sleep(80ms);
        const Answer during = co_await agentio::testkit::get(client, sim, "/metrics");
        EXPECT_NE(during.body.find("agentio_sim_streams_active 1000\n"), std::string::npos);
        const std::vector<std::string> contents = co_await all;
        int complete = 0;
        for (const std::string& content : contents) complete += content.empty() ? 0 : 1;
        EXPECT_EQ(complete, kStreams);
        EXPECT_EQ(sim.stats().completed, static_cast<std::uint64_t>(kStreams));
        EXPECT_EQ(sim.stats().completion_tokens, 20u * kStreams);
        const Answer metrics = co_await agentio::testkit::get(client, sim, "/metrics");
        EXPECT_NE(metrics.body.find("agentio_sim_streams_active 0\n"), std::string::npos);
    });
}

TEST(SimServerTest, TheSameSeedGivesTheSameReplyAndAnotherSeedAnother) {
    std::vector<std::string> replies;
    for (const std::uint64_t seed : {7u, 7u, 8u}) {
        sim::Config config = instant_config();
        config.seed = seed;
        with_sim(config, [&replies](sim::Server& sim, http::Client& client) -> Task<> {
            const Answer answer = co_await post(client, sim, kChat, chat_body("What is a monad?"));
            replies.push_back(answer.json()["choices"][0]["message"]["content"]);
            const Answer other = co_await post(client, sim, kChat, chat_body("What is a functor?"));
            EXPECT_NE(other.json()["choices"][0]["message"]["content"], replies.back());
        });
    }
    ASSERT_EQ(replies.size(), 3u);
    EXPECT_EQ(replies[0], replies[1]);
    EXPECT_NE(replies[0], replies[2]);
}

TEST(SimServerTest, MaxTokensCapsTheReplyWithFinishReasonLength) {
    sim::Config config = instant_config();
    config.output = {50, 60};
    with_sim(config, [](sim::Server& sim, http::Client& client) -> Task<> {
        const Answer full = co_await post(client, sim, kChat, chat_body("Go on."));
        const Json full_json = full.json();
        EXPECT_EQ(full_json["choices"][0]["finish_reason"], "stop");
        const int natural = full_json["usage"]["completion_tokens"];
        EXPECT_GE(natural, 50);
        EXPECT_LE(natural, 60);

        const Answer capped = co_await post(client, sim, kChat, chat_body("Go on.", R"({"max_tokens": 5})"));
        const Json capped_json = capped.json();
        EXPECT_EQ(capped_json["usage"]["completion_tokens"], 5);
        EXPECT_EQ(capped_json["choices"][0]["finish_reason"], "length");
        // The capped reply is the start of the full one.
        const std::string start = capped_json["choices"][0]["message"]["content"];
        EXPECT_EQ(full_json["choices"][0]["message"]["content"].get<std::string>().rfind(start, 0), 0u);

        // max_completion_tokens wins over max_tokens; a cap above the natural length changes nothing.
        const Answer both = co_await post(client, sim, kChat,
                                          chat_body("Go on.", R"({"max_tokens": 5, "max_completion_tokens": 7})"));
        EXPECT_EQ(both.json()["usage"]["completion_tokens"], 7);
        const Answer roomy = co_await post(client, sim, kChat, chat_body("Go on.", R"({"max_tokens": 1000})"));
        EXPECT_EQ(roomy.json()["choices"][0], full_json["choices"][0]);

        const std::string streamed_options = R"({"stream": true, "max_tokens": 3})";
        const Answer streamed = co_await post(client, sim, kChat, chat_body("Go on.", streamed_options));
        const Streamed events = read_stream(streamed.body);
        EXPECT_EQ(events.chunks.back()["choices"][0]["finish_reason"], "length");
        EXPECT_EQ(events.chunks.size(), 1u + 3u + 1u);  // role, 3 tokens, finish
    });
}

// vLLM's ignore_eos: the reply runs to max_tokens exactly, as a benchmark
// with fixed output lengths needs; without a cap it changes nothing.
TEST(SimServerTest, IgnoreEosRunsTheReplyToMaxTokensExactly) {
    sim::Config config = instant_config();
    config.output = {50, 60};
    with_sim(config, [](sim::Server& sim, http::Client& client) -> Task<> {
        const Answer exact = co_await post(client, sim, kChat, chat_body("Go on.", R"({"max_tokens": 1000, "ignore_eos": true})"));
        EXPECT_EQ(exact.json()["usage"]["completion_tokens"], 1000);
        EXPECT_EQ(exact.json()["choices"][0]["finish_reason"], "length");
        const Answer uncapped = co_await post(client, sim, kChat, chat_body("Go on.", R"({"ignore_eos": true})"));
        EXPECT_GE(uncapped.json()["usage"]["completion_tokens"].get<int>(), 50);
        EXPECT_LE(uncapped.json()["usage"]["completion_tokens"].get<int>(), 60);
        const std::string streamed_options = R"({"stream": true, "max_tokens": 77, "ignore_eos": true})";
        const Answer streamed = co_await post(client, sim, kChat, chat_body("Go on.", streamed_options));
        EXPECT_EQ(read_stream(streamed.body).chunks.size(), 1u + 77u + 1u);  // role, 77 tokens, finish
    });
}

TEST(SimServerTest, EmbeddingsAreDeterministicUnitNormAndOfTheRequestedDimension) {
    with_sim(instant_config(), [](sim::Server& sim, http::Client& client) -> Task<> {
        const Json request = {{"model", "sim-embed"}, {"input", Json::array({"the quick brown fox", "jumps over"})}, {"dimensions", 64}};
        const Answer first = co_await post(client, sim, "/v1/embeddings", request.dump());
        EXPECT_EQ(first.status, 200);
        const Json json = first.json();
        EXPECT_EQ(json["object"], "list");
        EXPECT_EQ(json["model"], "sim-embed");
        EXPECT_EQ(json["data"].size(), 2u);
        if (json["data"].size() != 2) co_return;
        for (int i = 0; i < 2; ++i) {
            const Json& item = json["data"][i];
            EXPECT_EQ(item["object"], "embedding");
            EXPECT_EQ(item["index"], i);
            EXPECT_EQ(item["embedding"].size(), 64u);
            double norm = 0;
            for (const Json& x : item["embedding"]) norm += x.get<double>() * x.get<double>();
            EXPECT_NEAR(std::sqrt(norm), 1.0, 1e-5);
        }
        EXPECT_NE(json["data"][0]["embedding"], json["data"][1]["embedding"]);
        EXPECT_GT(json["usage"]["prompt_tokens"].get<int>(), 0);
        EXPECT_EQ(json["usage"]["total_tokens"], json["usage"]["prompt_tokens"]);

        const Answer again = co_await post(client, sim, "/v1/embeddings", request.dump());
        EXPECT_EQ(again.json()["data"], json["data"]);

        const Json single = {{"model", "sim-embed"}, {"input", "the quick brown fox"}};
        const Answer full = co_await post(client, sim, "/v1/embeddings", single.dump());
        EXPECT_EQ(full.json()["data"][0]["embedding"].size(), 384u);  // Config::embedding_dimensions

        const Json too_wide = {{"model", "sim-embed"}, {"input", "x"}, {"dimensions", 100000}};
        const Answer refused = co_await post(client, sim, "/v1/embeddings", too_wide.dump());
        EXPECT_EQ(refused.status, 400);
        EXPECT_EQ(refused.json()["error"]["param"], "dimensions");
    });
}

TEST(SimServerTest, ModelsListsTheConfiguredModels) {
    sim::Config config = instant_config();
    config.models = {"alpha", "beta"};
    with_sim(config, [](sim::Server& sim, http::Client& client) -> Task<> {
        const Answer answer = co_await agentio::testkit::get(client, sim, "/v1/models");
        EXPECT_EQ(answer.status, 200);
        const Json json = answer.json();
        EXPECT_EQ(json["object"], "list");
        EXPECT_EQ(json["data"].size(), 2u);
        if (json["data"].size() != 2) co_return;
        EXPECT_EQ(json["data"][0]["id"], "alpha");
        EXPECT_EQ(json["data"][1]["id"], "beta");
        for (const Json& model : json["data"]) {
            EXPECT_EQ(model["object"], "model");
            EXPECT_EQ(model["owned_by"], "agentio-sim");
            EXPECT_TRUE(model["created"].is_number_integer());
        }
        const Answer one = co_await agentio::testkit::get(client, sim, "/v1/models/beta");
        EXPECT_EQ(one.json()["id"], "beta");
        const Answer missing = co_await agentio::testkit::get(client, sim, "/v1/models/gamma");
        EXPECT_EQ(missing.status, 404);
        EXPECT_EQ(missing.json()["error"]["code"], "model_not_found");

        // A restricted simulator refuses other names as the API does, chat and embeddings alike.
        const Answer chat = co_await post(client, sim, kChat, chat_body("hi", "{}", "gpt-nope"));
        EXPECT_EQ(chat.status, 404);
        EXPECT_EQ(chat.json()["error"]["code"], "model_not_found");
        EXPECT_NE(chat.json()["error"]["message"].get<std::string>().find("gpt-nope"), std::string::npos);
        const Answer embeddings = co_await post(client, sim, "/v1/embeddings", R"({"model": "gamma", "input": "x"})");
        EXPECT_EQ(embeddings.status, 404);
        EXPECT_EQ(embeddings.json()["error"]["code"], "model_not_found");
        const Answer served = co_await post(client, sim, kChat, chat_body("hi", "{}", "beta"));
        EXPECT_EQ(served.status, 200);
    });
}

// Bodies over a megabyte are parsed on a worker thread (so that one large
// request does not stall the loop): they read as small ones do, and a
// malformed one is the same 400.
TEST(SimServerTest, ALargeRequestIsParsedOffTheLoopAndAnsweredAsASmallOne) {
    sim::Config config = instant_config();
    config.context_length = 1'000'000;  // the prompt is 393,223 tokens
    with_sim(config, [](sim::Server& sim, http::Client& client) -> Task<> {
        const std::string large(3u << 20, 'a');
        const Answer answer = co_await post(client, sim, kChat, chat_body(large));
        EXPECT_EQ(answer.status, 200) << answer.body.substr(0, 300);
        EXPECT_GT(answer.json()["usage"]["prompt_tokens"].get<int>(), 100'000);
        std::string broken = chat_body(large);
        broken.pop_back();  // no closing brace
        const Answer refused = co_await post(client, sim, kChat, broken);
        EXPECT_EQ(refused.status, 400) << refused.body.substr(0, 300);
        const Answer health = co_await agentio::testkit::get(client, sim, "/health");
        EXPECT_EQ(health.status, 200);
    });
}

TEST(SimServerTest, HealthAnswersOk) {
    with_sim(instant_config(), [](sim::Server& sim, http::Client& client) -> Task<> {
        const Answer answer = co_await agentio::testkit::get(client, sim, "/health");
        EXPECT_EQ(answer.status, 200);
        EXPECT_EQ(answer.body, "ok");
    });
}

TEST(SimServerTest, MetricsCountRequestsTokensAndLatency) {
    with_sim(instant_config(), [](sim::Server& sim, http::Client& client) -> Task<> {
        const Answer chat = co_await post(client, sim, kChat, chat_body("Count me."));
        const Json usage = chat.json()["usage"];
        co_await post(client, sim, kChat, chat_body("Count me.", R"({"stream": true})"));
        co_await post(client, sim, kChat, "{not json");
        const Answer metrics = co_await agentio::testkit::get(client, sim, "/metrics");
        EXPECT_EQ(metrics.status, 200);
        EXPECT_EQ(metrics.header("Content-Type").rfind("text/plain; version=0.0.4", 0), 0u);
        const std::string& text = metrics.body;
        auto has = [&text](const std::string& line) { return text.find(line + "\n") != std::string::npos; };
        EXPECT_TRUE(has(R"(agentio_sim_requests_total{route="/v1/chat/completions",status="200"} 2)")) << text;
        EXPECT_TRUE(has(R"(agentio_sim_requests_total{route="/v1/chat/completions",status="400"} 1)")) << text;
        EXPECT_TRUE(has("agentio_sim_prompt_tokens_total " + std::to_string(2 * usage["prompt_tokens"].get<int>()))) << text;
        EXPECT_TRUE(has("agentio_sim_completion_tokens_total " + std::to_string(2 * usage["completion_tokens"].get<int>())))
            << text;
        EXPECT_TRUE(has(R"(agentio_sim_rate_limited_total{limit="requests"} 0)")) << text;
        EXPECT_TRUE(has(R"(agentio_sim_faults_total{kind="reset"} 0)")) << text;
        EXPECT_TRUE(has("# TYPE agentio_sim_request_duration_seconds histogram")) << text;
        EXPECT_TRUE(has(R"(agentio_sim_request_duration_seconds_bucket{route="/v1/chat/completions",le="+Inf"} 3)")) << text;
        EXPECT_TRUE(has(R"(agentio_sim_request_duration_seconds_count{route="/v1/chat/completions"} 3)")) << text;
        EXPECT_NE(text.find(R"(agentio_sim_request_duration_seconds_sum{route="/v1/chat/completions"} )"), std::string::npos);

        const sim::Stats stats = sim.stats();
        EXPECT_EQ(stats.requests, 3u);
        EXPECT_EQ(stats.completed, 2u);
        EXPECT_EQ(stats.completion_tokens, 2u * usage["completion_tokens"].get<unsigned>());
    });
}

TEST(SimServerTest, AnApiKeyIsRequiredAndNeverEchoed) {
    sim::Config config = instant_config();
    config.api_key = "sk-right-5f1e";
    with_sim(config, [](sim::Server& sim, http::Client& client) -> Task<> {
        const Answer missing = co_await post(client, sim, kChat, chat_body("hi"));
        EXPECT_EQ(missing.status, 401);
        EXPECT_EQ(missing.json()["error"]["type"], "invalid_request_error");

        const Answer wrong =
            co_await post(client, sim, kChat, chat_body("hi"), agentio::testkit::bearer("sk-wrong-9c3a7d"));
        EXPECT_EQ(wrong.status, 401);
        EXPECT_EQ(wrong.json()["error"]["code"], "invalid_api_key");
        EXPECT_EQ(wrong.body.find("9c3a7d"), std::string::npos) << wrong.body;
        EXPECT_EQ(wrong.body.find("5f1e"), std::string::npos) << wrong.body;

        const Answer models = co_await agentio::testkit::get(client, sim, "/v1/models", agentio::testkit::bearer("nope"));
        EXPECT_EQ(models.status, 401);
        const Answer embeddings = co_await post(client, sim, "/v1/embeddings", R"({"model":"sim-embed","input":"x"})");
        EXPECT_EQ(embeddings.status, 401);

        const Answer right = co_await post(client, sim, kChat, chat_body("hi"), agentio::testkit::bearer("sk-right-5f1e"));
        EXPECT_EQ(right.status, 200);
        const Answer health = co_await agentio::testkit::get(client, sim, "/health");
        EXPECT_EQ(health.status, 200);  // no key needed outside /v1
    });
}

TEST(SimServerTest, BadRequestsAre400NamingTheProblem) {
    with_sim(instant_config(), [](sim::Server& sim, http::Client& client) -> Task<> {
        const Answer bad_json = co_await post(client, sim, kChat, R"({"model": "sim-small", "messages": [)");
        EXPECT_EQ(bad_json.status, 400);
        EXPECT_EQ(bad_json.json()["error"]["type"], "invalid_request_error");
        EXPECT_NE(bad_json.json()["error"]["message"].get<std::string>().find("could not parse the JSON body"),
                  std::string::npos);

        const Answer no_messages = co_await post(client, sim, kChat, R"({"model": "sim-small"})");
        EXPECT_EQ(no_messages.status, 400);
        EXPECT_EQ(no_messages.json()["error"]["param"], "messages");
        EXPECT_NE(no_messages.json()["error"]["message"].get<std::string>().find("messages"), std::string::npos);

        const Answer no_model = co_await post(client, sim, kChat, R"({"messages": [{"role": "user", "content": "hi"}]})");
        EXPECT_EQ(no_model.status, 400);
        EXPECT_NE(no_model.json()["error"]["message"].get<std::string>().find("model"), std::string::npos);

        const Answer wrong_type = co_await post(client, sim, kChat, R"({"model": "sim-small", "messages": [{"content": "hi"}]})");
        EXPECT_EQ(wrong_type.status, 400);
        EXPECT_NE(wrong_type.json()["error"]["message"].get<std::string>().find("messages[0]"), std::string::npos)
            << wrong_type.body;

        const Answer zero = co_await post(client, sim, kChat, chat_body("hi", R"({"max_tokens": 0})"));
        EXPECT_EQ(zero.status, 400);
        EXPECT_EQ(zero.json()["error"]["param"], "max_tokens");

        const Answer elsewhere = co_await agentio::testkit::get(client, sim, "/v1/nothing");
        EXPECT_EQ(elsewhere.status, 404);
        EXPECT_EQ(elsewhere.json()["error"]["message"], "Invalid URL (GET /v1/nothing)");
        EXPECT_EQ(sim.stats().completed, 0u);
    });
}

}  // namespace
