// wire_request_test.cpp: request bodies both ways (src/llm/wire_request.cpp):
// written in the API's shape, and read back by the simulator's parser.
#include "agentio/llm/wire.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "llm/error_of.hpp"

namespace llm = agentio::llm;
using agentio::testkit::error_of;
using llm::Json;
using ::testing::HasSubstr;

namespace {

llm::ChatRequest full_request() {
    llm::ChatRequest request;
    request.model = "gpt-4o-mini";
    request.messages.push_back(llm::Message::system("Be brief."));
    request.messages.push_back(llm::Message::user("Weather in Paris?"));
    llm::Message call_turn;
    call_turn.role = "assistant";
    call_turn.tool_calls.push_back({.id = "call_1", .type = "function", .name = "get_weather", .arguments = R"({"city":"Paris"})"});
    request.messages.push_back(call_turn);
    request.messages.push_back(llm::Message::tool("call_1", "18C, sunny"));
    llm::Message named = llm::Message::user("hi");
    named.name = "alice";
    request.messages.push_back(named);
    llm::Message refused;
    refused.role = "assistant";
    refused.content = std::nullopt;
    refused.refusal = "I can't help with that.";
    request.messages.push_back(refused);
    request.temperature = 0.25;
    request.top_p = 0.5;
    request.max_tokens = 100;
    request.max_completion_tokens = 200;
    request.n = 2;
    request.seed = 1234567890123LL;
    request.stop = {"\n\n", "END"};
    request.presence_penalty = 0.5;
    request.frequency_penalty = -0.5;
    request.tools.push_back({.name = "get_weather",
                             .description = "Current weather",
                             .parameters = Json::parse(R"({"type":"object","properties":{"city":{"type":"string"}}})"),
                             .strict = true});
    request.tools.push_back({.name = "now", .description = "", .parameters = Json::object(), .strict = std::nullopt});
    request.tool_choice = "required";
    request.parallel_tool_calls = false;
    request.response_format = Json{{"type", "json_object"}};
    request.user = "user-42";
    request.extra = Json{{"logprobs", true}};
    return request;
}

void expect_same(const llm::ChatRequest& a, const llm::ChatRequest& b) {
    EXPECT_EQ(a.model, b.model);
    EXPECT_EQ(a.messages, b.messages);
    EXPECT_EQ(a.temperature, b.temperature);
    EXPECT_EQ(a.top_p, b.top_p);
    EXPECT_EQ(a.max_tokens, b.max_tokens);
    EXPECT_EQ(a.max_completion_tokens, b.max_completion_tokens);
    EXPECT_EQ(a.n, b.n);
    EXPECT_EQ(a.seed, b.seed);
    EXPECT_EQ(a.stop, b.stop);
    EXPECT_EQ(a.presence_penalty, b.presence_penalty);
    EXPECT_EQ(a.frequency_penalty, b.frequency_penalty);
    ASSERT_EQ(a.tools.size(), b.tools.size());
    for (std::size_t i = 0; i < a.tools.size(); ++i) {
        EXPECT_EQ(a.tools[i].name, b.tools[i].name);
        EXPECT_EQ(a.tools[i].description, b.tools[i].description);
        EXPECT_EQ(a.tools[i].parameters, b.tools[i].parameters);
        EXPECT_EQ(a.tools[i].strict, b.tools[i].strict);
    }
    EXPECT_EQ(a.tool_choice, b.tool_choice);
    EXPECT_EQ(a.parallel_tool_calls, b.parallel_tool_calls);
    EXPECT_EQ(a.response_format, b.response_format);
    EXPECT_EQ(a.user, b.user);
    EXPECT_EQ(a.extra, b.extra);
}

}  // namespace

// --- requests -----------------------------------------------------------------

TEST(WireRequest, AMinimalRequestHasOnlyModelAndMessages) {
    llm::ChatRequest request;
    request.model = "m";
    request.messages.push_back(llm::Message::user("hi"));
    EXPECT_EQ(Json::parse(llm::to_json(request, false)),
              Json::parse(R"({"model":"m","messages":[{"role":"user","content":"hi"}]})"));
}

TEST(WireRequest, StreamingAsksForTheUsageChunk) {
    llm::ChatRequest request;
    request.model = "m";
    const Json body = Json::parse(llm::to_json(request, true));
    EXPECT_EQ(body["stream"], true);
    EXPECT_EQ(body["stream_options"], Json::parse(R"({"include_usage":true})"));
}

TEST(WireRequest, EveryFieldIsWrittenInTheApiShape) {
    const Json body = Json::parse(llm::to_json(full_request(), false));
    EXPECT_EQ(body["temperature"], 0.25);
    EXPECT_EQ(body["max_tokens"], 100);
    EXPECT_EQ(body["max_completion_tokens"], 200);
    EXPECT_EQ(body["seed"], 1234567890123LL);
    EXPECT_EQ(body["stop"], Json::parse(R"(["\n\n","END"])"));
    EXPECT_EQ(body["tool_choice"], "required");
    EXPECT_EQ(body["parallel_tool_calls"], false);
    EXPECT_EQ(body["response_format"], Json::parse(R"({"type":"json_object"})"));
    EXPECT_EQ(body["user"], "user-42");
    EXPECT_EQ(body["logprobs"], true);
    EXPECT_FALSE(body.contains("stream"));
    EXPECT_EQ(body["tools"][0], Json::parse(R"({"type":"function","function":{"name":"get_weather",
        "description":"Current weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}},
        "strict":true}})"));
    // No description and no strict when unset.
    EXPECT_EQ(body["tools"][1], Json::parse(R"({"type":"function","function":{"name":"now","parameters":{}}})"));
    EXPECT_EQ(body["messages"][2], Json::parse(R"({"role":"assistant","content":null,"tool_calls":[
        {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]})"));
    EXPECT_EQ(body["messages"][3], Json::parse(R"({"role":"tool","content":"18C, sunny","tool_call_id":"call_1"})"));
    EXPECT_EQ(body["messages"][4], Json::parse(R"({"role":"user","content":"hi","name":"alice"})"));
    EXPECT_EQ(body["messages"][5],
              Json::parse(R"({"role":"assistant","content":null,"refusal":"I can't help with that."})"));
}

TEST(WireRequest, ExtraIsMergedLastAndOverridesFields) {
    llm::ChatRequest request;
    request.model = "m";
    request.temperature = 1.0;
    request.extra = Json{{"temperature", 0.0}, {"stream_options", {{"include_usage", false}}}, {"top_k", 5}};
    const Json body = Json::parse(llm::to_json(request, true));
    EXPECT_EQ(body["temperature"], 0.0);
    EXPECT_EQ(body["top_k"], 5);
    EXPECT_EQ(body["stream_options"]["include_usage"], false);
    EXPECT_EQ(body["stream"], true);
}

TEST(WireRequest, ExtraThatIsNotAnObjectIsRefused) {
    llm::ChatRequest request;
    request.extra = Json::array({1});
    EXPECT_THROW(llm::to_json(request, false), agentio::Error);
}

TEST(WireRequest, InvalidUtf8IsReplacedInsteadOfFailing) {
    llm::ChatRequest request;
    request.model = "m";
    request.messages.push_back(llm::Message::user("caf\xC3"));
    const Json body = Json::parse(llm::to_json(request, false));
    EXPECT_EQ(body["messages"][0]["content"], "caf\xEF\xBF\xBD");
}

TEST(WireRequest, EmbeddingRequestAsksForFloats) {
    llm::EmbeddingRequest request{.model = "text-embedding-3-small", .input = {"a", "b"}, .dimensions = 256,
                                  .extra = Json{{"user", "u"}}};
    EXPECT_EQ(Json::parse(llm::to_json(request)), Json::parse(R"({"model":"text-embedding-3-small","input":["a","b"],
        "encoding_format":"float","dimensions":256,"user":"u"})"));
    request.dimensions.reset();
    EXPECT_FALSE(Json::parse(llm::to_json(request)).contains("dimensions"));
}

TEST(WireRequest, RoundTripsThroughParseChatRequest) {
    const llm::ChatRequest request = full_request();
    expect_same(llm::parse_chat_request(llm::to_json(request, false)), request);
}

TEST(WireRequest, StreamFlagsLandInExtra) {
    llm::ChatRequest request = full_request();
    const llm::ChatRequest back = llm::parse_chat_request(llm::to_json(request, true));
    EXPECT_EQ(back.extra["stream"], true);
    EXPECT_EQ(back.extra["stream_options"]["include_usage"], true);
    // On the wire the flags come first, then the caller's extra fields.
    request.extra = Json{{"stream", true}, {"stream_options", {{"include_usage", true}}}, {"logprobs", true}};
    expect_same(back, request);
}

TEST(WireRequest, ParseAcceptsContentPartsStopStringsAndNulls) {
    const auto request = llm::parse_chat_request(R"({
        "model": "m",
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "Describe "},
                                         {"type": "image_url", "image_url": {"url": "https://x/y.png"}},
                                         {"type": "text", "text": "this image."}]},
            {"role": "assistant", "content": null, "tool_calls": null, "name": null},
            {"role": "user"}
        ],
        "stop": "###",
        "temperature": null, "max_tokens": 16, "seed": 7.0, "n": null,
        "tool_choice": {"type": "function", "function": {"name": "f"}},
        "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}},
                  {"type": "code_interpreter"}],
        "metadata": {"k": "v"}, "store": false
    })");
    ASSERT_EQ(request.messages.size(), 3u);
    EXPECT_EQ(request.messages[0].content, "Describe this image.");
    EXPECT_EQ(request.messages[1].content, std::nullopt);
    EXPECT_TRUE(request.messages[1].tool_calls.empty());
    EXPECT_EQ(request.messages[2].content, std::nullopt);
    EXPECT_EQ(request.stop, std::vector<std::string>{"###"});
    EXPECT_EQ(request.temperature, std::nullopt);
    EXPECT_EQ(request.max_tokens, 16);
    EXPECT_EQ(request.seed, 7);
    EXPECT_EQ(request.n, std::nullopt);
    EXPECT_EQ(request.tool_choice["function"]["name"], "f");
    ASSERT_EQ(request.tools.size(), 1u);
    EXPECT_EQ(request.tools[0].parameters, Json::parse(R"({"type":"object"})"));
    EXPECT_EQ(request.extra, Json::parse(R"({"metadata":{"k":"v"},"store":false})"));
}

TEST(WireRequest, ParseNamesTheFieldOfAWrongType) {
    EXPECT_THAT(error_of<llm::StreamError>([] {
                    llm::parse_chat_request(R"({"model":"m","messages":[{"role":"user","content":"a"},
                                                {"role":"user","content":42}]})");
                }),
                HasSubstr("messages[1].content: expected a string, an array of content parts or null, got number"));
    EXPECT_THAT(error_of<llm::StreamError>([] { llm::parse_chat_request(R"({"messages":[],"max_tokens":"10"})"); }),
                HasSubstr("max_tokens: expected an integer or null, got string"));
    EXPECT_THAT(error_of<llm::StreamError>([] { llm::parse_chat_request(R"({"messages":[],"stop":[1]})"); }),
                HasSubstr("stop[0]"));
    EXPECT_THAT(error_of<llm::StreamError>([] { llm::parse_chat_request(R"({"model":"m"})"); }),
                HasSubstr("no `messages`"));
    EXPECT_THAT(error_of<llm::StreamError>([] { llm::parse_chat_request(R"([1,2])"); }),
                HasSubstr("expected a JSON object, got array"));
}

TEST(WireRequest, ParseRefusesTextThatIsNotJsonAndQuotesIt) {
    const std::string message = error_of<llm::StreamError>([] { llm::parse_chat_request("model=gpt&x=1"); });
    EXPECT_THAT(message, HasSubstr("not JSON"));
    EXPECT_THAT(message, HasSubstr("model=gpt&x=1"));
    EXPECT_THROW(llm::parse_chat_request(R"({"model":"m","messages":[)"), llm::StreamError);
}

TEST(WireRequest, ParseRefusesAnObjectTooWideToReadQuickly) {
    std::string wide = R"({"messages":[],"metadata":{)";
    for (int i = 0; i < 5000; ++i) wide += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
    wide += "}}";
    EXPECT_THAT(error_of<llm::StreamError>([&] { llm::parse_chat_request(wide); }), HasSubstr("an object with more than 1000 keys"));
}

TEST(WireRequest, ParseRefusesDeepNesting) {
    const std::string body = R"({"messages":[],"metadata":)" + std::string(10000, '[') + std::string(10000, ']') + "}";
    EXPECT_THAT(error_of<llm::StreamError>([&] { llm::parse_chat_request(body); }), HasSubstr("nested deeper"));
}
