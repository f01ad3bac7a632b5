// sim::plan_reply: what decides a reply (content, not limits or transport),
// lengths, caps, scripted replies and the prompt's exact count.
#include <agentio/llm/token_count.hpp>
#include <agentio/llm/tokenizer.hpp>
#include <agentio/sim/reply.hpp>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <set>

using namespace agentio;

namespace {

llm::ChatRequest ask(std::string text) {
    llm::ChatRequest request;
    request.model = "sim-small";
    request.messages = {llm::Message::system("Be brief."), llm::Message::user(std::move(text))};
    return request;
}

TEST(ReplyTest, GeneratedLengthComesFromTheConfiguredRangeAndDependsOnContentOnly) {
    sim::Config config;
    config.output = {20, 40};
    llm::ChatRequest request = ask("Hello");
    const sim::Reply reply = sim::plan_reply(config, nullptr, request);
    EXPECT_GE(reply.text_tokens, 20);
    EXPECT_LE(reply.text_tokens, 40);
    EXPECT_EQ(reply.finish_reason, "stop");
    EXPECT_EQ(reply.tokens.completion, reply.text_tokens);

    request.extra["stream"] = true;
    request.temperature = 0.3;
    EXPECT_EQ(sim::plan_reply(config, nullptr, request).text(), reply.text());
    request.seed = 5;
    EXPECT_NE(sim::plan_reply(config, nullptr, request).text(), reply.text());
    config.seed = 43;
    EXPECT_NE(sim::plan_reply(config, nullptr, ask("Hello")).text(), reply.text());

    std::set<int> lengths;
    for (int i = 0; i < 200; ++i) lengths.insert(sim::plan_reply(config, nullptr, ask("q" + std::to_string(i))).text_tokens);
    EXPECT_EQ(*lengths.begin(), 20);
    EXPECT_EQ(*lengths.rbegin(), 40);
}

TEST(ReplyTest, ACapBelowTheNaturalLengthCutsWithLength) {
    sim::Config config;
    config.output = {50, 50};
    llm::ChatRequest request = ask("Hello");
    request.max_tokens = 10;
    const sim::Reply capped = sim::plan_reply(config, nullptr, request);
    EXPECT_EQ(capped.text_tokens, 10);
    EXPECT_EQ(capped.finish_reason, "length");
    request.max_completion_tokens = 50;  // the current name wins; exactly the natural length is not a cut
    const sim::Reply exact = sim::plan_reply(config, nullptr, request);
    EXPECT_EQ(exact.text_tokens, 50);
    EXPECT_EQ(exact.finish_reason, "stop");
    EXPECT_EQ(exact.text().rfind(capped.text(), 0), 0u);
    EXPECT_EQ(sim::requested_max_tokens(request), 50);
}

TEST(ReplyTest, ScriptedContentIsSplitIntoTheModelsTokensAndCappedByThem) {
    const std::string content = "It is  18 degrees.\nBye 🙂 中文";
    const sim::Script script = sim::Script::parse(R"({"reply": {"content": ")" + std::string("It is  18 degrees.\\nBye 🙂 中文") + R"("}})", "s");
    llm::ChatRequest request = ask("weather?");
    request.model = "gpt-4o";
    const sim::Reply reply = sim::plan_reply(sim::Config{}, &script.match(request)->reply, request);
    EXPECT_EQ(reply.text(), content);
    EXPECT_EQ(reply.finish_reason, "stop");
    const std::size_t exact = llm::Encoding::o200k_base().count(content);
    EXPECT_EQ(reply.tokens.completion, static_cast<std::int64_t>(exact));
    // A piece per token, but where a token ends inside a character (the emoji's bytes).
    std::int64_t tokens = 0;
    for (std::size_t i = 0; i < reply.pieces.size(); ++i) {
        tokens += reply.piece_tokens[i];
        EXPECT_NO_THROW((void)nlohmann::json(reply.pieces[i]).dump()) << "piece " << i << " is not whole UTF-8";
    }
    EXPECT_EQ(tokens, static_cast<std::int64_t>(exact));
    EXPECT_EQ(reply.pieces[0] + reply.pieces[1], "It is");

    request.max_tokens = 2;
    const sim::Reply capped = sim::plan_reply(sim::Config{}, &script.match(request)->reply, request);
    EXPECT_EQ(capped.text(), "It is");
    EXPECT_EQ(capped.finish_reason, "length");
    EXPECT_EQ(capped.tokens.completion, 2);

    // The same content is other tokens for a cl100k_base model.
    request.model = "gpt-4";
    request.max_tokens.reset();
    const sim::Reply cl100k = sim::plan_reply(sim::Config{}, &script.match(request)->reply, request);
    EXPECT_EQ(cl100k.tokens.completion, static_cast<std::int64_t>(llm::Encoding::cl100k_base().count(content)));
}

TEST(ReplyTest, ScriptedToolCallsGetStableDistinctIdsAndWholeFragments) {
    const sim::Script script = sim::Script::parse(
        R"({"reply": {"tool_calls": [{"name": "a", "arguments": "{\"city\":\"Zürich, Genève\"}"}, {"name": "b"}, {"id": "mine", "name": "c"}]}})",
        "s");
    const llm::ChatRequest request = ask("go");
    const sim::Reply reply = sim::plan_reply(sim::Config{}, &script.match(request)->reply, request);
    EXPECT_EQ(reply.finish_reason, "tool_calls");
    EXPECT_FALSE(reply.has_text);
    ASSERT_EQ(reply.tool_calls.size(), 3u);
    EXPECT_EQ(reply.tool_calls[0].id.size(), 5u + 24u);
    EXPECT_NE(reply.tool_calls[0].id, reply.tool_calls[1].id);
    EXPECT_EQ(reply.tool_calls[2].id, "mine");
    EXPECT_EQ(reply.tool_calls[0].id, sim::plan_reply(sim::Config{}, &script.match(request)->reply, request).tool_calls[0].id);
    EXPECT_EQ(reply.tool_calls[1].arguments, "{}");

    const std::string& arguments = reply.tool_calls[0].arguments;
    const std::vector<std::size_t>& ends = reply.fragment_ends[0];
    EXPECT_EQ(ends.back(), arguments.size());
    std::size_t begin = 0;
    for (const std::size_t end : ends) {
        EXPECT_GE(end - begin, 3u);
        EXPECT_LE(end - begin, 9u);  // 8, plus at most one UTF-8 continuation byte here
        EXPECT_NE(static_cast<unsigned char>(arguments[begin]) & 0xC0, 0x80) << "a fragment starts mid-character";
        begin = end;
    }
    std::int64_t expected_tokens = 0;
    for (const auto& fragments : reply.fragment_ends) expected_tokens += 1 + static_cast<std::int64_t>(fragments.size());
    EXPECT_EQ(reply.tokens.completion, expected_tokens);
}

TEST(ReplyTest, NChoicesDifferAndChoiceZeroIsTheSingleReply) {
    sim::Config config;
    llm::ChatRequest request = ask("Hello");
    const sim::Reply single = sim::plan_reply(config, nullptr, request);
    request.n = 4;
    const std::vector<sim::Reply> replies = sim::plan_replies(config, nullptr, request);
    ASSERT_EQ(replies.size(), 4u);
    EXPECT_EQ(replies[0].text(), single.text());
    std::set<std::string> texts;
    for (const sim::Reply& reply : replies) texts.insert(reply.text());
    EXPECT_EQ(texts.size(), 4u);
    EXPECT_EQ(sim::plan_replies(config, nullptr, request)[3].text(), replies[3].text());

    // A script answers every choice alike.
    const sim::Script script = sim::Script::parse(R"({"reply": {"content": "Fixed."}})", "s");
    for (const sim::Reply& reply : sim::plan_replies(config, &script.match(request)->reply, request)) EXPECT_EQ(reply.text(), "Fixed.");
}

TEST(ReplyTest, AJsonReplyIsTheFormatsContentInPiecesAndCappedLikeText) {
    using OrderedJson = agentio::llm::Json;
    const sim::ResponseFormat format = sim::ResponseFormat::read(OrderedJson::parse(
        R"({"type": "json_schema", "json_schema": {"name": "p", "schema": {"type": "object",
            "properties": {"title": {"type": "string"}, "pages": {"type": "integer"}}, "required": ["title", "pages"]}}})"));
    llm::ChatRequest request = ask("A book, please.");
    const sim::Reply reply = sim::plan_reply(sim::Config{}, nullptr, request, 0, &format);
    const OrderedJson value = OrderedJson::parse(reply.text());
    EXPECT_TRUE(value["title"].is_string());
    EXPECT_TRUE(value["pages"].is_number_integer());
    EXPECT_EQ(reply.finish_reason, "stop");
    EXPECT_EQ(reply.tokens.completion, static_cast<std::int64_t>(llm::Encoding::for_model(request.model).count(reply.text())));
    for (const std::string& piece : reply.pieces) EXPECT_GE(piece.size(), 1u);
    EXPECT_NE(sim::plan_reply(sim::Config{}, nullptr, request, 1, &format).text(), reply.text());

    request.max_tokens = 2;
    const sim::Reply capped = sim::plan_reply(sim::Config{}, nullptr, request, 0, &format);
    EXPECT_EQ(capped.finish_reason, "length");
    EXPECT_EQ(capped.text(), reply.pieces[0] + reply.pieces[1]);  // JSON's first tokens are ASCII: one piece each
    EXPECT_EQ(capped.tokens.completion, 2);
}

TEST(ReplyTest, PromptTokensAreCountedExactlyWithTheRequestedModelsEncoding) {
    llm::ChatRequest request;
    request.messages = {llm::Message::user("I'll count: 1234567, 中文")};
    request.model = "gpt-4o";
    const sim::Reply o200k = sim::plan_reply(sim::Config{}, nullptr, request);
    EXPECT_EQ(o200k.tokens.prompt, llm::prompt_tokens(request));
    request.model = "gpt-4";
    const sim::Reply cl100k = sim::plan_reply(sim::Config{}, nullptr, request);
    EXPECT_EQ(cl100k.tokens.prompt, llm::prompt_tokens(request));
    EXPECT_NE(o200k.tokens.prompt, cl100k.tokens.prompt);  // "I'll" is one token of o200k_base, two of cl100k_base
}

}  // namespace
