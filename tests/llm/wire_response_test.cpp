// wire_response_test.cpp: bodies of replies and of errors
// (src/llm/wire_response.cpp), on the API's documented shapes.
#include "agentio/llm/wire.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "llm/error_of.hpp"
#include "llm/fixtures.hpp"

namespace llm = agentio::llm;
using agentio::testkit::error_of;
using ::testing::HasSubstr;

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
