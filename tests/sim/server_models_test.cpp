// sim::Server as a drop-in for an app written for the real API: any model
// name is served and echoed, /v1/models lists names that are served, a
// model's latency profile applies to it alone, unknown request fields are
// accepted, and embeddings are lexical (close for texts sharing words).
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
using agentio::testkit::with_sim;

namespace {

TEST(SimServerModelsTest, AnyModelNameIsServedAndEchoedByDefault) {
    with_sim(instant_config(), [](sim::Server& sim, http::Client& client) -> Task<> {
        for (const char* model : {"gpt-4o-mini", "gpt-4.1", "my-fine-tune", "ft:gpt-4o-mini:acme::abc123"}) {
            const Answer plain = co_await post(client, sim, kChat, chat_body("Hello", "{}", model));
            EXPECT_EQ(plain.status, 200) << model;
            EXPECT_EQ(plain.json()["model"], model);
            EXPECT_EQ(plain.header("openai-model"), model);
            const Answer streamed = co_await post(client, sim, kChat, chat_body("Hello", R"({"stream": true})", model));
            const std::vector<std::string> events = agentio::testkit::sse_data(streamed.body);
            EXPECT_EQ(Json::parse(events.front())["model"], model);
        }
        const Answer embeddings =
            co_await post(client, sim, "/v1/embeddings", R"({"model": "text-embedding-3-small", "input": "hello"})");
        EXPECT_EQ(embeddings.status, 200);
        EXPECT_EQ(embeddings.json()["model"], "text-embedding-3-small");
        const Answer one = co_await agentio::testkit::get(client, sim, "/v1/models/text-embedding-3-large");
        EXPECT_EQ(one.status, 200);
        EXPECT_EQ(one.json()["id"], "text-embedding-3-large");
    });
}

TEST(SimServerModelsTest, ModelsListsTheSimulatorsAndTheCommonNamesAndEveryOneIsServed) {
    sim::Config config = instant_config();
    config.model_profiles["my-slow-model"] = {};
    with_sim(config, [](sim::Server& sim, http::Client& client) -> Task<> {
        const Answer answer = co_await agentio::testkit::get(client, sim, "/v1/models");
        EXPECT_EQ(answer.status, 200);
        const Json json = answer.json();
        std::vector<std::string> ids;
        for (const Json& model : json["data"]) ids.push_back(model["id"]);
        for (const char* expected : {"sim-small", "sim-large", "sim-embed", "gpt-4o-mini", "text-embedding-3-small", "my-slow-model"})
            EXPECT_NE(std::find(ids.begin(), ids.end(), expected), ids.end()) << expected;
        for (const std::string& id : ids) {
            const Answer chat = co_await post(client, sim, kChat, chat_body("hi", "{}", id));
            EXPECT_EQ(chat.status, 200) << id;
        }
    });
}

TEST(SimServerModelsTest, AModelsProfileSetsItsLatencyAndOnlyItsOwn) {
    sim::Config config;
    config.latency = {100ms, 10ms, 0.0};
    config.output = {5, 5};
    config.model_profiles["slow-model"].latency = {1000ms, 50ms, 0.0};
    agentio::testkit::with_sim_virtual(config, [](sim::Server& sim, http::Client& client) -> Task<> {
        EventLoop& loop = *EventLoop::current();
        TimePoint start = loop.now();
        co_await post(client, sim, kChat, chat_body("Hi", "{}", "slow-model"));
        const Duration slow = loop.now() - start;
        start = loop.now();
        co_await post(client, sim, kChat, chat_body("Hi", "{}", "fast-model"));
        const Duration fast = loop.now() - start;
        EXPECT_GE(slow, 1000ms + 4 * 50ms);
        EXPECT_GE(fast, 100ms + 4 * 10ms);
        EXPECT_LT(fast, slow);  // the other model keeps the default latency

        start = loop.now();
        co_await post(client, sim, "/v1/embeddings", R"({"model": "slow-model", "input": "x"})");
        EXPECT_GE(loop.now() - start, 1000ms);
    });
}

TEST(SimServerModelsTest, UnknownRequestFieldsAreAccepted) {
    with_sim(instant_config(), [](sim::Server& sim, http::Client& client) -> Task<> {
        const std::string fields =
            R"({"store": true, "metadata": {"team": "search"}, "reasoning_effort": "low", "service_tier": "auto",
                "logit_bias": {"50256": -100}, "prediction": null, "modalities": ["text"], "a_field_from_the_future": [1, {"x": 2}]})";
        const Answer chat = co_await post(client, sim, kChat, chat_body("hi", fields));
        EXPECT_EQ(chat.status, 200) << chat.body;
        const Answer embeddings = co_await post(client, sim, "/v1/embeddings",
                                                R"({"model": "text-embedding-3-small", "input": "x", "user": "u-1", "extra": {"y": 1}})");
        EXPECT_EQ(embeddings.status, 200) << embeddings.body;
    });
}

double cosine(const Json& a, const Json& b) {
    double dot = 0;
    for (std::size_t i = 0; i < a.size(); ++i) dot += a[i].get<double>() * b[i].get<double>();
    return dot;
}

TEST(SimServerModelsTest, EmbeddingsOfTextsSharingWordsAreCloser) {
    with_sim(instant_config(), [](sim::Server& sim, http::Client& client) -> Task<> {
        const Json request = {{"model", "text-embedding-3-small"},
                              {"input", Json::array({"How do I reset my password?", "To reset your password, open the account page.",
                                                     "Our office is closed on public holidays."})}};
        const Answer answer = co_await post(client, sim, "/v1/embeddings", request.dump());
        EXPECT_EQ(answer.status, 200);
        const Json data = answer.json()["data"];
        EXPECT_EQ(data.size(), 3u);
        if (data.size() != 3) co_return;
        EXPECT_EQ(data[0]["embedding"].size(), 384u);
        EXPECT_GT(cosine(data[0]["embedding"], data[1]["embedding"]), cosine(data[0]["embedding"], data[2]["embedding"]) + 0.2);

        // The model and the seed do not change a vector: an index built once is queried against any run.
        const Json other = {{"model", "sim-embed"}, {"input", "How do I reset my password?"}};
        const Answer again = co_await post(client, sim, "/v1/embeddings", other.dump());
        EXPECT_EQ(again.json()["data"][0]["embedding"], data[0]["embedding"]);
    });
}

TEST(SimServerModelsTest, DimensionsAreValidatedLikeTheApi) {
    with_sim(instant_config(), [](sim::Server& sim, http::Client& client) -> Task<> {
        const Answer wide = co_await post(client, sim, "/v1/embeddings", R"({"model": "m", "input": "x", "dimensions": 3072})");
        EXPECT_EQ(wide.json()["data"][0]["embedding"].size(), 3072u);
        for (const char* bad : {R"(0)", R"(-3)", R"(1.5)", R"("64")", R"(3073)", R"(18446744073709551615)"}) {
            const Answer refused =
                co_await post(client, sim, "/v1/embeddings", std::string(R"({"model": "m", "input": "x", "dimensions": )") + bad + "}");
            EXPECT_EQ(refused.status, 400) << bad;
            EXPECT_EQ(refused.json()["error"]["param"], "dimensions") << bad;
            EXPECT_EQ(refused.json()["error"]["type"], "invalid_request_error") << bad;
        }
    });
}

}  // namespace
