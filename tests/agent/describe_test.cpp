// describe.hpp: schemas from described structs, and parsing that validates.
#include <agentio/agent/describe.hpp>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

using namespace agentio;
using agent::Json;

namespace {

struct Place {
    std::string city;
    std::optional<std::string> country;
    static auto describe() {
        return agent::fields(agent::field("city", &Place::city, "The city"),
                             agent::field("country", &Place::country));
    }
};

struct Forecast {
    Place place;
    int days = 0;
    double min_confidence = 0;
    bool hourly = false;
    std::optional<std::string> unit;
    std::vector<std::string> fields_wanted;
    static auto describe() {
        return agent::fields(
            agent::field("place", &Forecast::place, "Where"), agent::field("days", &Forecast::days, "How many days"),
            agent::field("min_confidence", &Forecast::min_confidence), agent::field("hourly", &Forecast::hourly),
            agent::field("unit", &Forecast::unit, "Temperature unit").one_of({"celsius", "fahrenheit"}),
            agent::field("fields_wanted", &Forecast::fields_wanted).one_of({"rain", "wind", "temperature"}));
    }
};

// A library's struct, described from outside.
struct External {
    std::int64_t id = 0;
};

std::string error_of(const std::function<void()>& parse) {
    try {
        parse();
    } catch (const agent::SchemaError& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

template <>
struct agent::Description<External> {
    static auto fields() { return agent::fields(agent::field("id", &External::id, "The record's id")); }
};

TEST(DescribeTest, AStrictSchemaRequiresEveryFieldAndMakesOptionalOnesNullable) {
    const Json schema = agent::schema_of<Forecast>();
    EXPECT_EQ(schema["type"], "object");
    EXPECT_EQ(schema["additionalProperties"], false);
    EXPECT_EQ(schema["required"], Json::array({"place", "days", "min_confidence", "hourly", "unit", "fields_wanted"}));
    EXPECT_EQ(schema["properties"]["days"], Json({{"type", "integer"}, {"description", "How many days"}}));
    EXPECT_EQ(schema["properties"]["min_confidence"]["type"], "number");
    EXPECT_EQ(schema["properties"]["hourly"]["type"], "boolean");
    EXPECT_EQ(schema["properties"]["unit"]["type"], Json::array({"string", "null"}));
    EXPECT_EQ(schema["properties"]["unit"]["enum"], Json::array({"celsius", "fahrenheit", nullptr}));
    EXPECT_EQ(schema["properties"]["fields_wanted"]["items"]["enum"], Json::array({"rain", "wind", "temperature"}));
    const Json& place = schema["properties"]["place"];  // nested, strict all the way down
    EXPECT_EQ(place["description"], "Where");
    EXPECT_EQ(place["additionalProperties"], false);
    EXPECT_EQ(place["required"], Json::array({"city", "country"}));
    EXPECT_EQ(place["properties"]["city"]["description"], "The city");
}

TEST(DescribeTest, ANonStrictSchemaRequiresOnlyTheFieldsThatAreNotOptional) {
    const Json schema = agent::schema_of<Place>(false);
    EXPECT_EQ(schema["required"], Json::array({"city"}));
    EXPECT_EQ(schema["properties"]["country"]["type"], "string");
}

TEST(DescribeTest, ATypeDescribedFromOutsideWorksLikeOneWithDescribe) {
    EXPECT_EQ(agent::schema_of<External>()["properties"]["id"]["description"], "The record's id");
    EXPECT_EQ(agent::parse<External>(R"({"id": 7})").id, 7);
}

TEST(DescribeTest, ParsingReadsEveryKindOfFieldAndRoundTrips) {
    const auto forecast = agent::parse<Forecast>(
        R"({"place":{"city":"Paris","country":null},"days":3.0,"min_confidence":0.5,"hourly":true,
            "unit":"celsius","fields_wanted":["rain","wind"]})");
    EXPECT_EQ(forecast.place.city, "Paris");
    EXPECT_FALSE(forecast.place.country);
    EXPECT_EQ(forecast.days, 3);  // 3.0 is an integer in JSON Schema
    EXPECT_EQ(forecast.min_confidence, 0.5);
    EXPECT_TRUE(forecast.hourly);
    EXPECT_EQ(forecast.unit, "celsius");
    EXPECT_EQ(forecast.fields_wanted, (std::vector<std::string>{"rain", "wind"}));
    const Json back = agent::to_json(forecast);
    EXPECT_EQ(back["place"]["country"], nullptr);
    EXPECT_EQ(agent::from_json<Forecast>(back).fields_wanted, forecast.fields_wanted);
}

TEST(DescribeTest, AnOptionalFieldMayBeLeftOutButARequiredOneMayNot) {
    EXPECT_FALSE(agent::parse<Place>(R"({"city":"Oslo"})").country);
    EXPECT_EQ(error_of([] { (void)agent::parse<Place>(R"({"country":"NO"})"); }), "city: is required and missing");
}

TEST(DescribeTest, EachValidationErrorNamesThePathAndWhatWasWrong) {
    const std::string valid_place = R"("place":{"city":"Paris"})";
    auto error = [&](std::string rest) {
        return error_of([&] { (void)agent::parse<Forecast>("{" + valid_place + "," + rest + "}"); });
    };
    const std::string base = R"("min_confidence":1,"hourly":false,"fields_wanted":[])";
    EXPECT_EQ(error(R"("days":"3",)" + base), "days: expected an integer, got a string");
    EXPECT_EQ(error(R"("days":3.5,)" + base), "days: expected an integer, got 3.5");
    EXPECT_EQ(error(R"("days":9999999999,)" + base), "days: is out of range: 9999999999");
    EXPECT_EQ(error(R"("days":1,"unit":"kelvin",)" + base),
              R"(unit: expected one of "celsius", "fahrenheit", got "kelvin")");
    EXPECT_EQ(error(R"("days":1,"min_confidence":1,"hourly":false,"fields_wanted":["rain","snow"])"),
              R"(fields_wanted[1]: expected one of "rain", "wind", "temperature", got "snow")");
    EXPECT_EQ(error(R"("days":1,"colour":"red",)" + base), "colour: is not a property of this object");
    EXPECT_EQ(error_of([] { (void)agent::parse<Forecast>(R"({"place":{"city":5}})"); }),
              "place.city: expected a string, got an integer (5)");
    EXPECT_EQ(error_of([] { (void)agent::parse<Forecast>("[1,2]"); }), "expected an object, got an array");
    EXPECT_EQ(error_of([] { (void)agent::parse<Forecast>("{\"place\":"); }).rfind("not valid JSON: {\"place\": (parse error at line 1", 0), 0u);
}

TEST(DescribeTest, AnArbitraryJsonFieldHasNoStrictSchema) {
    struct Loose {
        Json anything;
        static auto describe() { return agent::fields(agent::field("anything", &Loose::anything)); }
    };
    EXPECT_THROW(agent::schema_of<Loose>(), agent::SchemaError);
    EXPECT_EQ(agent::schema_of<Loose>(false)["properties"]["anything"], Json::object());
    EXPECT_EQ(agent::parse<Loose>(R"({"anything":[1,{"a":2}]})").anything[1]["a"], 2);
}

TEST(DescribeTest, AnArraysBoundsAreInTheSchemaAndChecked) {
    struct Plan {
        std::vector<std::string> steps;
        static auto describe() { return agent::fields(agent::field("steps", &Plan::steps).items(2, 3)); }
    };
    EXPECT_EQ(agent::schema_of<Plan>()["properties"]["steps"]["minItems"], 2);
    EXPECT_EQ(agent::schema_of<Plan>()["properties"]["steps"]["maxItems"], 3);
    EXPECT_EQ(agent::parse<Plan>(R"({"steps":["a","b"]})").steps.size(), 2u);
    EXPECT_EQ(error_of([] { (void)agent::parse<Plan>(R"({"steps":["a"]})"); }), "steps: expected at least 2 items, got 1");
    EXPECT_EQ(error_of([] { (void)agent::parse<Plan>(R"({"steps":["a","b","c","d"]})"); }),
              "steps: expected at most 3 items, got 4");
}
