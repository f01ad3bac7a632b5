// chunk_parser_test.cpp: streamed chunks (src/llm/chunk_parser.cpp), on the
// API's documented shapes, with buffers recycled from chunk to chunk.
#include "agentio/llm/wire.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "llm/error_of.hpp"
#include "llm/fixtures.hpp"

namespace llm = agentio::llm;
using agentio::testkit::error_of;
using ::testing::HasSubstr;

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

// --- what the fast path reads, and what it leaves to simdjson ------------------------
// Every input is read by one of two paths (src/llm/chunk_parsing.hpp); these pin
// the results that must not depend on which one took it.

TEST(WireChunk, EscapedAndRawUnicodeDecodeToTheSameText) {
    llm::ChunkParser parser;
    llm::ChatChunk chunk;
    parser.parse(R"({"choices":[{"delta":{"content":"caf\u00e9 \u4e2d \ud83d\ude00 \n\t\"q\" \\ \/ \u0041"}}]})", chunk);
    EXPECT_EQ(chunk.content(), "caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80 \n\t\"q\" \\ / A");
    parser.parse("{\"choices\":[{\"delta\":{\"content\":\"caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80\"}}]}", chunk);
    EXPECT_EQ(chunk.content(), "caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80");
    parser.parse(R"({"choices":[{"delta":{"content":"nul\u0000l"}}]})", chunk);
    EXPECT_EQ(chunk.content(), std::string("nul\0l", 5));
}

TEST(WireChunk, WhitespaceBetweenEveryTokenIsAccepted) {
    llm::ChunkParser parser;
    llm::ChatChunk chunk;
    parser.parse(" {\n\t\"id\" : \"x\" ,\r\n \"created\" : -0 , \"choices\" : [ { \"index\" : 2 , \"delta\" : "
                 "{ \"content\" : \"a\" } } ] }  \n",
                 chunk);
    EXPECT_EQ(chunk.id, "x");
    EXPECT_EQ(chunk.created, 0);
    ASSERT_EQ(chunk.choices.size(), 1u);
    EXPECT_EQ(chunk.choices[0].index, 2);
    EXPECT_EQ(chunk.content(), "a");
}

TEST(WireChunk, IgnoredFieldsMayHoldAnyValue) {
    llm::ChunkParser parser;
    llm::ChatChunk chunk;
    parser.parse(R"({"x":[1,-2.5e+3,0,1E5,true,false,null,{"a":[[]]},"s\"t"],"choices":[{"index":0,)"
                 R"("logprobs":{"content":[{"token":"a","logprob":-0.01,"bytes":[97]}]},"delta":{"content":"a"}}]})",
                 chunk);
    EXPECT_EQ(chunk.content(), "a");
}

TEST(WireChunk, RepeatedKeysAreReadInOrder) {
    llm::ChunkParser parser;
    llm::ChatChunk chunk;
    parser.parse(R"({"choices":[{"index":0,"delta":{"content":"a"}}],"choices":[{"index":1,"delta":{"content":"b"}}],)"
                 R"("created":12,"created":null,"id":"first","id":"second"})",
                 chunk);
    ASSERT_EQ(chunk.choices.size(), 2u);  // each array adds its choices
    EXPECT_EQ(chunk.choices[1].content, "b");
    EXPECT_EQ(chunk.created, 0);  // the last one wins
    EXPECT_EQ(chunk.id, "second");
}

TEST(WireChunk, InvalidUtf8AndRawControlCharactersAreStreamErrors) {
    llm::ChunkParser parser;
    llm::ChatChunk chunk;
    const auto message = [&](std::string_view data) {
        return error_of<llm::StreamError>([&] { parser.parse(data, chunk); });
    };
    EXPECT_THAT(message("{\"choices\":[{\"delta\":{\"content\":\"\xc3\x28\"}}]}"), HasSubstr("invalid UTF-8"));
    EXPECT_THAT(message("{\"choices\":[{\"delta\":{\"content\":\"\xed\xa0\x80\"}}]}"), HasSubstr("invalid UTF-8"));
    EXPECT_THAT(message("{\"choices\":[{\"delta\":{\"content\":\"\xc0\xaf\"}}]}"), HasSubstr("invalid UTF-8"));
    EXPECT_THAT(message("{\"choices\":[{\"delta\":{\"content\":\"a\x01" "b\"}}]}"), HasSubstr("unescaped"));
    EXPECT_THAT(message(R"({"id":"a",})"), HasSubstr("chat chunk"));
}
