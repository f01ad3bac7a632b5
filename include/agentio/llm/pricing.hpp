// pricing.hpp: what a request cost, from a per-model price table.
//
// Prices are US dollars per million tokens. A model is found by its exact
// name, else by the longest table entry it starts with ("gpt-4o-mini-2024-07-18"
// -> "gpt-4o-mini"). Unknown models cost nothing rather than a guess.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "agentio/llm/chat.hpp"

namespace agentio::llm {

struct Price {
    double input_per_million = 0;
    double cached_input_per_million = 0;
    double output_per_million = 0;
};

class PriceTable {
public:
    PriceTable() = default;
    // A table with common public models and the simulator's models.
    static PriceTable defaults();

    void set(std::string model, Price price);
    std::optional<Price> find(std::string_view model) const;
    // Dollars for `usage` on `model` (cached prompt tokens at the cached price).
    double cost(std::string_view model, const Usage& usage) const;

private:
    std::map<std::string, Price, std::less<>> prices_;
};

}  // namespace agentio::llm
