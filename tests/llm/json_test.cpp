// json_test.cpp: Json keeps key order, parse_json bounds what a peer can
// make it do, and JSON strings written by hand are valid JSON.
#include "agentio/llm/json.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "llm/error_of.hpp"

namespace llm = agentio::llm;
using agentio::testkit::error_of;
using llm::Json;
using ::testing::HasSubstr;

namespace {

std::string json_string(std::string_view text) {
    std::string out;
    llm::append_json_string(out, text);
    return out;
}

}  // namespace

TEST(Json, ObjectsKeepTheOrderTheirKeysWereWrittenAndReadIn) {
    Json schema = {{"type", "object"}, {"properties", {{"zeta", 1}, {"alpha", 2}, {"mid", 3}}}};
    EXPECT_EQ(schema.dump(), R"({"type":"object","properties":{"zeta":1,"alpha":2,"mid":3}})");
    EXPECT_EQ(llm::parse_json(R"({"b":1,"a":{"y":2,"x":3}})").dump(), R"({"b":1,"a":{"y":2,"x":3}})");
}

TEST(Json, ParseRefusesAnObjectWithMoreKeysThanTheLimitAndNamesIt) {
    std::string wide = "{";
    for (int i = 0; i < 1001; ++i) wide += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
    wide += "}";
    EXPECT_THAT(error_of<llm::JsonError>([&] { llm::parse_json(wide); }), HasSubstr("an object with more than 1000 keys"));
    EXPECT_EQ(llm::parse_json(wide, {.max_object_keys = 2000}).size(), 1001u);
    // The count is per object: a thousand keys in each of two objects is fine.
    std::string thousand = "{";
    for (int i = 0; i < 1000; ++i) thousand += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
    thousand += "}";
    EXPECT_EQ(llm::parse_json("[" + thousand + "," + thousand + "]").size(), 2u);
    EXPECT_EQ(llm::parse_json(R"({"a":)" + thousand + "}")["a"].size(), 1000u);
}

TEST(Json, ParseRefusesDeepNestingAndTextThatIsNotJson) {
    EXPECT_THAT(error_of<llm::JsonError>([] { llm::parse_json(std::string(200, '[') + std::string(200, ']')); }),
                HasSubstr("nested deeper than 128 levels"));
    EXPECT_EQ(llm::parse_json(std::string(100, '[') + std::string(100, ']')).size(), 1u);
    const std::string message = error_of<llm::JsonError>([] { llm::parse_json(R"({"a":)"); });
    EXPECT_THAT(message, HasSubstr("parse error at line 1, column 6"));
}

TEST(Json, StringsAreEscapedAsJsonRequires) {
    const std::string text = "a \"quote\", a \\ backslash\n\ttab \x01 and caf\xc3\xa9 \xF0\x9F\x98\x80";
    EXPECT_EQ(json_string(text), "\"a \\\"quote\\\", a \\\\ backslash\\n\\ttab \\u0001 and caf\xc3\xa9 \xF0\x9F\x98\x80\"");
    EXPECT_EQ(Json::parse(json_string(text)), text);
}

TEST(Json, BytesThatAreNotUtf8BecomeTheReplacementCharacterAsDumpMakesThem) {
    for (const std::string bad : {"caf\xC3", "\xC3\x28", "\xED\xA0\x80", "\xC0\xAF", "\xF5\x80\x80\x80", "\xE2\x82", "\x80x"}) {
        const std::string written = json_string(bad);
        EXPECT_EQ(written, Json(bad).dump(-1, ' ', false, Json::error_handler_t::replace)) << bad;
        EXPECT_TRUE(Json::accept(written)) << bad;
    }
}
