// sim::ResponseFormat: reading response_format as the API validates it, and
// the JSON content it asks for.
#include <agentio/llm/json.hpp>
#include <agentio/sim/response_format.hpp>
#include <gtest/gtest.h>

using namespace agentio;
using OrderedJson = agentio::llm::Json;

namespace {

sim::ResponseFormatError refusal(const std::string& value) {
    try {
        (void)sim::ResponseFormat::read(OrderedJson::parse(value));
    } catch (const sim::ResponseFormatError& e) {
        return e;
    }
    return sim::ResponseFormatError("(accepted)", "");
}

TEST(ResponseFormatTest, TextAndNullAskForText) {
    EXPECT_EQ(sim::ResponseFormat::read(OrderedJson()).kind, sim::ResponseFormat::Kind::text);
    EXPECT_FALSE(sim::ResponseFormat::read(OrderedJson::parse(R"({"type": "text"})")).is_json());
}

TEST(ResponseFormatTest, JsonObjectContentIsADeterministicObject) {
    const sim::ResponseFormat format = sim::ResponseFormat::read(OrderedJson::parse(R"({"type": "json_object"})"));
    EXPECT_EQ(format.kind, sim::ResponseFormat::Kind::json_object);
    const OrderedJson content = OrderedJson::parse(format.content(5));
    EXPECT_TRUE(content.is_object());
    EXPECT_TRUE(content["answer"].is_string());
    EXPECT_EQ(format.content(5), format.content(5));
    EXPECT_NE(format.content(5), format.content(6));
}

TEST(ResponseFormatTest, JsonSchemaContentFollowsTheSchemaAndOtherFieldsAreAccepted) {
    const sim::ResponseFormat format = sim::ResponseFormat::read(OrderedJson::parse(
        R"({"type": "json_schema", "json_schema": {"name": "Answer_v2", "description": "d", "strict": true,
            "schema": {"type": "object", "properties": {"ok": {"const": true}}, "required": ["ok"], "additionalProperties": false}}})"));
    EXPECT_EQ(format.kind, sim::ResponseFormat::Kind::json_schema);
    EXPECT_EQ(format.name, "Answer_v2");
    EXPECT_EQ(format.content(1), R"({"ok":true})");
    // No schema: a JSON object, as for json_object.
    const sim::ResponseFormat bare =
        sim::ResponseFormat::read(OrderedJson::parse(R"({"type": "json_schema", "json_schema": {"name": "x"}})"));
    EXPECT_TRUE(OrderedJson::parse(bare.content(1)).is_object());
}

TEST(ResponseFormatTest, WhatTheApiRefusesIsRefusedWithTheParameter) {
    EXPECT_EQ(refusal(R"({})").param(), "response_format.type");
    EXPECT_EQ(refusal(R"({"type": "yaml"})").param(), "response_format.type");
    EXPECT_EQ(refusal(R"({"type": "yaml"})").code(), "invalid_value");
    EXPECT_EQ(refusal(R"({"type": "json_schema"})").param(), "response_format.json_schema");
    EXPECT_EQ(refusal(R"({"type": "json_schema", "json_schema": []})").param(), "response_format.json_schema");
    EXPECT_EQ(refusal(R"({"type": "json_schema", "json_schema": {}})").param(), "response_format.json_schema.name");
    EXPECT_EQ(refusal(R"({"type": "json_schema", "json_schema": {"name": ""}})").param(), "response_format.json_schema.name");
    EXPECT_EQ(refusal(R"({"type": "json_schema", "json_schema": {"name": ")" + std::string(65, 'a') + R"("}})").param(),
              "response_format.json_schema.name");
    EXPECT_EQ(refusal(R"({"type": "json_schema", "json_schema": {"name": "x", "schema": "{}"}})").param(),
              "response_format.json_schema.schema");
    EXPECT_EQ(refusal(R"([])").param(), "response_format");
}

TEST(ResponseFormatTest, ASchemaNoValueSatisfiesIsRefusedWhenTheContentIsMade) {
    const sim::ResponseFormat format = sim::ResponseFormat::read(OrderedJson::parse(
        R"({"type": "json_schema", "json_schema": {"name": "bad", "schema": {"type": "array", "minItems": 3, "maxItems": 1}}})"));
    try {
        (void)format.content(1);
        ADD_FAILURE() << "no error";
    } catch (const sim::ResponseFormatError& e) {
        EXPECT_EQ(std::string(e.what()), "Invalid schema for response_format 'bad': #: minItems 3 is above the 1 items allowed");
        EXPECT_EQ(e.param(), "response_format");
        EXPECT_FALSE(e.code().has_value());
    }
}

}  // namespace
