#include <agentio/llm/pricing.hpp>
#include <gtest/gtest.h>

#include <string>

using namespace agentio;
using llm::Price;
using llm::PriceTable;

TEST(PriceTable, DefaultsHoldPublicListPrices) {
    const PriceTable table = PriceTable::defaults();
    const auto gpt4o = table.find("gpt-4o");
    ASSERT_TRUE(gpt4o);
    EXPECT_DOUBLE_EQ(gpt4o->input_per_million, 2.50);
    EXPECT_DOUBLE_EQ(gpt4o->cached_input_per_million, 1.25);
    EXPECT_DOUBLE_EQ(gpt4o->output_per_million, 10.00);
    const auto nano = table.find("gpt-4.1-nano");
    ASSERT_TRUE(nano);
    EXPECT_DOUBLE_EQ(nano->cached_input_per_million, 0.025);
    const auto embed = table.find("text-embedding-3-large");
    ASSERT_TRUE(embed);
    EXPECT_DOUBLE_EQ(embed->input_per_million, 0.13);
    EXPECT_DOUBLE_EQ(embed->output_per_million, 0);
    for (const char* model : {"gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "o3-mini", "text-embedding-3-small",
                              "sim-small", "sim-large", "sim-embed"})
        EXPECT_TRUE(table.find(model)) << model;
}

TEST(PriceTable, SimulatorModelsCostLikeThePublicModelsTheyStandFor) {
    const PriceTable table = PriceTable::defaults();
    EXPECT_DOUBLE_EQ(table.find("sim-small")->output_per_million, table.find("gpt-4o-mini")->output_per_million);
    EXPECT_DOUBLE_EQ(table.find("sim-large")->input_per_million, table.find("gpt-4o")->input_per_million);
    EXPECT_DOUBLE_EQ(table.find("sim-embed")->input_per_million, 0.02);
}

TEST(PriceTable, DatedSnapshotFindsTheLongestMatchingEntry) {
    const PriceTable table = PriceTable::defaults();
    // "gpt-4o" is also a prefix; the longer "gpt-4o-mini" must win.
    EXPECT_DOUBLE_EQ(table.find("gpt-4o-mini-2024-07-18")->input_per_million, 0.15);
    EXPECT_DOUBLE_EQ(table.find("gpt-4o-2024-08-06")->input_per_million, 2.50);
    EXPECT_DOUBLE_EQ(table.find("gpt-4.1-mini-2025-04-14")->input_per_million, 0.40);
}

TEST(PriceTable, UnknownModelHasNoPriceAndCostsNothing) {
    const PriceTable table = PriceTable::defaults();
    EXPECT_FALSE(table.find("llama-3-70b"));
    EXPECT_FALSE(table.find("gpt"));  // a prefix of entries is not an entry
    EXPECT_FALSE(table.find(""));
    llm::Usage usage;
    usage.prompt_tokens = 1000;
    usage.completion_tokens = 1000;
    EXPECT_EQ(table.cost("llama-3-70b", usage), 0.0);
}

TEST(PriceTable, SetAddsOrReplacesAnEntry) {
    PriceTable table;
    table.set("mine", Price{1, 0.5, 2});
    table.set("mine", Price{3, 1, 4});
    EXPECT_DOUBLE_EQ(table.find("mine-v2")->input_per_million, 3);
}

TEST(PriceTable, CostChargesCachedPromptTokensAtTheCachedPrice) {
    const PriceTable table = PriceTable::defaults();
    llm::Usage usage;
    usage.prompt_tokens = 1'000'000;
    usage.cached_tokens = 400'000;
    usage.completion_tokens = 200'000;
    usage.total_tokens = 1'200'000;
    // gpt-4o: 600k * 2.50 + 400k * 1.25 + 200k * 10.00, per million.
    EXPECT_DOUBLE_EQ(table.cost("gpt-4o", usage), 1.5 + 0.5 + 2.0);
}

TEST(PriceTable, CostOfASmallRequestIsFractionsOfACent) {
    const PriceTable table = PriceTable::defaults();
    llm::Usage usage;
    usage.prompt_tokens = 100;
    usage.completion_tokens = 50;
    EXPECT_NEAR(table.cost("gpt-4o-mini", usage), (100 * 0.15 + 50 * 0.60) / 1e6, 1e-15);
}

TEST(PriceTable, CachedTokensAboveThePromptAreCappedAtThePrompt) {
    const PriceTable table = PriceTable::defaults();
    llm::Usage usage;
    usage.prompt_tokens = 1'000'000;
    usage.cached_tokens = 5'000'000;  // inconsistent report
    EXPECT_DOUBLE_EQ(table.cost("gpt-4o", usage), 1.25);
}
