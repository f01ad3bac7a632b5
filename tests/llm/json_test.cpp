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

TEST(Json, ParseReadsWhatNlohmannReadsAtAnySize) {
    // Small texts take a fast path, large ones nlohmann's parser: the values agree.
    const std::string sample =
        R"({"id":7,"below":-7,"huge":123456789012345678901234567890,"max":18446744073709551615,)"
        R"("x":1.5e2,"s":"caf\u00e9 \ud83d\ude00","n":null,"t":true,"a":[],"o":{},"k":1,"k":2})";
    std::string large = "[" + sample;
    while (large.size() < 100 * 1024) large += "," + sample;
    large += "]";
    for (const std::string& text : {sample, large}) {
        const Json value = llm::parse_json(text);
        const Json reference = Json::parse(text);
        EXPECT_EQ(value, reference);
        EXPECT_EQ(value.dump(), reference.dump());
    }
    const Json value = llm::parse_json(sample);
    EXPECT_TRUE(value["id"].is_number_unsigned());  // an integer without a sign, as nlohmann has it
    EXPECT_TRUE(value["below"].is_number_integer() && !value["below"].is_number_unsigned());
    EXPECT_TRUE(value["huge"].is_number_float());
    EXPECT_EQ(value["max"].get<std::uint64_t>(), 18446744073709551615u);
    EXPECT_EQ(value["s"], "caf\xc3\xa9 \xF0\x9F\x98\x80");
    EXPECT_EQ(value["k"], 2);  // a repeated key: its first place, its last value
    EXPECT_EQ(value.size(), 11u);
    // The fast path refuses what nlohmann refuses, with nlohmann's words.
    for (const std::string bad : {"{} x", "[1,]", "01", "\"a\x01b\"", "\"\\ud800\"", "1e400", "\"\xff\""}) {
        const std::string nlohmann = error_of<Json::exception>([&] { const Json ignored = Json::parse(bad); });
        EXPECT_THAT(nlohmann, HasSubstr("] " + error_of<llm::JsonError>([&] { llm::parse_json(bad); }))) << bad;
    }
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
