// stream_accumulator_test.cpp: folding streamed chunks into a ChatResponse.
#include "agentio/llm/stream_accumulator.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "agentio/llm/wire.hpp"
#include "llm/fixtures.hpp"

namespace llm = agentio::llm;

namespace {

// Feeds every event of an SSE stream up to [DONE] through one parser.
llm::StreamAccumulator accumulate(std::string_view stream) {
    llm::StreamAccumulator accumulator;
    llm::ChunkParser parser;
    llm::ChatChunk chunk;
    for (const std::string& data : llm::fixtures::sse_data(stream)) {
        if (data == "[DONE]") break;
        parser.parse(data, chunk);
        accumulator.add(chunk);
    }
    return accumulator;
}

llm::ChatChunk parse(std::string_view data) {
    llm::ChunkParser parser;
    llm::ChatChunk chunk;
    parser.parse(data, chunk);
    return chunk;
}

}  // namespace

TEST(StreamAccumulator, AStreamedAnswerAddsUpToTheCompletion) {
    const llm::StreamAccumulator accumulator = accumulate(llm::fixtures::kStreamedCompletion);
    const llm::ChatResponse& response = accumulator.response();
    EXPECT_TRUE(accumulator.has_output());
    EXPECT_EQ(response.id, "chatcmpl-123");
    EXPECT_EQ(response.model, "gpt-4o-mini");
    EXPECT_EQ(response.created, 1694268190);
    EXPECT_EQ(response.system_fingerprint, "fp_44709d6fcb");
    ASSERT_EQ(response.choices.size(), 1u);
    EXPECT_EQ(response.choices[0].message.role, "assistant");
    EXPECT_EQ(response.text(), "Hello world!");
    EXPECT_EQ(response.choices[0].message.refusal, std::nullopt);
    EXPECT_EQ(response.choices[0].finish_reason, "stop");
    EXPECT_TRUE(response.tool_calls().empty());
    ASSERT_TRUE(response.usage);
    EXPECT_EQ(*response.usage, (llm::Usage{.prompt_tokens = 9, .completion_tokens = 3, .total_tokens = 12}));
}

TEST(StreamAccumulator, InterleavedToolCallsComeOutWholeInIndexOrder) {
    const llm::StreamAccumulator accumulator = accumulate(llm::fixtures::kStreamedToolCalls);
    const llm::ChatResponse& response = accumulator.response();
    EXPECT_EQ(response.choices[0].message.content, std::nullopt);
    EXPECT_EQ(response.choices[0].finish_reason, "tool_calls");
    ASSERT_EQ(response.tool_calls().size(), 2u);
    EXPECT_EQ(response.tool_calls()[0], (llm::ToolCall{.id = "call_weather_1", .type = "function", .name = "get_weather",
                                                        .arguments = R"({"location": "Paris"})"}));
    EXPECT_EQ(response.tool_calls()[1], (llm::ToolCall{.id = "call_time_2", .type = "function", .name = "get_time",
                                                        .arguments = R"({"tz": "Europe/Paris"})"}));
    ASSERT_TRUE(response.usage);
    EXPECT_EQ(response.usage->cached_tokens, 64);
}

TEST(StreamAccumulator, AStreamedAnswerEqualsTheNonStreamedOne) {
    const llm::ChatResponse streamed = accumulate(llm::fixtures::kStreamedToolCalls).response();
    const llm::ChatResponse whole = llm::parse_chat_response(R"({"id":"chatcmpl-456","created":1723900100,
        "model":"gpt-4o-mini","system_fingerprint":"fp_48196bc67a","choices":[{"index":0,"finish_reason":"tool_calls",
        "message":{"role":"assistant","content":null,"tool_calls":[
          {"id":"call_weather_1","type":"function","function":{"name":"get_weather","arguments":"{\"location\": \"Paris\"}"}},
          {"id":"call_time_2","type":"function","function":{"name":"get_time","arguments":"{\"tz\": \"Europe/Paris\"}"}}]}}],
        "usage":{"prompt_tokens":88,"completion_tokens":41,"total_tokens":129,"prompt_tokens_details":{"cached_tokens":64}}})");
    EXPECT_EQ(streamed.id, whole.id);
    EXPECT_EQ(streamed.model, whole.model);
    EXPECT_EQ(streamed.created, whole.created);
    EXPECT_EQ(streamed.system_fingerprint, whole.system_fingerprint);
    ASSERT_EQ(streamed.choices.size(), whole.choices.size());
    EXPECT_EQ(streamed.choices[0].message, whole.choices[0].message);
    EXPECT_EQ(streamed.choices[0].finish_reason, whole.choices[0].finish_reason);
    EXPECT_EQ(streamed.usage, whole.usage);
}

TEST(StreamAccumulator, SeveralChoicesAreKeptApartAndSortedByIndex) {
    llm::StreamAccumulator accumulator;
    accumulator.add(parse(R"({"choices":[{"index":1,"delta":{"role":"assistant","content":"B1"}}]})"));
    accumulator.add(parse(R"({"choices":[{"index":0,"delta":{"role":"assistant","content":"A1"}}]})"));
    accumulator.add(parse(R"({"choices":[{"index":1,"delta":{"content":"B2"}},{"index":0,"delta":{"content":"A2"}}]})"));
    accumulator.add(parse(R"({"choices":[{"index":0,"delta":{},"finish_reason":"length"}]})"));
    const auto& choices = accumulator.response().choices;
    ASSERT_EQ(choices.size(), 2u);
    EXPECT_EQ(choices[0].index, 0);
    EXPECT_EQ(choices[0].message.content, "A1A2");
    EXPECT_EQ(choices[0].finish_reason, "length");
    EXPECT_EQ(choices[1].index, 1);
    EXPECT_EQ(choices[1].message.content, "B1B2");
    EXPECT_EQ(choices[1].finish_reason, "");
}

TEST(StreamAccumulator, HasOutputOnlyOnceAFragmentArrived) {
    llm::StreamAccumulator accumulator;
    accumulator.add(parse(R"({"id":"x","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]})"));
    EXPECT_FALSE(accumulator.has_output());
    accumulator.add(parse(R"({"choices":[],"usage":{"total_tokens":1}})"));
    EXPECT_FALSE(accumulator.has_output());
    llm::StreamAccumulator refusal;
    refusal.add(parse(R"({"choices":[{"index":0,"delta":{"refusal":"I can"}}]})"));
    refusal.add(parse(R"({"choices":[{"index":0,"delta":{"refusal":"'t."}}]})"));
    EXPECT_TRUE(refusal.has_output());
    EXPECT_EQ(refusal.response().choices[0].message.refusal, "I can't.");
    EXPECT_EQ(refusal.response().choices[0].message.content, std::nullopt);
    llm::StreamAccumulator call;
    call.add(parse(R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c","function":{"name":"f"}}]}}]})"));
    EXPECT_TRUE(call.has_output());
}

TEST(StreamAccumulator, TheFirstIdAndNameOfACallWinAndArgumentsAppend) {
    llm::StreamAccumulator accumulator;
    // Some servers repeat id and name in every delta, and may send the index-1 call first.
    accumulator.add(parse(R"({"choices":[{"index":0,"delta":{"tool_calls":[
        {"index":1,"id":"c1","function":{"name":"g","arguments":"[1"}}]}}]})"));
    accumulator.add(parse(R"({"choices":[{"index":0,"delta":{"tool_calls":[
        {"index":0,"id":"c0","function":{"name":"f","arguments":"{"}},
        {"index":1,"id":"c1","function":{"name":"g","arguments":",2]"}}]}}]})"));
    accumulator.add(parse(R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"}"}}]}}]})"));
    const auto& calls = accumulator.response().tool_calls();
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0], (llm::ToolCall{.id = "c0", .type = "function", .name = "f", .arguments = "{}"}));
    EXPECT_EQ(calls[1], (llm::ToolCall{.id = "c1", .type = "function", .name = "g", .arguments = "[1,2]"}));
}

TEST(StreamAccumulator, AHugeIndexIsLookedUpNotAllocated) {
    llm::StreamAccumulator accumulator;
    const int huge = std::numeric_limits<int>::max();
    accumulator.add(parse(R"({"choices":[{"index":2147483647,"delta":{"content":"x","tool_calls":[
        {"index":2147483647,"id":"c","function":{"name":"f","arguments":"{}"}}]}}]})"));
    ASSERT_EQ(accumulator.response().choices.size(), 1u);
    EXPECT_EQ(accumulator.response().choices[0].index, huge);
    EXPECT_EQ(accumulator.response().choices[0].message.tool_calls.size(), 1u);
}

TEST(StreamAccumulator, TakeMovesTheResponseOutAndStartsOver) {
    llm::StreamAccumulator accumulator = accumulate(llm::fixtures::kStreamedToolCalls);
    const llm::ChatResponse taken = accumulator.take();
    EXPECT_EQ(taken.tool_calls().size(), 2u);
    EXPECT_FALSE(accumulator.has_output());
    EXPECT_TRUE(accumulator.response().choices.empty());
    EXPECT_EQ(accumulator.response().id, "");
    accumulator.add(parse(R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"n","function":{"name":"h"}}]}}]})"));
    ASSERT_EQ(accumulator.response().tool_calls().size(), 1u);
    EXPECT_EQ(accumulator.response().tool_calls()[0].id, "n");
}
