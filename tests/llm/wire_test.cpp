// wire_test.cpp: the OpenAI wire codec: request bodies both ways, response
// bodies, error bodies and streamed chunks, on the API's documented shapes.
#include "agentio/llm/wire.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "llm/fixtures.hpp"

namespace llm = agentio::llm;
using llm::Json;
using ::testing::HasSubstr;

namespace {

// Runs f, which must throw E, and returns the message.
template <class E, class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const E& e) {
        return e.what();
    }
    ADD_FAILURE() << "no exception thrown";
    return {};
}

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
    request.extra["stream"] = true;
    request.extra["stream_options"] = Json{{"include_usage", true}};
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

TEST(WireRequest, ParseRefusesDeepNesting) {
    const std::string body = R"({"messages":[],"metadata":)" + std::string(10000, '[') + std::string(10000, ']') + "}";
    EXPECT_THAT(error_of<llm::StreamError>([&] { llm::parse_chat_request(body); }), HasSubstr("nested deeper"));
}

// --- responses ----------------------------------------------------------------

TEST(WireResponse, ParsesAPlainCompletion) {
    const llm::ChatResponse response = llm::parse_chat_response(llm::fixtures::kChatCompletion);
    EXPECT_EQ(response.id, "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT");
    EXPECT_EQ(response.model, "gpt-4o-2024-08-06");
    EXPECT_EQ(response.created, 1741569952);
    EXPECT_EQ(response.system_fingerprint, "fp_fc9f1d7035");
    ASSERT_EQ(response.choices.size(), 1u);
    EXPECT_EQ(response.choices[0].message.role, "assistant");
    EXPECT_EQ(response.text(), "Hello! How can I assist you today?");
    EXPECT_EQ(response.choices[0].message.refusal, std::nullopt);
    EXPECT_EQ(response.choices[0].finish_reason, "stop");
    EXPECT_TRUE(response.tool_calls().empty());
    ASSERT_TRUE(response.usage);
    EXPECT_EQ(*response.usage, (llm::Usage{.prompt_tokens = 19, .completion_tokens = 10, .total_tokens = 29}));
}

TEST(WireResponse, ParsesParallelToolCallsWithNullContent) {
    const llm::ChatResponse response = llm::parse_chat_response(llm::fixtures::kChatCompletionToolCalls);
    EXPECT_EQ(response.choices[0].message.content, std::nullopt);
    EXPECT_EQ(response.text(), "");
    EXPECT_EQ(response.choices[0].finish_reason, "tool_calls");
    ASSERT_EQ(response.tool_calls().size(), 2u);
    EXPECT_EQ(response.tool_calls()[0], (llm::ToolCall{.id = "call_Vf1RqkNdtSg6MZ4tFXo1Yx2a", .type = "function",
                                                        .name = "get_weather",
                                                        .arguments = R"({"location": "Paris, France", "unit": "celsius"})"}));
    EXPECT_EQ(response.tool_calls()[1].arguments, R"({"location": "Tokyo, Japan", "unit": "celsius"})");
    ASSERT_TRUE(response.usage);
    EXPECT_EQ(response.usage->cached_tokens, 1024);
    EXPECT_EQ(response.usage->total_tokens, 1236);
}

TEST(WireResponse, FieldsInAnyOrderNullsAndUnknownFieldsAreAccepted) {
    const llm::ChatResponse response = llm::parse_chat_response(R"({
        "usage": {"completion_tokens_details": {"reasoning_tokens": 128}, "total_tokens": 300,
                  "prompt_tokens_details": null, "prompt_tokens": 100, "completion_tokens": 200.0},
        "choices": [
            {"finish_reason": null, "message": {"refusal": "No.", "content": null, "role": "assistant"},
             "logprobs": {"content": [{"token": "No", "logprob": -0.1, "bytes": [78, 111], "top_logprobs": []}]},
             "content_filter_results": {"hate": {"filtered": false, "severity": "safe"}}, "index": 1},
            {"index": 0, "message": {"content": "first", "role": "assistant", "audio": null,
                                     "annotations": [{"type": "url_citation"}]}}
        ],
        "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": {}}],
        "model": null, "id": "x", "system_fingerprint": null, "created": null, "service_tier": "flex"
    })");
    ASSERT_EQ(response.choices.size(), 2u);
    EXPECT_EQ(response.choices[0].index, 0);  // sorted by index
    EXPECT_EQ(response.text(), "first");
    EXPECT_EQ(response.choices[1].message.refusal, "No.");
    EXPECT_EQ(response.choices[1].finish_reason, "");
    EXPECT_EQ(response.model, "");
    EXPECT_EQ(response.created, 0);
    EXPECT_EQ(*response.usage, (llm::Usage{.prompt_tokens = 100, .completion_tokens = 200, .total_tokens = 300,
                                           .cached_tokens = 0, .reasoning_tokens = 128}));
}

TEST(WireResponse, ABodyWithoutChoicesIsAnError) {
    EXPECT_THAT(error_of<llm::StreamError>([] { llm::parse_chat_response(R"({"id":"x","object":"list"})"); }),
                HasSubstr("no `choices`"));
}

TEST(WireResponse, AnErrorObjectInA200BodyIsAnApiErrorWithStatusZero) {
    try {
        llm::parse_chat_response(R"({"error":{"message":"overloaded","type":"server_error","param":null,"code":null}})");
        FAIL() << "no exception";
    } catch (const llm::ApiError& e) {
        EXPECT_EQ(e.status(), 0);
        EXPECT_EQ(e.message(), "overloaded");
        EXPECT_EQ(e.type(), "server_error");
    }
}

TEST(WireResponse, WrongTypesAreStreamErrorsNamingTheField) {
    const std::string message = error_of<llm::StreamError>(
        [] { llm::parse_chat_response(R"({"choices":[{"index":0,"message":{"role":"assistant","content":7}}]})"); });
    EXPECT_THAT(message, HasSubstr("chat response: choices[].message.content: expected a string, got a number"));
    EXPECT_THAT(message, HasSubstr(R"(input: {"choices":[{"index":0)"));
}

TEST(WireResponse, ParsesEmbeddingsInInputOrder) {
    const llm::EmbeddingResponse response = llm::parse_embedding_response(llm::fixtures::kEmbeddings);
    EXPECT_EQ(response.model, "text-embedding-3-small");
    ASSERT_EQ(response.data.size(), 2u);
    ASSERT_EQ(response.data[0].size(), 4u);
    EXPECT_FLOAT_EQ(response.data[0][0], -0.006929283495992422f);
    EXPECT_FLOAT_EQ(response.data[1][3], -0.0077780345f);
    EXPECT_EQ(response.usage.prompt_tokens, 8);
    EXPECT_EQ(response.usage.total_tokens, 8);

    const auto reordered = llm::parse_embedding_response(
        R"({"data":[{"embedding":[2.0],"index":2},{"index":0,"embedding":[0.5]},{"index":1,"embedding":[1]}]})");
    EXPECT_EQ(reordered.data, (std::vector<std::vector<float>>{{0.5f}, {1.0f}, {2.0f}}));
}

TEST(WireResponse, EmbeddingIndicesMustBePresentInRangeAndUnique) {
    EXPECT_THAT(error_of<llm::StreamError>([] { llm::parse_embedding_response(R"({"data":[{"embedding":[1]}]})"); }),
                HasSubstr("data[0] has no index"));
    EXPECT_THAT(error_of<llm::StreamError>(
                    [] { llm::parse_embedding_response(R"({"data":[{"index":0,"embedding":[]},{"index":5,"embedding":[]}]})"); }),
                HasSubstr("index 5 is out of range for 2 embeddings"));
    EXPECT_THAT(error_of<llm::StreamError>(
                    [] { llm::parse_embedding_response(R"({"data":[{"index":0,"embedding":[]},{"index":0,"embedding":[]}]})"); }),
                HasSubstr("appears twice"));
    EXPECT_THAT(error_of<llm::StreamError>(
                    [] { llm::parse_embedding_response(R"({"data":[{"index":0,"embedding":"AACAPw=="}]})"); }),
                HasSubstr("base64"));
    EXPECT_THAT(error_of<llm::StreamError>([] { llm::parse_embedding_response(R"({"object":"list"})"); }),
                HasSubstr("no `data`"));
}

TEST(WireResponse, ParsesTheModelList) {
    const std::vector<llm::Model> models = llm::parse_model_list(llm::fixtures::kModels);
    ASSERT_EQ(models.size(), 3u);
    EXPECT_EQ(models[0].id, "gpt-4o-mini");
    EXPECT_EQ(models[0].owned_by, "system");
    EXPECT_EQ(models[0].created, 1721172741);
    EXPECT_EQ(models[2].owned_by, "user-abc123");
}

// --- error bodies ---------------------------------------------------------------

TEST(WireErrorBody, ReadsTheRateLimitBody) {
    const llm::ApiErrorBody body = llm::parse_error_body(429, llm::fixtures::kErrorRateLimit);
    EXPECT_EQ(body.status, 429);
    EXPECT_THAT(body.message, HasSubstr("Rate limit reached for gpt-4o-mini"));
    EXPECT_EQ(body.type, "requests");
    EXPECT_EQ(body.param, "");
    EXPECT_EQ(body.code, "rate_limit_exceeded");
    const llm::RateLimitError error(body, std::nullopt);
    EXPECT_THAT(error.what(), HasSubstr("429 rate_limit_exceeded: Rate limit reached for gpt-4o-mini"));
    EXPECT_THAT(error.what(), HasSubstr("(type=requests)"));
}

TEST(WireErrorBody, ReadsTheInvalidKeyBody) {
    const llm::ApiErrorBody body = llm::parse_error_body(401, llm::fixtures::kErrorInvalidApiKey);
    EXPECT_EQ(body.code, "invalid_api_key");
    EXPECT_EQ(body.type, "invalid_request_error");
    const llm::ApiError error(body);
    EXPECT_THAT(error.what(), HasSubstr("401 invalid_api_key: Incorrect API key provided: sk-proj-****"));
}

TEST(WireErrorBody, NumericCodesAndParamsAndFlatBodiesAreRead) {
    const auto numeric = llm::parse_error_body(
        400, R"({"error":{"message":"bad","type":"BadRequestError","param":3,"code":400}})");
    EXPECT_EQ(numeric.code, "400");
    EXPECT_EQ(numeric.param, "3");
    const auto flat = llm::parse_error_body(
        400, R"({"object":"error","message":"max_tokens is too large","type":"BadRequestError","param":null,"code":400})");
    EXPECT_EQ(flat.message, "max_tokens is too large");
    EXPECT_EQ(flat.code, "400");
    EXPECT_EQ(llm::parse_error_body(500, R"({"error":"upstream died"})").message, "upstream died");
}

TEST(WireErrorBody, ABodyThatIsNotTheErrorJsonIsQuotedShort) {
    EXPECT_EQ(llm::parse_error_body(502, "<html><body>502 Bad Gateway</body></html>\r\n").message,
              R"(<html><body>502 Bad Gateway</body></html>\r\n)");
    EXPECT_EQ(llm::parse_error_body(503, "").message, "HTTP 503");
    EXPECT_EQ(llm::parse_error_body(503, " \r\n").message, "HTTP 503");
    EXPECT_EQ(llm::parse_error_body(404, R"({"detail":"Not Found"})").message, R"({"detail":"Not Found"})");
    const auto long_body = llm::parse_error_body(500, std::string(100000, 'x'));
    EXPECT_LT(long_body.message.size(), 260u);
    EXPECT_THAT(long_body.message, HasSubstr("(100000 bytes)"));
    const auto binary = llm::parse_error_body(500, std::string("\x00\x01\xff ok", 6));
    EXPECT_EQ(binary.message, R"(\x00\x01\xff ok)");
}

// --- streamed chunks ----------------------------------------------------------------

TEST(WireChunk, ParsesATypicalContentChunk) {
    llm::ChunkParser parser;
    llm::ChatChunk chunk;
    parser.parse(R"({"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"content":" world"},"logprobs":null,"finish_reason":null}]})",
                 chunk);
    EXPECT_EQ(chunk.id, "chatcmpl-123");
    EXPECT_EQ(chunk.model, "gpt-4o-mini");
    EXPECT_EQ(chunk.created, 1694268190);
    EXPECT_EQ(chunk.system_fingerprint, "fp_44709d6fcb");
    ASSERT_EQ(chunk.choices.size(), 1u);
    EXPECT_EQ(chunk.content(), " world");
    EXPECT_EQ(chunk.choices[0].finish_reason, "");
    EXPECT_FALSE(chunk.usage);
}

TEST(WireChunk, ParsesEveryChunkOfAStreamWithTheUsageChunkLast) {
    const auto events = llm::fixtures::sse_data(llm::fixtures::kStreamedCompletion);
    ASSERT_EQ(events.size(), 7u);
    EXPECT_EQ(events.back(), "[DONE]");
    llm::ChunkParser parser;
    llm::ChatChunk chunk;
    parser.parse(events[0], chunk);
    EXPECT_EQ(chunk.choices[0].role, "assistant");
    EXPECT_EQ(chunk.content(), "");
    parser.parse(events[1], chunk);
    EXPECT_EQ(chunk.choices[0].role, "");
    EXPECT_EQ(chunk.content(), "Hello");
    parser.parse(events[4], chunk);
    EXPECT_EQ(chunk.content(), "");
    EXPECT_EQ(chunk.choices[0].finish_reason, "stop");
    parser.parse(events[5], chunk);
    EXPECT_TRUE(chunk.choices.empty());
    EXPECT_EQ(chunk.content(), "");
    ASSERT_TRUE(chunk.usage);
    EXPECT_EQ(*chunk.usage, (llm::Usage{.prompt_tokens = 9, .completion_tokens = 3, .total_tokens = 12}));
}

TEST(WireChunk, ParsesToolCallDeltas) {
    const auto events = llm::fixtures::sse_data(llm::fixtures::kStreamedToolCalls);
    llm::ChunkParser parser;
    llm::ChatChunk chunk;
    parser.parse(events[0], chunk);
    ASSERT_EQ(chunk.choices.size(), 1u);
    ASSERT_EQ(chunk.choices[0].tool_calls.size(), 1u);
    const llm::ToolCallDelta& first = chunk.choices[0].tool_calls[0];
    EXPECT_EQ(first.index, 0);
    EXPECT_EQ(first.id, "call_weather_1");
    EXPECT_EQ(first.name, "get_weather");
    EXPECT_EQ(first.arguments, "");
    parser.parse(events[3], chunk);
    ASSERT_EQ(chunk.choices[0].tool_calls.size(), 1u);
    EXPECT_EQ(chunk.choices[0].tool_calls[0].index, 1);
    EXPECT_EQ(chunk.choices[0].tool_calls[0].id, "");
    EXPECT_EQ(chunk.choices[0].tool_calls[0].arguments, R"({"tz": )");
    parser.parse(events[6], chunk);
    EXPECT_TRUE(chunk.choices[0].tool_calls.empty());
    EXPECT_EQ(chunk.choices[0].finish_reason, "tool_calls");
}

TEST(WireChunk, ToolCallsWithoutAnIndexAreNumberedByPosition) {
    llm::ChunkParser parser;
    llm::ChatChunk chunk;
    parser.parse(R"({"choices":[{"delta":{"tool_calls":[{"id":"a","function":{"name":"f","arguments":"{}"}},
                                                        {"id":"b","function":{"name":"g","arguments":"{}"}}]}}]})",
                 chunk);
    ASSERT_EQ(chunk.choices[0].tool_calls.size(), 2u);
    EXPECT_EQ(chunk.choices[0].tool_calls[0].index, 0);
    EXPECT_EQ(chunk.choices[0].tool_calls[1].index, 1);
    EXPECT_EQ(chunk.choices[0].tool_calls[1].name, "g");
}

TEST(WireChunk, FieldsInAnyOrderNullsAndUnknownNestedFieldsAreAccepted) {
    llm::ChunkParser parser;
    llm::ChatChunk chunk;
    parser.parse(R"({"obfuscation":"a\"b{[","choices":[{"content_filter_results":{"hate":{"filtered":false}},
        "finish_reason":"length","logprobs":{"content":[{"token":"x","logprob":-1.5,"top_logprobs":[{"token":"y"}]}]},
        "delta":{"refusal":null,"tool_calls":null,"content":"tail","role":null,"reasoning_content":"hmm",
                 "function_call":null},"index":3}],
        "usage":{"total_tokens":2,"completion_tokens_details":null,"prompt_tokens_details":{"cached_tokens":1}},
        "created":null,"model":"m","service_tier":null,"id":null,"system_fingerprint":null,"object":"chat.completion.chunk"})",
                 chunk);
    ASSERT_EQ(chunk.choices.size(), 1u);
    EXPECT_EQ(chunk.choices[0].index, 3);
    EXPECT_EQ(chunk.choices[0].content, "tail");
    EXPECT_EQ(chunk.choices[0].finish_reason, "length");
    EXPECT_EQ(chunk.model, "m");
    EXPECT_EQ(chunk.id, "");
    ASSERT_TRUE(chunk.usage);
    EXPECT_EQ(chunk.usage->cached_tokens, 1);
    EXPECT_EQ(chunk.usage->total_tokens, 2);
}

TEST(WireChunk, AReusedChunkForgetsTheFieldsOfTheLastOne) {
    llm::ChunkParser parser;
    llm::ChatChunk chunk;
    parser.parse(R"({"id":"a","model":"m","created":5,"system_fingerprint":"fp","usage":{"total_tokens":1},
        "choices":[{"index":1,"delta":{"role":"assistant","content":"x","refusal":"r",
                    "tool_calls":[{"index":0,"id":"c","function":{"name":"f","arguments":"{"}}]},"finish_reason":"stop"},
                   {"index":2,"delta":{}}]})",
                 chunk);
    ASSERT_EQ(chunk.choices.size(), 2u);
    parser.parse(R"({"choices":[{"delta":{}}]})", chunk);
    EXPECT_EQ(chunk.id, "");
    EXPECT_EQ(chunk.model, "");
    EXPECT_EQ(chunk.created, 0);
    EXPECT_EQ(chunk.system_fingerprint, "");
    EXPECT_FALSE(chunk.usage);
    ASSERT_EQ(chunk.choices.size(), 1u);
    EXPECT_EQ(chunk.choices[0].index, 0);
    EXPECT_EQ(chunk.choices[0].role, "");
    EXPECT_EQ(chunk.choices[0].content, "");
    EXPECT_EQ(chunk.choices[0].refusal, "");
    EXPECT_TRUE(chunk.choices[0].tool_calls.empty());
    EXPECT_EQ(chunk.choices[0].finish_reason, "");
}

TEST(WireChunk, StringsKeepTheirBuffersAcrossChunksAndTheUsageChunk) {
    llm::ChunkParser parser;
    llm::ChatChunk chunk;
    const std::string long_text(200, 'a');
    parser.parse(R"({"choices":[{"index":0,"delta":{"content":")" + long_text + R"("}}]})", chunk);
    const char* buffer = chunk.choices[0].content.data();
    parser.parse(R"({"choices":[],"usage":{"total_tokens":3}})", chunk);
    EXPECT_TRUE(chunk.choices.empty());
    parser.parse(R"({"choices":[{"index":0,"delta":{"content":"short"}}]})", chunk);
    EXPECT_EQ(chunk.content(), "short");
    EXPECT_EQ(chunk.choices[0].content.data(), buffer);  // the same allocation, moved back from the spares
}

TEST(WireChunk, AnErrorEventIsAnApiErrorWithStatusZero) {
    llm::ChunkParser parser;
    llm::ChatChunk chunk;
    try {
        parser.parse(R"({"error":{"message":"The server had an error while processing your request.",
                        "type":"server_error","param":null,"code":500}})",
                     chunk);
        FAIL() << "no exception";
    } catch (const llm::ApiError& e) {
        EXPECT_EQ(e.status(), 0);
        EXPECT_EQ(e.type(), "server_error");
        EXPECT_EQ(e.code(), "500");
        EXPECT_EQ(e.message(), "The server had an error while processing your request.");
    }
    parser.parse(R"({"error":null,"choices":[]})", chunk);  // a null error is no error
}

TEST(WireChunk, MalformedChunksAreStreamErrorsThatSayWhatAndWhere) {
    llm::ChunkParser parser;
    llm::ChatChunk chunk;
    const auto message = [&](std::string_view data) {
        return error_of<llm::StreamError>([&] { parser.parse(data, chunk); });
    };
    EXPECT_THAT(message("not json"), HasSubstr("chat chunk: "));
    EXPECT_THAT(message(""), HasSubstr("empty input"));
    EXPECT_THAT(message("[DONE]"), HasSubstr("chat chunk"));
    EXPECT_THAT(message(R"({"choices":[{"index":0,"delta":{"content":"hel)"), HasSubstr("truncated JSON"));
    EXPECT_THAT(message(R"({"choices":[{"index":0,"delta":{"content":"hello"})"), HasSubstr("choices[]: malformed JSON"));
    EXPECT_THAT(message(R"({"choices":[{"index":"x","delta":{}}]})"),
                HasSubstr("choices[].index: expected an integer, got a string"));
    EXPECT_THAT(message(R"({"choices":[{"index":-1}]})"), HasSubstr("choices[].index: index -1 is out of range"));
    EXPECT_THAT(message(R"({"choices":[{"delta":{"tool_calls":[{"index":null}]}}]})"),
                HasSubstr("choices[].delta.tool_calls[].index: expected an integer index, got null"));
    EXPECT_THAT(message(R"({"choices":{"index":0}})"), HasSubstr("choices: expected an array, got an object"));
    EXPECT_THAT(message(R"({"choices":[{"delta":{"content":["a"]}}]})"),
                HasSubstr("choices[].delta.content: expected a string, got an array"));
    EXPECT_THAT(message(R"({"usage":{"total_tokens":"3"}})"), HasSubstr("usage.total_tokens"));
    EXPECT_THAT(message(R"({"created":1e300})"), HasSubstr("created: expected an integer"));
    EXPECT_THAT(message(R"({"id":"a"} {"id":"b"})"), HasSubstr("chat chunk"));
    EXPECT_THAT(message(R"({"id":"a"}})"), HasSubstr("after the top-level object"));
    EXPECT_THAT(message(R"({"choices":[{"delta":{"content":"\x"}}]})"), HasSubstr("choices[].delta.content"));
    EXPECT_THAT(message("\"text\""), HasSubstr("expected a JSON object, got a string"));
    EXPECT_THAT(message(R"({"choices":[{"delta":)" + std::string(5000, '[') + "}"), HasSubstr("chat chunk"));
    // The chunk is quoted, cut short.
    const std::string long_message = message(R"({"model":")" + std::string(5000, 'z') + R"(","choices":7})");
    EXPECT_THAT(long_message, HasSubstr(R"(input: {"model":"zzz)"));
    EXPECT_THAT(long_message, HasSubstr("bytes)"));
    EXPECT_LT(long_message.size(), 400u);
    // The parser is still usable after an error.
    parser.parse(R"({"choices":[{"index":0,"delta":{"content":"ok"}}]})", chunk);
    EXPECT_EQ(chunk.content(), "ok");
}

TEST(WireChunk, DeepNestingInsideAnIgnoredFieldIsSkipped) {
    llm::ChunkParser parser;
    llm::ChatChunk chunk;
    const std::string deep = std::string(20000, '[') + std::string(20000, ']');
    parser.parse(R"({"logprobs":)" + deep + R"(,"choices":[{"delta":{"content":"x"}}]})", chunk);
    EXPECT_EQ(chunk.content(), "x");
}
