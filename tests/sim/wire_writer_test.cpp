// sim's hand-written JSON: every body parses, has the API's fields, and
// escapes what it must.
#include <agentio/sim/wire_writer.hpp>
#include <gtest/gtest.h>
#include <agentio/llm/json.hpp>

#include <cstring>

using namespace agentio;
using Json = agentio::llm::Json;

namespace {

// The JSON of the one event in `event` ("data: {...}\n\n").
Json event_json(const std::string& event) {
    EXPECT_EQ(event.rfind("data: ", 0), 0u) << event;
    EXPECT_EQ(event.substr(event.size() - 2), "\n\n");
    return Json::parse(event.substr(6, event.size() - 8));
}

TEST(WireWriterTest, ChunksHaveTheApiFieldsAndAppendToTheBuffer) {
    const sim::ChunkWriter writer("chatcmpl-1", 1700000000, "sim-\"small\"", true);
    std::string buffer;
    writer.role(buffer, 0, false);
    const Json role = event_json(buffer);
    EXPECT_EQ(role["id"], "chatcmpl-1");
    EXPECT_EQ(role["object"], "chat.completion.chunk");
    EXPECT_EQ(role["created"], 1700000000);
    EXPECT_EQ(role["model"], "sim-\"small\"");
    EXPECT_EQ(role["system_fingerprint"], "fp_sim");
    EXPECT_EQ(role["choices"][0]["delta"]["role"], "assistant");
    EXPECT_EQ(role["choices"][0]["delta"]["content"], "");
    EXPECT_TRUE(role["usage"].is_null());

    buffer.clear();
    writer.content(buffer, 0, " word\n");
    EXPECT_EQ(event_json(buffer)["choices"][0]["delta"], Json({{"content", " word\n"}}));

    buffer.clear();
    writer.tool_call_start(buffer, 0, 1, "call_a", "get_weather");
    EXPECT_EQ(event_json(buffer)["choices"][0]["delta"]["tool_calls"][0],
              Json({{"index", 1}, {"id", "call_a"}, {"type", "function"}, {"function", {{"name", "get_weather"}, {"arguments", ""}}}}));
    buffer.clear();
    writer.tool_call_arguments(buffer, 0, 1, R"({"ci)");
    EXPECT_EQ(event_json(buffer)["choices"][0]["delta"]["tool_calls"][0],
              Json({{"index", 1}, {"function", {{"arguments", R"({"ci)"}}}}));

    buffer.clear();
    writer.finish(buffer, 0, "length");
    const Json finish = event_json(buffer);
    EXPECT_TRUE(finish["choices"][0]["delta"].empty());
    EXPECT_EQ(finish["choices"][0]["finish_reason"], "length");

    buffer.clear();
    writer.usage(buffer, {12, 5});
    const Json usage = event_json(buffer);
    EXPECT_TRUE(usage["choices"].empty());
    EXPECT_EQ(usage["usage"]["prompt_tokens"], 12);
    EXPECT_EQ(usage["usage"]["completion_tokens"], 5);
    EXPECT_EQ(usage["usage"]["total_tokens"], 17);

    buffer = "before|";
    sim::ChunkWriter::done(buffer);
    EXPECT_EQ(buffer, "before|data: [DONE]\n\n");

    // Without include_usage the chunks have no usage field at all.
    std::string bare;
    sim::ChunkWriter("id", 1, "m", false).content(bare, 0, "x");
    EXPECT_FALSE(event_json(bare).contains("usage"));
}

TEST(WireWriterTest, ACompletionWithToolCallsHasNullContent) {
    const std::vector<llm::ToolCall> calls{{"call_1", "function", "get_weather", R"({"city":"Paris"})"}};
    sim::ChatCompletionBody body;
    body.id = "chatcmpl-2";
    body.created = 5;
    body.model = "sim-small";
    body.choices.push_back({std::nullopt, &calls, "tool_calls"});
    body.tokens = {3, 4};
    const Json json = Json::parse(sim::chat_completion_json(body));
    EXPECT_EQ(json["object"], "chat.completion");
    const Json& message = json["choices"][0]["message"];
    EXPECT_TRUE(message["content"].is_null());
    EXPECT_EQ(message["tool_calls"][0]["function"]["arguments"], R"({"city":"Paris"})");
    EXPECT_EQ(json["choices"][0]["finish_reason"], "tool_calls");
    EXPECT_EQ(json["usage"]["total_tokens"], 7);
}

TEST(WireWriterTest, EveryChoiceCarriesItsIndexInChunksAndInTheCompletion) {
    const sim::ChunkWriter writer("chatcmpl-3", 7, "m", false);
    std::string buffer;
    writer.role(buffer, 2, false);
    EXPECT_EQ(event_json(buffer)["choices"][0]["index"], 2);
    buffer.clear();
    writer.content(buffer, 17, "x");
    EXPECT_EQ(event_json(buffer)["choices"][0]["index"], 17);
    EXPECT_EQ(event_json(buffer)["choices"][0]["delta"]["content"], "x");
    buffer.clear();
    writer.finish(buffer, 1, "stop");
    EXPECT_EQ(event_json(buffer)["choices"][0]["index"], 1);

    sim::ChatCompletionBody body;
    body.id = "chatcmpl-3";
    body.model = "m";
    body.choices.push_back({"first", nullptr, "stop"});
    body.choices.push_back({"second", nullptr, "length"});
    body.tokens = {3, 9};
    const Json json = Json::parse(sim::chat_completion_json(body));
    ASSERT_EQ(json["choices"].size(), 2u);
    EXPECT_EQ(json["choices"][0]["index"], 0);
    EXPECT_EQ(json["choices"][0]["message"]["content"], "first");
    EXPECT_EQ(json["choices"][1]["index"], 1);
    EXPECT_EQ(json["choices"][1]["message"]["content"], "second");
    EXPECT_EQ(json["choices"][1]["finish_reason"], "length");
    EXPECT_EQ(json["usage"]["completion_tokens"], 9);
}

TEST(WireWriterTest, ErrorsModelsAndEmbeddings) {
    EXPECT_EQ(Json::parse(sim::error_json("bad \"x\"", "invalid_request_error", "messages")),
              Json({{"error", {{"message", "bad \"x\""}, {"type", "invalid_request_error"}, {"param", "messages"}, {"code", nullptr}}}}));
    const Json models = Json::parse(sim::models_json({"a", "b"}, 10));
    EXPECT_EQ(models["data"][1], Json({{"id", "b"}, {"object", "model"}, {"created", 10}, {"owned_by", "agentio-sim"}}));

    const std::vector<std::vector<float>> vectors{{0.5f, -0.25f, 1e-7f}, {1.0f}};
    const Json floats = Json::parse(sim::embeddings_json("e", vectors, 9, false));
    EXPECT_EQ(floats["data"][0]["embedding"][1].get<float>(), -0.25f);
    EXPECT_EQ(floats["data"][0]["embedding"][2].get<float>(), 1e-7f);  // shortest text that reads back the same
    EXPECT_EQ(floats["data"][1]["index"], 1);
    EXPECT_EQ(floats["usage"], Json({{"prompt_tokens", 9}, {"total_tokens", 9}}));

    // base64 of little-endian float32: 0.5f is 00 00 00 3f, -0.25f 00 00 80 be.
    const Json encoded = Json::parse(sim::embeddings_json("e", vectors, 9, true));
    EXPECT_EQ(encoded["data"][0]["embedding"], "AAAAPwAAgL6Vv9Yz");
    EXPECT_EQ(encoded["data"][1]["embedding"], "AACAPw==");
}

}  // namespace
