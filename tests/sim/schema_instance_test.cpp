// sim::schema_instance: the value generated for a schema validates against
// it (checked by schema_check.hpp, written separately), is the same for the
// same seed, varies with the seed, keeps the schema's property order, ends
// recursive definitions, and a schema nothing satisfies is an error naming
// the place and the problem.
#include <agentio/sim/schema_instance.hpp>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "sim/schema_check.hpp"

using namespace agentio;
using agentio::testkit::OrderedJson;
using agentio::testkit::SchemaCheck;

namespace {

// Every value generated from `schema_text` for seeds 0..49 validates.
void expect_valid_for_many_seeds(const std::string& schema_text) {
    const OrderedJson schema = OrderedJson::parse(schema_text);
    const SchemaCheck check(schema);
    for (std::uint64_t seed = 0; seed < 50; ++seed) {
        const OrderedJson value = sim::schema_instance(schema, seed);
        EXPECT_EQ(check.violation(value), "") << "seed " << seed << ", schema " << schema_text;
    }
}

std::string error_of(const std::string& schema_text) {
    try {
        (void)sim::schema_instance(OrderedJson::parse(schema_text), 1);
    } catch (const sim::SchemaError& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(SchemaInstanceTest, AStructuredOutputsObjectValidatesAndKeepsThePropertyOrder) {
    const std::string schema = R"({
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "age": {"type": "integer", "minimum": 18, "maximum": 99},
            "email": {"type": "string", "format": "email"},
            "score": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
            "member": {"type": "boolean"},
            "nickname": {"type": ["string", "null"]},
            "role": {"type": "string", "enum": ["admin", "editor", "viewer"]},
            "kind": {"const": "person"},
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 5}
        },
        "required": ["name", "age", "email", "score", "member", "nickname", "role", "kind", "tags"],
        "additionalProperties": false
    })";
    expect_valid_for_many_seeds(schema);
    const OrderedJson value = sim::schema_instance(OrderedJson::parse(schema), 7);
    std::vector<std::string> keys;
    for (const auto& [key, item] : value.items()) keys.push_back(key);
    EXPECT_EQ(keys, (std::vector<std::string>{"name", "age", "email", "score", "member", "nickname", "role", "kind", "tags"}));
    EXPECT_TRUE(value["nickname"].is_string()) << "a nullable field gets its other type";
}

TEST(SchemaInstanceTest, TheSameSeedGivesTheSameValueAndOtherSeedsOthers) {
    const OrderedJson schema = OrderedJson::parse(
        R"({"type": "object", "properties": {"title": {"type": "string"}, "year": {"type": "integer"}}, "required": ["title", "year"]})");
    EXPECT_EQ(sim::schema_instance(schema, 3), sim::schema_instance(schema, 3));
    std::set<std::string> distinct;
    for (std::uint64_t seed = 0; seed < 10; ++seed) distinct.insert(sim::schema_instance(schema, seed).dump());
    EXPECT_GE(distinct.size(), 8u);
}

TEST(SchemaInstanceTest, StringsHonourLengthsFormatsAndPatterns) {
    expect_valid_for_many_seeds(R"({"type": "string", "minLength": 40, "maxLength": 45})");
    expect_valid_for_many_seeds(R"({"type": "string", "maxLength": 3})");
    expect_valid_for_many_seeds(R"({"type": "string", "maxLength": 0})");
    for (const char* format : {"date", "date-time", "time", "email", "uuid", "ipv4", "uri"})
        expect_valid_for_many_seeds(std::string(R"({"type": "string", "format": ")") + format + R"("})");
    expect_valid_for_many_seeds(R"({"type": "string", "pattern": "^[A-Z]{3}-\\d{4}$"})");
    expect_valid_for_many_seeds(R"({"type": "string", "pattern": "^(red|green|blue)(-[a-f0-9]{2,4})?$"})");
    expect_valid_for_many_seeds(R"({"type": "string", "pattern": "^\\+?[0-9 ]{7,12}$", "minLength": 8})");
    expect_valid_for_many_seeds(R"({"type": "string", "pattern": "[^a-z]+x"})");
}

TEST(SchemaInstanceTest, NumbersHonourBoundsExclusiveBoundsAndMultiples) {
    expect_valid_for_many_seeds(R"({"type": "integer", "minimum": -5, "maximum": 5})");
    expect_valid_for_many_seeds(R"({"type": "integer", "exclusiveMinimum": 10, "exclusiveMaximum": 12})");
    expect_valid_for_many_seeds(R"({"type": "integer", "minimum": 5, "exclusiveMinimum": true, "maximum": 7})");
    expect_valid_for_many_seeds(R"({"type": "integer", "multipleOf": 7, "minimum": 100})");
    expect_valid_for_many_seeds(R"({"type": "integer", "multipleOf": 0.5, "maximum": -3})");
    expect_valid_for_many_seeds(R"({"type": "number", "minimum": 0.1, "maximum": 0.2})");
    expect_valid_for_many_seeds(R"({"type": "number", "multipleOf": 0.01, "minimum": 1, "maximum": 2})");
    expect_valid_for_many_seeds(R"({"type": "number", "exclusiveMinimum": 1e300})");
    expect_valid_for_many_seeds(R"({"type": "number", "minimum": 3, "maximum": 3})");
    const OrderedJson cents = sim::schema_instance(OrderedJson::parse(R"({"type": "number", "multipleOf": 0.1})"), 11);
    EXPECT_LE(cents.dump().size(), 5u) << "0.30000000000000004 is written 0.3: " << cents.dump();
}

TEST(SchemaInstanceTest, ArraysHonourCountsTuplesAndUniqueness) {
    expect_valid_for_many_seeds(R"({"type": "array", "items": {"type": "integer"}, "minItems": 4, "maxItems": 4})");
    expect_valid_for_many_seeds(R"({"type": "array", "items": {"enum": [1, 2, 3]}, "uniqueItems": true, "minItems": 3})");
    expect_valid_for_many_seeds(R"({"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}], "items": false})");
    expect_valid_for_many_seeds(R"({"type": "array", "items": [{"type": "boolean"}], "additionalItems": {"type": "null"}})");
    expect_valid_for_many_seeds(R"({"type": "array", "maxItems": 0})");
}

TEST(SchemaInstanceTest, CompositionAndReferencesResolve) {
    expect_valid_for_many_seeds(R"({
        "$defs": {
            "address": {"type": "object", "properties": {"city": {"type": "string"}, "zip": {"type": "string", "pattern": "^\\d{5}$"}},
                        "required": ["city", "zip"], "additionalProperties": false}
        },
        "type": "object",
        "properties": {
            "home": {"$ref": "#/$defs/address"},
            "work": {"anyOf": [{"$ref": "#/$defs/address"}, {"type": "null"}]},
            "id": {"oneOf": [{"type": "integer"}, {"type": "string", "format": "uuid"}]},
            "limits": {"allOf": [{"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
                                 {"properties": {"b": {"type": "string"}}, "required": ["b"]}]}
        },
        "required": ["home", "work", "id", "limits"]
    })");
    expect_valid_for_many_seeds(R"({"definitions": {"n": {"type": "integer", "minimum": 3}}, "$ref": "#/definitions/n", "maximum": 4})");
    expect_valid_for_many_seeds(R"({"type": "object", "properties": {"x": {"type": "integer"}}, "anyOf": [{"required": ["x"]}, {"required": ["y"]}]})");
}

TEST(SchemaInstanceTest, RecursiveDefinitionsEndAndStillValidate) {
    const std::string tree = R"({
        "$defs": {"node": {"type": "object",
                           "properties": {"value": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
                           "required": ["value", "children"], "additionalProperties": false}},
        "$ref": "#/$defs/node"
    })";
    expect_valid_for_many_seeds(tree);
    const std::string linked = R"({"type": "object", "properties": {"next": {"anyOf": [{"$ref": "#"}, {"type": "null"}]}}, "required": ["next"]})";
    expect_valid_for_many_seeds(linked);
    // A branch the recursion can only leave through a nullable type.
    expect_valid_for_many_seeds(R"({"type": ["object", "null"], "properties": {"child": {"$ref": "#"}}, "required": ["child"]})");
}

TEST(SchemaInstanceTest, DeepButNotRecursiveReferencesAreBuiltInFull) {
    const OrderedJson schema = OrderedJson::parse(R"({
        "$defs": {"a": {"type": "object", "properties": {"b": {"$ref": "#/$defs/b"}, "note": {"type": "string"}}},
                  "b": {"type": "object", "properties": {"c": {"$ref": "#/$defs/c"}, "note": {"type": "string"}}},
                  "c": {"type": "object", "properties": {"d": {"$ref": "#/$defs/d"}, "note": {"type": "string"}}},
                  "d": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "integer"}, "minItems": 0}}}},
        "$ref": "#/$defs/a"})");
    const OrderedJson value = sim::schema_instance(schema, 4);
    // Optional properties and arrays beyond their minimum, four references down.
    EXPECT_TRUE(value["b"]["c"].contains("note")) << value.dump();
    EXPECT_FALSE(value["b"]["c"]["d"]["items"].empty()) << value.dump();
}

TEST(SchemaInstanceTest, AnEmptySchemaOrTrueAllowsAnything) {
    EXPECT_TRUE(sim::schema_instance(OrderedJson::parse("{}"), 1).is_string());
    EXPECT_TRUE(sim::schema_instance(OrderedJson(true), 1).is_string());
    expect_valid_for_many_seeds(R"({"type": "object", "properties": {"anything": {}}, "required": ["anything"]})");
}

TEST(SchemaInstanceTest, OptionalPropertiesAreGeneratedUnlessForbidden) {
    const OrderedJson value = sim::schema_instance(
        OrderedJson::parse(R"({"type": "object", "properties": {"a": {"type": "string"}, "b": false, "c": {"type": "integer"}}})"), 2);
    EXPECT_TRUE(value.contains("a"));
    EXPECT_FALSE(value.contains("b"));
    EXPECT_TRUE(value.contains("c"));
    expect_valid_for_many_seeds(R"({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}, "maxProperties": 1})");
    expect_valid_for_many_seeds(R"({"type": "object", "minProperties": 3, "additionalProperties": {"type": "integer"}})");
}

TEST(SchemaInstanceTest, ASchemaNothingSatisfiesIsAnErrorNamingWhereAndWhy) {
    EXPECT_EQ(error_of(R"({"type": "object", "properties": {"age": {"type": "integer", "minimum": 10, "maximum": 5}}, "required": ["age"]})"),
              "#/properties/age: no integer is >= 10 and <= 5");
    EXPECT_EQ(error_of(R"({"type": "string", "minLength": 5, "maxLength": 2})"), "#: minLength 5 is above maxLength 2");
    EXPECT_EQ(error_of(R"({"type": "strnig"})"), "#: \"strnig\" is not a JSON Schema type");
    EXPECT_EQ(error_of(R"({"$ref": "#/$defs/missing"})"), "#: $ref \"#/$defs/missing\" points to nothing in the schema");
    EXPECT_EQ(error_of(R"({"$ref": "https://example.com/schema.json"})"),
              "#: $ref \"https://example.com/schema.json\" is not a reference into this schema (only \"#...\" ones are)");
    EXPECT_EQ(error_of(R"({"enum": []})"), "#: enum lists no value");
    EXPECT_EQ(error_of("false"), "#: the schema `false` allows no value");
    EXPECT_EQ(error_of(R"({"type": "object", "required": ["x"], "additionalProperties": false})"),
              "#: \"x\" is required, but not in properties, and additionalProperties is false");
    EXPECT_EQ(error_of(R"({"type": "array", "items": {"type": "boolean"}, "uniqueItems": true, "minItems": 3})"),
              "#/items: cannot make 3 distinct items (uniqueItems)");
    EXPECT_EQ(error_of(R"({"type": "string", "pattern": "(?=x)y"})"),
              "#: pattern \"(?=x)y\": the group at offset 0: only (...), (?:...) and (?<name>...) are supported (no lookaround)");
    EXPECT_EQ(error_of(R"({"minimum": "3"})"), "#: minimum must be a number, not \"3\"");
    EXPECT_EQ(error_of("[1]"), "#: a schema must be an object or a boolean, not array");
}

TEST(SchemaInstanceTest, RecursionWithoutAnEndAndHugeInstancesAreRefused) {
    EXPECT_NE(error_of(R"({"$ref": "#"})").find("nests deeper than 64 levels"), std::string::npos);
    EXPECT_NE(error_of(R"({"type": "object", "properties": {"self": {"$ref": "#"}}, "required": ["self"]})").find("nests deeper"),
              std::string::npos);
    // Each level doubles: refused, for its depth or its size, whichever the walk meets first.
    const std::string doubling = R"({"$defs": {"t": {"type": "object", "properties": {"l": {"$ref": "#/$defs/t"}, "r": {"$ref": "#/$defs/t"}},
                                     "required": ["l", "r"]}}, "$ref": "#/$defs/t"})";
    EXPECT_NE(error_of(doubling).find("#/$defs/t: "), std::string::npos);
    EXPECT_EQ(error_of(R"({"type": "array", "minItems": 200, "items": {"type": "array", "minItems": 200}})"),
              "#/items/items: the value would hold more than 10000 values");
    EXPECT_NE(error_of(R"({"type": "array", "minItems": 1000000})").find("minItems above 1000"), std::string::npos);
    EXPECT_NE(error_of(R"({"type": "string", "minLength": 1000000})").find("minLength above 10000"), std::string::npos);
}

}  // namespace
