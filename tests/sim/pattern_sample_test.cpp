// sim::detail::pattern_sample: the string made from a pattern matches it
// (checked with std::regex), varies with the seed, and what the sampler
// cannot honour is refused by name.
#include <agentio/sim/detail/pattern_sample.hpp>
#include <agentio/sim/schema_instance.hpp>
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

using namespace agentio;

namespace {

std::string sample(const std::string& pattern, std::uint64_t seed = 1) {
    sim::Rng rng(seed);
    return sim::detail::pattern_sample(pattern, rng);
}

std::string error_of(const std::string& pattern) {
    try {
        (void)sample(pattern);
    } catch (const sim::SchemaError& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(PatternSampleTest, TheSampleMatchesThePatternForManySeeds) {
    const char* const patterns[] = {
        "^[A-Z]{3}-\\d{4}$",
        "^(red|green|blue)$",
        "^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$",
        "^\\+?[1-9]\\d{1,14}$",
        "^(?:[01]\\d|2[0-3]):[0-5]\\d$",
        "[^\\s]+ [\\w.]*",
        "^a*b+c?d{2,}e{0,3}$",
        "^\\x41\\u0042[\\t ]\\.\\$$",
        "^[\\d\\-]{5}$",
        "^[^aeiou]{3}$",
        "^.{8,16}$",
        "^(ab|cd)+?$",
        "^[\\D][\\W][\\S]$",
        "^([a-f]{2}:){2}[a-f]{2}$",
        "",
        "^$",
    };
    for (const char* pattern : patterns) {
        const std::regex re(pattern, std::regex::ECMAScript);
        for (std::uint64_t seed = 0; seed < 30; ++seed) {
            const std::string text = sample(pattern, seed);
            EXPECT_TRUE(std::regex_search(text, re)) << '"' << text << "\" from " << pattern;
        }
    }
}

TEST(PatternSampleTest, NamedGroupsAreGroups) {
    // std::regex has no named groups: checked against the same pattern without the names.
    const std::regex re("^(\\d{4})-(0[1-9]|1[0-2])$", std::regex::ECMAScript);
    for (std::uint64_t seed = 0; seed < 30; ++seed) {
        const std::string text = sample("^(?<year>\\d{4})-(?<month>0[1-9]|1[0-2])$", seed);
        EXPECT_TRUE(std::regex_match(text, re)) << text;
    }
}

TEST(PatternSampleTest, CharactersOutsideAsciiComeOutAsUtf8) {
    EXPECT_EQ(sample("^caf\u00e9$"), "caf\xc3\xa9");
    EXPECT_EQ(sample("^\\u00e9$"), "\xc3\xa9");
    EXPECT_EQ(sample("^\\uD83D\\uDE00$"), "\xf0\x9f\x98\x80");  // a surrogate pair is one character
    const std::string greek = sample("^[\u03b1-\u03c9]$");
    EXPECT_EQ(sim::detail::code_points(greek), 1u);
    EXPECT_EQ(greek.size(), 2u);
}

TEST(PatternSampleTest, TheSeedPicksAlternativesCountsAndCharacters) {
    std::set<std::string> samples;
    for (std::uint64_t seed = 0; seed < 20; ++seed) samples.insert(sample("^[a-z]{2,6}(-x|-y)?$", seed));
    EXPECT_GE(samples.size(), 10u);
    EXPECT_EQ(sample("^[a-z]+$", 9), sample("^[a-z]+$", 9));
}

TEST(PatternSampleTest, WhatCannotBeGeneratedIsRefusedByName) {
    EXPECT_NE(error_of("(?=a)a").find("no lookaround"), std::string::npos);
    EXPECT_NE(error_of("(?<!a)b").find("no lookaround"), std::string::npos);
    EXPECT_NE(error_of("(a)\\1").find("backreferences"), std::string::npos);
    EXPECT_NE(error_of("\\bword\\b").find("word boundary"), std::string::npos);
    EXPECT_NE(error_of("\\p{L}").find("Unicode property"), std::string::npos);
    EXPECT_NE(error_of("(ab").find("is not closed"), std::string::npos);
    EXPECT_NE(error_of("ab)").find("unmatched ')'"), std::string::npos);
    EXPECT_NE(error_of("[ab").find("is not closed"), std::string::npos);
    EXPECT_NE(error_of("[z-a]").find("runs backwards"), std::string::npos);
    EXPECT_NE(error_of("*a").find("nothing to repeat"), std::string::npos);
    EXPECT_NE(error_of("a**").find("nothing to repeat"), std::string::npos);
    EXPECT_NE(error_of("a{3,2}").find("counts backwards"), std::string::npos);
    EXPECT_NE(error_of("a{1001}").find("above 1000"), std::string::npos);
    EXPECT_NE(error_of("a\\").find("lone backslash"), std::string::npos);
    EXPECT_NE(error_of("[]").find("matches no character"), std::string::npos);
    EXPECT_NE(error_of("[^ -~]").find("leaves no printable character"), std::string::npos);
    EXPECT_NE(error_of("(a{1000}){1000}").find("longer than 10000"), std::string::npos);
    EXPECT_NE(error_of(std::string(40, '(') + std::string(40, ')')).find("nest deeper than 32"), std::string::npos);
    EXPECT_EQ(error_of("^(?:x)$").find("pattern"), std::string::npos);  // fine
    EXPECT_EQ(error_of("a{,2}"), "(no error)");  // not a quantifier: the text "a{,2}"
}

}  // namespace
