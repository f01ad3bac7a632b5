// llm::prompt_tokens and request_tokens: the model's encoding plus OpenAI's
// message framing, exact by default, estimated when asked.
#include "agentio/llm/token_count.hpp"

#include <gtest/gtest.h>

#include "agentio/llm/tokenizer.hpp"

namespace {

using namespace agentio;

llm::ChatRequest ask(std::string model, std::string text) {
    llm::ChatRequest request;
    request.model = std::move(model);
    request.messages = {llm::Message::user(std::move(text))};
    return request;
}

TEST(TokenCountTest, APromptIsItsTextInTheModelsEncodingPlusTheFraming) {
    // Reply priming 3, per message 3, "user" 1, then the text: "I'll" is one
    // token of o200k_base and two of cl100k_base.
    EXPECT_EQ(llm::prompt_tokens(ask("gpt-4o", "I'll")), 3 + 3 + 1 + 1);
    EXPECT_EQ(llm::prompt_tokens(ask("gpt-4", "I'll")), 3 + 3 + 1 + 2);
    EXPECT_EQ(llm::prompt_tokens(ask("gpt-4o", "How many tokens is this?")), 3 + 3 + 1 + 6);
    // A model tiktoken does not know is counted with o200k_base.
    EXPECT_EQ(llm::prompt_tokens(ask("sim-small", "I'll")), 3 + 3 + 1 + 1);

    llm::ChatRequest named = ask("gpt-4o", "I'll");
    named.messages[0].name = "alice";
    EXPECT_EQ(llm::prompt_tokens(named), 3 + 3 + 1 + 1 + 1 + static_cast<std::int64_t>(llm::Encoding::o200k_base().count("alice")));
}

TEST(TokenCountTest, TheEstimateIsFourCharactersATokenAndOnlyWhenAskedFor) {
    const llm::ChatRequest request = ask("gpt-4o", std::string(400, 'x'));
    // priming 3 + message 3 + "user" 1 + 400 / 4.
    EXPECT_EQ(llm::prompt_tokens(request, llm::TokenCounting::estimate), 3 + 3 + 1 + 100);
    EXPECT_EQ(llm::prompt_tokens(request), 3 + 3 + 1 + static_cast<std::int64_t>(llm::Encoding::o200k_base().count(std::string(400, 'x'))));
    EXPECT_EQ(llm::text_tokens("gpt-4o", "hello world"), 2);
    EXPECT_EQ(llm::text_tokens("gpt-4o", "hello world", llm::TokenCounting::estimate), 3);
}

TEST(TokenCountTest, OutputAllowanceComesFromMaxCompletionTokensThenMaxTokensForEachChoice) {
    llm::ChatRequest request = ask("gpt-4o", "hi");
    const std::int64_t prompt = llm::prompt_tokens(request);
    EXPECT_EQ(llm::request_tokens(request), prompt + 256);
    EXPECT_EQ(llm::request_tokens(request, llm::TokenCounting::exact, 0), prompt);
    request.max_tokens = 40;
    EXPECT_EQ(llm::request_tokens(request), prompt + 40);
    request.max_completion_tokens = 10;
    EXPECT_EQ(llm::request_tokens(request), prompt + 10);
    request.n = 3;  // three choices may each use the allowance
    EXPECT_EQ(llm::output_allowance(request), 30);
    EXPECT_EQ(llm::request_tokens(request), prompt + 30);
    EXPECT_EQ(llm::prompt_tokens(request), prompt);  // whatever the allowance
}

TEST(TokenCountTest, ToolCallsToolDefinitionsAndResponseFormatsCountToo) {
    llm::ChatRequest request;
    request.model = "gpt-4o";
    request.messages = {llm::Message::system("Be brief."), llm::Message::user("What is the weather?")};
    const std::int64_t base = llm::prompt_tokens(request);

    llm::Message call;
    call.role = "assistant";
    call.tool_calls.push_back(llm::ToolCall{"call_1", "function", "get_weather", R"({"city":"Paris"})"});
    request.messages.push_back(call);
    const std::int64_t with_call = llm::prompt_tokens(request);
    EXPECT_GT(with_call, base + 3);  // more than the framing alone

    llm::Tool tool;
    tool.name = "get_weather";
    tool.description = "Current weather in a city";
    tool.parameters = {{"type", "object"}, {"properties", {{"city", {{"type", "string"}}}}}};
    request.tools.push_back(tool);
    const std::int64_t with_tool = llm::prompt_tokens(request);
    EXPECT_GT(with_tool, with_call + 10);

    request.response_format = {{"type", "json_object"}};
    EXPECT_GT(llm::prompt_tokens(request), with_tool);
}

}  // namespace
