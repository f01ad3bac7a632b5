// sim::Server's n and response_format: n choices with their own content,
// plain and streamed; JSON content that validates against the requested
// schema, plain and streamed alike; and the 400s for values the API refuses.
#include <agentio/agentio.hpp>
#include <agentio/sim/server.hpp>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "sim/schema_check.hpp"
#include "sim/sim_fixture.hpp"

using namespace agentio;
using agentio::testkit::kChat;
using agentio::testkit::Answer;
using agentio::testkit::chat_body;
using agentio::testkit::instant_config;
using agentio::testkit::Json;
using agentio::testkit::OrderedJson;
using agentio::testkit::post;
using agentio::testkit::sse_data;
using agentio::testkit::with_sim;

namespace {

// A streamed body read per choice index.
struct Choices {
    std::map<int, std::string> content;
    std::map<int, std::string> finish_reason;
    std::map<int, int> roles;  // role chunks seen per index
    Json usage;
    bool done = false;
};

Choices read_choices(const std::string& body) {
    Choices choices;
    for (const std::string& data : sse_data(body)) {
        if (data == "[DONE]") {
            choices.done = true;
            continue;
        }
        const Json chunk = Json::parse(data);
        if (chunk.contains("usage") && !chunk["usage"].is_null()) choices.usage = chunk["usage"];
        for (const Json& choice : chunk["choices"]) {
            const int index = choice["index"];
            const Json& delta = choice["delta"];
            if (delta.contains("role")) ++choices.roles[index];
            if (delta.contains("content") && delta["content"].is_string()) choices.content[index] += delta["content"].get<std::string>();
            if (!choice["finish_reason"].is_null()) choices.finish_reason[index] = choice["finish_reason"];
        }
    }
    return choices;
}

const char* const kPersonFormat = R"({"response_format": {"type": "json_schema", "json_schema": {"name": "person", "strict": true,
    "schema": {"type": "object", "additionalProperties": false, "required": ["name", "age", "email", "tags", "address"],
               "properties": {"name": {"type": "string", "minLength": 1},
                              "age": {"type": "integer", "minimum": 0, "maximum": 120},
                              "email": {"type": "string", "format": "email"},
                              "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b", "c"]}},
                              "address": {"$ref": "#/$defs/address"}},
               "$defs": {"address": {"type": "object", "additionalProperties": false, "required": ["city", "zip"],
                                     "properties": {"city": {"type": "string"}, "zip": {"type": "string", "pattern": "^\\d{5}$"}}}}}}}})";

OrderedJson person_schema() { return OrderedJson::parse(kPersonFormat)["response_format"]["json_schema"]["schema"]; }

// chat_body, keeping the order of `extra`'s keys (a schema's properties among them).
std::string ordered_body(const std::string& user, const OrderedJson& extra, const std::string& model = "gpt-4o-mini") {
    OrderedJson body = {{"model", model}, {"messages", OrderedJson::array({{{"role", "user"}, {"content", user}}})}};
    for (const auto& [key, value] : extra.items()) body[key] = value;
    return body.dump();
}

TEST(SimServerChoicesTest, NChoicesHaveTheirIndexTheirOwnContentAndOneUsage) {
    with_sim(instant_config(), [](sim::Server& sim, http::Client& client) -> Task<> {
        const Answer one = co_await post(client, sim, kChat, chat_body("Tell me a story."));
        const Answer three = co_await post(client, sim, kChat, chat_body("Tell me a story.", R"({"n": 3})"));
        EXPECT_EQ(three.status, 200);
        const Json json = three.json();
        EXPECT_EQ(json["choices"].size(), 3u);
        if (json["choices"].size() != 3) co_return;
        std::set<std::string> contents;
        for (int i = 0; i < 3; ++i) {
            EXPECT_EQ(json["choices"][i]["index"], i);
            contents.insert(json["choices"][i]["message"]["content"].get<std::string>());
        }
        EXPECT_EQ(contents.size(), 3u) << "each choice has its own content";
        // Choice 0 is the reply the request gets with n = 1.
        EXPECT_EQ(json["choices"][0]["message"], one.json()["choices"][0]["message"]);
        EXPECT_EQ(json["usage"]["prompt_tokens"], one.json()["usage"]["prompt_tokens"]);
        EXPECT_GT(json["usage"]["completion_tokens"].get<int>(), one.json()["usage"]["completion_tokens"].get<int>());

        const Answer streamed =
            co_await post(client, sim, kChat, chat_body("Tell me a story.", R"({"n": 3, "stream": true, "stream_options": {"include_usage": true}})"));
        const Choices choices = read_choices(streamed.body);
        EXPECT_TRUE(choices.done);
        for (int i = 0; i < 3; ++i) {
            EXPECT_EQ(choices.roles.at(i), 1) << i;
            EXPECT_EQ(choices.content.at(i), json["choices"][i]["message"]["content"]) << i;
            EXPECT_EQ(choices.finish_reason.at(i), json["choices"][i]["finish_reason"]) << i;
        }
        EXPECT_EQ(choices.usage, json["usage"]);
        EXPECT_EQ(sim.stats().completion_tokens,
                  one.json()["usage"]["completion_tokens"].get<unsigned>() + 2 * json["usage"]["completion_tokens"].get<unsigned>());
    });
}

TEST(SimServerChoicesTest, NOutsideOneTo128Is400) {
    with_sim(instant_config(), [](sim::Server& sim, http::Client& client) -> Task<> {
        for (const char* n : {"0", "-1", "129"}) {
            const Answer answer = co_await post(client, sim, kChat, chat_body("hi", std::string(R"({"n": )") + n + "}"));
            EXPECT_EQ(answer.status, 400) << n;
            EXPECT_EQ(answer.json()["error"]["param"], "n");
            EXPECT_NE(answer.json()["error"]["message"].get<std::string>().find(n), std::string::npos) << answer.body;
        }
        const Answer most = co_await post(client, sim, kChat, chat_body("hi", R"({"n": 128, "max_tokens": 1})"));
        EXPECT_EQ(most.json()["choices"].size(), 128u);
    });
}

TEST(SimServerChoicesTest, AJsonSchemaReplyValidatesAndStreamsTheSameJson) {
    with_sim(instant_config(), [](sim::Server& sim, http::Client& client) -> Task<> {
        const OrderedJson schema = person_schema();
        const agentio::testkit::SchemaCheck check(schema);
        const Answer plain = co_await post(client, sim, kChat, ordered_body("Describe a person.", OrderedJson::parse(kPersonFormat)));
        EXPECT_EQ(plain.status, 200) << plain.body;
        const std::string content = plain.json()["choices"][0]["message"]["content"];
        const OrderedJson value = OrderedJson::parse(content);
        EXPECT_EQ(check.violation(value), "") << content;
        std::vector<std::string> keys;
        for (const auto& [key, item] : value.items()) keys.push_back(key);
        EXPECT_EQ(keys, (std::vector<std::string>{"name", "age", "email", "tags", "address"})) << "the schema's order";
        EXPECT_EQ(plain.json()["choices"][0]["finish_reason"], "stop");

        OrderedJson options = OrderedJson::parse(kPersonFormat);
        options["stream"] = true;
        options["n"] = 2;
        const Answer streamed = co_await post(client, sim, kChat, ordered_body("Describe a person.", options));
        const Choices choices = read_choices(streamed.body);
        EXPECT_EQ(choices.content.at(0), content);
        EXPECT_EQ(check.violation(OrderedJson::parse(choices.content.at(1))), "") << choices.content.at(1);
        EXPECT_NE(choices.content.at(1), content);

        // max_tokens cuts the JSON short, as the API would: finish_reason length.
        options = OrderedJson::parse(kPersonFormat);
        options["max_tokens"] = 3;
        const Answer cut = co_await post(client, sim, kChat, ordered_body("Describe a person.", options));
        EXPECT_EQ(cut.json()["choices"][0]["finish_reason"], "length");
        EXPECT_EQ(cut.json()["usage"]["completion_tokens"], 3);
        EXPECT_EQ(content.rfind(cut.json()["choices"][0]["message"]["content"].get<std::string>(), 0), 0u);
    });
}

TEST(SimServerChoicesTest, AJsonObjectReplyIsAJsonObject) {
    with_sim(instant_config(), [](sim::Server& sim, http::Client& client) -> Task<> {
        const Answer answer = co_await post(client, sim, kChat, chat_body("Reply in JSON.", R"({"response_format": {"type": "json_object"}})"));
        EXPECT_EQ(answer.status, 200);
        const Json content = Json::parse(answer.json()["choices"][0]["message"]["content"].get<std::string>());
        EXPECT_TRUE(content.is_object());
        EXPECT_TRUE(content["answer"].is_string());
        const Answer text = co_await post(client, sim, kChat, chat_body("Reply in JSON.", R"({"response_format": {"type": "text"}})"));
        EXPECT_FALSE(Json::accept(text.json()["choices"][0]["message"]["content"].get<std::string>()));
    });
}

TEST(SimServerChoicesTest, AResponseFormatTheApiRefusesIs400NamingIt) {
    with_sim(instant_config(), [](sim::Server& sim, http::Client& client) -> Task<> {
        struct Case {
            const char* format;
            const char* param;
            const char* says;
        };
        const Case cases[] = {
            {R"({"type": "xml"})", "response_format.type", "'xml'"},
            {R"({"type": "json_schema"})", "response_format.json_schema", "Missing required parameter"},
            {R"({"type": "json_schema", "json_schema": {"schema": {}}})", "response_format.json_schema.name", "name"},
            {R"({"type": "json_schema", "json_schema": {"name": "has space", "schema": {}}})", "response_format.json_schema.name", "letters"},
            {R"({"type": "json_schema", "json_schema": {"name": "x", "schema": 3}})", "response_format.json_schema.schema", "object"},
            {R"({"type": "json_schema", "json_schema": {"name": "bad", "schema": {"type": "integer", "minimum": 5, "maximum": 1}}})",
             "response_format", "Invalid schema for response_format 'bad': #: no integer is >= 5 and <= 1"},
            {R"("json")", "response_format", "expected an object"},
        };
        for (const Case& c : cases) {
            const Answer answer = co_await post(client, sim, kChat, chat_body("hi", std::string(R"({"response_format": )") + c.format + "}"));
            EXPECT_EQ(answer.status, 400) << c.format;
            EXPECT_EQ(answer.json()["error"]["type"], "invalid_request_error") << c.format;
            EXPECT_EQ(answer.json()["error"]["param"], c.param) << c.format;
            EXPECT_NE(answer.json()["error"]["message"].get<std::string>().find(c.says), std::string::npos) << answer.body;
        }
        EXPECT_EQ(sim.stats().completed, 0u);
    });
}

}  // namespace
