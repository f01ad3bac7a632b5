// sim::tool_policy_reply: which offered tools the simulator calls for a
// user message, the arguments it fills in from the message (and that they
// validate against the tool's schema), tool_choice and parallel_tool_calls,
// the policies, and the answer once the tool results are back.
#include <agentio/llm/wire.hpp>
#include <agentio/sim/reply.hpp>
#include <agentio/sim/tool_policy.hpp>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/schema_check.hpp"

using namespace agentio;
using agentio::testkit::OrderedJson;
using agentio::testkit::SchemaCheck;

namespace {

// A tool as a request offers it: its schema is JSON text, so that its
// property order is the one written here.
struct ToolSpec {
    std::string name;
    std::string description;
    std::string parameters = R"({"type": "object", "properties": {}})";
};

ToolSpec weather() {
    return {"get_weather", "Get the current weather for a city",
            R"({"type": "object", "properties": {"city": {"type": "string"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
                "required": ["city", "unit"], "additionalProperties": false})"};
}
ToolSpec time_in() {
    return {"get_time", "Get the current time in a time zone",
            R"({"type": "object", "properties": {"timezone": {"type": "string"}}, "required": ["timezone"]})"};
}
ToolSpec add() {
    return {"add", "Add two numbers",
            R"({"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}, "required": ["a", "b"]})"};
}
ToolSpec multiply() {
    return {"multiply", "Multiply two numbers",
            R"({"type": "object", "properties": {"x": {"type": "number"}, "y": {"type": "number"}}, "required": ["x", "y"]})"};
}

// A request and its tools' schemas in the body's order, as the server reads them.
struct Offer {
    llm::ChatRequest request;
};

Offer offer(std::string user, const std::vector<ToolSpec>& tools) {
    Offer offer;
    offer.request.model = "sim-small";
    offer.request.messages = {llm::Message::system("You are a helpful assistant."), llm::Message::user(std::move(user))};
    for (const ToolSpec& spec : tools) {
        llm::Tool tool;
        tool.name = spec.name;
        tool.description = spec.description;
        tool.parameters = llm::Json::parse(spec.parameters);
        offer.request.tools.push_back(tool);
    }
    return offer;
}

sim::Config with_policy(sim::ToolPolicy policy) {
    sim::Config config;
    config.tool_policy = policy;
    return config;
}

std::optional<sim::ScriptedReply> decide(const Offer& offer, sim::ToolPolicy policy = sim::ToolPolicy::automatic) {
    return sim::tool_policy_reply(with_policy(policy), sim::ToolChoice::read(offer.request), offer.request);
}

std::vector<std::string> called(const std::optional<sim::ScriptedReply>& reply) {
    std::vector<std::string> names;
    if (reply)
        for (const llm::ToolCall& call : reply->tool_calls) names.push_back(call.name);
    return names;
}

OrderedJson arguments(const std::optional<sim::ScriptedReply>& reply, std::size_t call = 0) {
    return OrderedJson::parse(reply.value().tool_calls.at(call).arguments);
}

using Names = std::vector<std::string>;

TEST(ToolPolicyTest, CallsTheToolWhoseNameAndDescriptionShareTheMostWordsWithTheMessage) {
    Offer o = offer("What's the weather like in Paris?", {time_in(), weather(), add()});
    o.request.parallel_tool_calls = false;
    const auto reply = decide(o);
    EXPECT_EQ(called(reply), Names{"get_weather"});
    EXPECT_FALSE(reply->content.has_value());
    EXPECT_TRUE(reply->tool_calls[0].id.empty()) << "plan_reply derives the ids";
}

TEST(ToolPolicyTest, TiesGoToTheFirstOfferedTool) {
    Offer o = offer("the weather, or the time?", {time_in(), weather()});
    o.request.parallel_tool_calls = false;
    EXPECT_EQ(called(decide(o)), Names{"get_time"});
    Offer swapped = offer("the weather, or the time?", {weather(), time_in()});
    swapped.request.parallel_tool_calls = false;
    EXPECT_EQ(called(decide(swapped)), Names{"get_weather"});
}

TEST(ToolPolicyTest, NamesAreSplitAtSeparatorsAndCamelCase) {
    EXPECT_EQ(called(decide(offer("the stock price of ACME", {{"lookupStockPrice", ""}}))), Names{"lookupStockPrice"});
    EXPECT_EQ(called(decide(offer("fetch the exchange rate", {{"exchange-rate.fetch", ""}}))), Names{"exchange-rate.fetch"});
    EXPECT_EQ(called(decide(offer("HTTP status of the server", {{"HTTPServerStatus", ""}}))), Names{"HTTPServerStatus"});
}

TEST(ToolPolicyTest, AMessageSharingNoWordWithAnyToolGetsTextUnderAuto) {
    EXPECT_FALSE(decide(offer("Tell me a joke.", {weather(), time_in(), add()})).has_value());
}

TEST(ToolPolicyTest, CommonWordsAndWordsEveryOfferedToolHasDoNotCount) {
    // "get" and "current" are in both tools, "the" and "what" are common: nothing tells them apart.
    EXPECT_FALSE(decide(offer("What is the current answer? get it", {weather(), time_in()})).has_value());
    // "get the weather": "weather" decides, "get" adds nothing to get_time.
    EXPECT_EQ(called(decide(offer("get the weather", {weather(), time_in()}))), Names{"get_weather"});
    // With one tool offered, all of its words count.
    EXPECT_EQ(called(decide(offer("get me something", {time_in()}))), Names{"get_time"});
}

TEST(ToolPolicyTest, ParallelCallsAreEveryToolSharingAWordInOfferedOrder) {
    Offer o = offer("The weather in Paris and the time in Tokyo, please.", {add(), time_in(), weather()});
    EXPECT_EQ(called(decide(o)), (Names{"get_time", "get_weather"}));
    o.request.parallel_tool_calls = false;
    EXPECT_EQ(called(decide(o)), Names{"get_time"});
}

TEST(ToolPolicyTest, NumbersFillNumberParametersInTheSchemasOrder) {
    EXPECT_EQ(decide(offer("add 3 and 4", {add()}))->tool_calls[0].arguments, R"({"a":3,"b":4})");
    EXPECT_EQ(arguments(decide(offer("add -2.5 and 10", {add()}))), OrderedJson::parse(R"({"a": -2.5, "b": 10})"));
    // Digits inside a word are not numbers; "3-4" is 3 and 4.
    EXPECT_EQ(arguments(decide(offer("gpt4 says add 3-4", {add()}))), OrderedJson::parse(R"({"a": 3, "b": 4})"));
    // The body's property order decides, not the alphabet.
    const ToolSpec reversed{"add", "Add two numbers",
                            R"({"type": "object", "properties": {"b": {"type": "number"}, "a": {"type": "number"}}})"};
    EXPECT_EQ(decide(offer("add 3 and 4", {reversed}))->tool_calls[0].arguments, R"({"b":3,"a":4})");
}

TEST(ToolPolicyTest, ANumberTheParameterDoesNotAdmitIsPassedOverAndAValidOneGenerated) {
    const ToolSpec pick{"pick_seats", "Pick seats",
                        R"({"type": "object", "properties": {"count": {"type": "integer", "minimum": 1, "maximum": 9},
                            "row": {"type": "integer"}}, "required": ["count", "row"]})"};
    const OrderedJson schema = OrderedJson::parse(pick.parameters);
    // 2.5 is no integer: count is generated; row takes the next number.
    const OrderedJson args = arguments(decide(offer("pick seats: 2.5 then 7", {pick})));
    EXPECT_EQ(SchemaCheck(schema).violation(args), "") << args;
    EXPECT_EQ(args["row"], 7);
    // 40 is above count's maximum.
    const OrderedJson high = arguments(decide(offer("pick 40 seats in row 12", {pick})));
    EXPECT_EQ(SchemaCheck(schema).violation(high), "") << high;
    EXPECT_NE(high["count"], 40);
    EXPECT_EQ(high["row"], 12);
}

TEST(ToolPolicyTest, QuotedTextsFillStringParametersInOrder) {
    const ToolSpec email{"send_email", "Send an email",
                         R"({"type": "object", "properties": {"to": {"type": "string"}, "subject": {"type": "string"},
                             "body": {"type": "string"}}, "required": ["to", "subject", "body"]})"};
    const auto reply = decide(offer(R"(What's up? Send an email to "bob@example.com" titled 'Lunch' saying “See you at noon”.)", {email}));
    EXPECT_EQ(arguments(reply), OrderedJson::parse(R"({"to": "bob@example.com", "subject": "Lunch", "body": "See you at noon"})"));
    // A ' inside a word neither opens nor closes a quote.
    EXPECT_EQ(arguments(decide(offer(R"(Send an email to 'Bob's desk' now)", {email})))["to"], "Bob's desk");
}

TEST(ToolPolicyTest, WithoutQuotesAStringTakesTheWordAfterItsNameElseTheWholeMessage) {
    EXPECT_EQ(arguments(decide(offer("weather for city Paris?", {weather()})))["city"], "Paris");
    EXPECT_EQ(arguments(decide(offer("weather where city is Lyon.", {weather()})))["city"], "Lyon");
    EXPECT_EQ(arguments(decide(offer("weather where City: Nice", {weather()})))["city"], "Nice");
    EXPECT_EQ(arguments(decide(offer("How is the weather in Paris?", {weather()})))["city"], "How is the weather in Paris?");
}

TEST(ToolPolicyTest, AnEnumTakesTheMemberTheMessageNamesElseTheFirst) {
    EXPECT_EQ(arguments(decide(offer("weather in Boston, in Fahrenheit please", {weather()})))["unit"], "fahrenheit");
    EXPECT_EQ(arguments(decide(offer("weather in Boston", {weather()})))["unit"], "celsius");
    // A whole word only: "slowest" does not name "slow".
    const ToolSpec mode{"set_mode", "Set the mode", R"({"type": "object", "properties": {"mode": {"enum": ["fast", "slow"]}}})"};
    EXPECT_EQ(arguments(decide(offer("set mode to slowest", {mode})))["mode"], "fast");
    EXPECT_EQ(arguments(decide(offer("set mode: slow, not fast", {mode})))["mode"], "fast") << "the first member named wins";
}

TEST(ToolPolicyTest, GeneratedArgumentsValidateAgainstStrictAndNestedSchemas) {
    const ToolSpec search{"search_library", "Search the library catalogue", R"({
        "type": "object", "additionalProperties": false,
        "required": ["query", "limit", "ratio", "filters", "tags", "sort", "note", "flag"],
        "properties": {
            "query": {"type": "string", "minLength": 3, "maxLength": 12},
            "limit": {"type": "integer", "minimum": 1, "maximum": 50},
            "ratio": {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "multipleOf": 0.25},
            "filters": {"type": "object", "additionalProperties": false, "required": ["from", "to", "kind"],
                        "properties": {"from": {"type": "string", "format": "date"}, "to": {"type": ["string", "null"]},
                                       "kind": {"type": "string", "enum": ["book", "article", "video"]}}},
            "tags": {"type": "array", "items": {"type": "string", "maxLength": 5}, "minItems": 1, "maxItems": 3},
            "sort": {"anyOf": [{"type": "string", "enum": ["asc", "desc"]}, {"type": "null"}]},
            "note": {"type": ["string", "null"], "pattern": "^[a-z]{2,4}$"},
            "flag": {"type": "boolean"}
        }})"};
    const OrderedJson schema = OrderedJson::parse(search.parameters);
    for (const char* message : {"search the library for 'dune' limit 5 ratio 0.5 video desc",
                                "search the library for a long quoted title: \"The Left Hand of Darkness\" 500 -3 0.3",
                                "search the library", "search the library for an article, 7 and 0.75, sorted asc"}) {
        const auto reply = decide(offer(message, {search}));
        ASSERT_EQ(called(reply), Names{"search_library"}) << message;
        const OrderedJson args = arguments(reply);
        EXPECT_EQ(SchemaCheck(schema).violation(args), "") << message << ": " << args;
        EXPECT_EQ(args.size(), 8u) << "every property of a strict schema: " << args;
    }
    const OrderedJson first = arguments(decide(offer("search the library for 'dune' limit 5 ratio 0.5 video desc", {search})));
    EXPECT_EQ(first["query"], "dune");
    EXPECT_EQ(first["limit"], 5);
    EXPECT_EQ(first["ratio"], 0.5);
    EXPECT_EQ(first["filters"]["kind"], "video");
    EXPECT_EQ(first["sort"], "desc");
    // Cut to maxLength, in code points.
    const OrderedJson cut = arguments(decide(offer("search the library for \"Éowyn of Rohan\"", {search})));
    EXPECT_EQ(cut["query"], "Éowyn of Roh");
}

TEST(ToolPolicyTest, ArraysOfUniqueItemsStillValidateWhenTheMessageOffersOneValue) {
    const ToolSpec tag{"tag_document", "Tag a document",
                       R"({"type": "object", "properties": {"tags": {"type": "array", "items": {"type": "string"},
                           "minItems": 3, "uniqueItems": true}, "levels": {"type": "array", "uniqueItems": true,
                           "items": {"enum": ["low", "high", "max"]}, "minItems": 2}}, "required": ["tags", "levels"]})"};
    const auto reply = decide(offer("tag the document 'urgent', level high", {tag}));
    ASSERT_EQ(called(reply), Names{"tag_document"});
    const OrderedJson args = arguments(reply);
    EXPECT_EQ(SchemaCheck(OrderedJson::parse(tag.parameters)).violation(args), "") << args;
    EXPECT_EQ(args["tags"][0], "urgent");
    EXPECT_EQ(args["levels"][0], "high");
}

TEST(ToolPolicyTest, NumbersAndQuotesAreSharedOutOverTheCallsOfOneReply) {
    const auto both = decide(offer("add 1 and 2, multiply 3 and 4", {add(), multiply()}));
    ASSERT_EQ(called(both), (Names{"add", "multiply"}));
    EXPECT_EQ(both->tool_calls[0].arguments, R"({"a":1,"b":2})");
    EXPECT_EQ(both->tool_calls[1].arguments, R"({"x":3,"y":4})");
    // A call that finds none left starts again from the first.
    const auto again = decide(offer("add 3 and 4", {add(), multiply()}), sim::ToolPolicy::all);
    ASSERT_EQ(called(again), (Names{"add", "multiply"}));
    EXPECT_EQ(again->tool_calls[1].arguments, R"({"x":3,"y":4})");
    const auto city = decide(offer("the weather and the time in 'Paris'", {weather(), time_in()}));
    ASSERT_EQ(called(city), (Names{"get_weather", "get_time"}));
    EXPECT_EQ(arguments(city, 0)["city"], "Paris");
    EXPECT_EQ(arguments(city, 1)["timezone"], "Paris");
}

TEST(ToolPolicyTest, ToolChoiceNoneNeverCallsAndRequiredAlwaysDoes) {
    Offer o = offer("What's the weather in Paris?", {time_in(), weather()});
    o.request.tool_choice = "none";
    EXPECT_FALSE(decide(o).has_value());
    EXPECT_FALSE(decide(o, sim::ToolPolicy::all).has_value());

    Offer joke = offer("Tell me a joke.", {time_in(), weather()});
    joke.request.tool_choice = "required";
    EXPECT_EQ(called(decide(joke)), Names{"get_time"}) << "nothing matches: the first tool";
    o.request.tool_choice = "required";
    EXPECT_EQ(called(decide(o)), Names{"get_weather"}) << "the best match";
    o.request.tool_choice = "auto";
    EXPECT_EQ(called(decide(o)), Names{"get_weather"});
}

TEST(ToolPolicyTest, ANamedFunctionIsCalledWhateverTheMessageSays) {
    Offer o = offer("Tell me a joke.", {weather(), time_in()});
    o.request.tool_choice = llm::Json::parse(R"({"type": "function", "function": {"name": "get_time"}})");
    EXPECT_EQ(called(decide(o)), Names{"get_time"});
    EXPECT_EQ(called(decide(o, sim::ToolPolicy::all)), Names{"get_time"});
}

TEST(ToolPolicyTest, AToolChoiceTheApiRefusesIsAnErrorNamingTheParameter) {
    Offer o = offer("weather?", {weather()});
    auto refused = [&](const char* choice, const std::string& param, const std::string& words) {
        o.request.tool_choice = llm::Json::parse(choice);
        try {
            (void)sim::ToolChoice::read(o.request);
            ADD_FAILURE() << choice << " was accepted";
        } catch (const sim::ToolPolicyError& e) {
            EXPECT_EQ(e.param(), param) << choice;
            EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
        }
    };
    refused(R"("sometimes")", "tool_choice", "'sometimes'");
    refused(R"(3)", "tool_choice", "expected a string or an object");
    refused(R"({"type": "function"})", "tool_choice.function.name", "tool_choice.function.name");
    refused(R"({"type": "function", "function": {"name": "get_stock"}})", "tool_choice", "'get_stock'");
}

TEST(ToolPolicyTest, PolicyNoneDecidesNothingAndAllCallsEveryOfferedTool) {
    Offer o = offer("What's the weather in Paris?", {add(), time_in(), weather()});
    EXPECT_FALSE(decide(o, sim::ToolPolicy::none).has_value());
    o.request.parallel_tool_calls = false;
    EXPECT_EQ(called(decide(o, sim::ToolPolicy::all)), (Names{"add", "get_time", "get_weather"}));
    EXPECT_FALSE(decide(offer("hello", {}), sim::ToolPolicy::all).has_value()) << "no tools, nothing to call";
}

TEST(ToolPolicyTest, AfterToolResultsTheAnswerHoldsEachResultVerbatimInOrder) {
    Offer o = offer("The weather in Paris and the time there?", {weather(), time_in()});
    llm::Message calls;
    calls.role = "assistant";
    calls.content = std::nullopt;
    calls.tool_calls = {{"call_1", "function", "get_weather", R"({"city":"Paris"})"},
                        {"call_2", "function", "get_time", R"({"timezone":"Europe/Paris"})"}};
    o.request.messages.push_back(calls);
    o.request.messages.push_back(llm::Message::tool("call_1", "18 degrees in Paris."));
    o.request.messages.push_back(llm::Message::tool("call_2", R"({"time": "14:05"})"));
    const auto reply = decide(o);
    ASSERT_TRUE(reply.has_value());
    EXPECT_TRUE(reply->tool_calls.empty()) << "the results answer the message: no more calls";
    EXPECT_EQ(reply->content, "get_weather: 18 degrees in Paris.\nget_time: {\"time\": \"14:05\"}");
    EXPECT_EQ(decide(o, sim::ToolPolicy::all)->content, reply->content);

    // A JSON response_format answers with its JSON instead.
    EXPECT_FALSE(sim::tool_policy_reply(sim::Config{}, {}, o.request, true).has_value());
    // A new user message starts over: its tools are called again.
    o.request.messages.push_back(llm::Message::assistant("It is 18 degrees."));
    o.request.messages.push_back(llm::Message::user("And the weather in Rome?"));
    EXPECT_EQ(called(decide(o)), Names{"get_weather"});
}

TEST(ToolPolicyTest, AToolWithoutParametersGetsAnEmptyObject) {
    EXPECT_EQ(decide(offer("what is the current time", {{"current_time", "", "null"}}))->tool_calls[0].arguments, "{}");
    EXPECT_EQ(decide(offer("what is the current time", {{"current_time", "", "{}"}}))->tool_calls[0].arguments, "{}");
}

TEST(ToolPolicyTest, ParametersNoValueSatisfiesAreAnErrorNamingTheFunction) {
    const ToolSpec broken{"add", "Add two numbers",
                          R"({"type": "object", "properties": {"a": {"type": "integer", "minimum": 10, "maximum": 5}},
                              "required": ["a"]})"};
    try {
        (void)decide(offer("add 1", {weather(), broken}));
        FAIL() << "accepted";
    } catch (const sim::ToolPolicyError& e) {
        EXPECT_EQ(e.param(), "tools[1].function.parameters");
        EXPECT_NE(std::string(e.what()).find("Invalid schema for function 'add'"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("#/properties/a"), std::string::npos) << e.what();
    }
}

TEST(ToolPolicyTest, OnlyFunctionToolsAreReadFromTheBodyAndTheirParametersKeepItsKeyOrder) {
    const llm::ChatRequest request = llm::parse_chat_request(R"({"model": "m", "messages": [], "tools": [
        {"type": "function", "function": {"name": "a", "parameters": {"type": "object", "properties": {"z": {}, "y": {}}}}},
        {"type": "web_search"},
        {"type": "function", "function": {"name": "b"}}]})");
    ASSERT_EQ(request.tools.size(), 2u);
    EXPECT_EQ(request.tools[0].parameters["properties"].begin().key(), "z");
    EXPECT_EQ(request.tools[1].name, "b");
}

TEST(ToolPolicyTest, TheSameRequestGetsTheSameCallsAndAPlannedReplyStreamsThemAsScriptedOnes) {
    const Offer o = offer("search the library for dune", {{"search_library", "Search the library",
        R"({"type": "object", "properties": {"q": {"type": "string"}, "n": {"type": "integer"}, "ok": {"type": "boolean"}}})"}});
    const auto first = decide(o);
    EXPECT_EQ(first->tool_calls, decide(o)->tool_calls);

    const sim::Config config;
    const auto fixed = sim::tool_policy_reply(config, sim::ToolChoice::read(o.request), o.request);
    const sim::Reply reply = sim::plan_reply(config, &*fixed, o.request);
    EXPECT_EQ(reply.finish_reason, "tool_calls");
    EXPECT_FALSE(reply.has_text);
    ASSERT_EQ(reply.tool_calls.size(), 1u);
    EXPECT_EQ(reply.tool_calls[0].id.rfind("call_", 0), 0u);
    EXPECT_EQ(reply.tool_calls[0].id.size(), 5u + 24u);
    EXPECT_EQ(reply.tokens.completion, 1 + static_cast<std::int64_t>(reply.fragment_ends[0].size()));
}

TEST(ToolPolicyTest, PolicyNamesParse) {
    EXPECT_EQ(sim::parse_tool_policy("auto"), sim::ToolPolicy::automatic);
    EXPECT_EQ(sim::parse_tool_policy("none"), sim::ToolPolicy::none);
    EXPECT_EQ(sim::parse_tool_policy("all"), sim::ToolPolicy::all);
    EXPECT_FALSE(sim::parse_tool_policy("Auto").has_value());
    EXPECT_FALSE(sim::parse_tool_policy("").has_value());
    for (const auto policy : {sim::ToolPolicy::automatic, sim::ToolPolicy::none, sim::ToolPolicy::all})
        EXPECT_EQ(sim::parse_tool_policy(sim::tool_policy_name(policy)), policy);
}

}  // namespace
