// pricing.cpp: the default price table, model lookup and cost.
#include "agentio/llm/pricing.hpp"

#include <algorithm>

namespace agentio::llm {

PriceTable PriceTable::defaults() {
    PriceTable table;
    // Public list prices, dollars per million tokens (input, cached input, output), 2025.
    table.set("gpt-4o", {2.50, 1.25, 10.00});
    table.set("gpt-4o-mini", {0.15, 0.075, 0.60});
    table.set("gpt-4.1", {2.00, 0.50, 8.00});
    table.set("gpt-4.1-mini", {0.40, 0.10, 1.60});
    table.set("gpt-4.1-nano", {0.10, 0.025, 0.40});
    table.set("o3-mini", {1.10, 0.55, 4.40});
    table.set("text-embedding-3-small", {0.02, 0, 0});
    table.set("text-embedding-3-large", {0.13, 0, 0});
    // The simulator's models, priced like the public models they stand in for.
    table.set("sim-small", {0.15, 0.075, 0.60});
    table.set("sim-large", {2.50, 1.25, 10.00});
    table.set("sim-embed", {0.02, 0, 0});
    return table;
}

void PriceTable::set(std::string model, Price price) { prices_.insert_or_assign(std::move(model), price); }

std::optional<Price> PriceTable::find(std::string_view model) const {
    // Longest prefix first: "gpt-4o-mini-2024-07-18" must find "gpt-4o-mini",
    // not "gpt-4o". The exact name is the longest prefix of all.
    for (std::size_t length = model.size(); length > 0; --length) {
        if (auto it = prices_.find(model.substr(0, length)); it != prices_.end()) return it->second;
    }
    return std::nullopt;
}

double PriceTable::cost(std::string_view model, const Usage& usage) const {
    const std::optional<Price> price = find(model);
    if (!price) return 0;
    const std::int64_t prompt = std::max<std::int64_t>(usage.prompt_tokens, 0);
    const std::int64_t cached = std::clamp<std::int64_t>(usage.cached_tokens, 0, prompt);
    const double dollars = static_cast<double>(prompt - cached) * price->input_per_million +
                           static_cast<double>(cached) * price->cached_input_per_million +
                           static_cast<double>(std::max<std::int64_t>(usage.completion_tokens, 0)) *
                               price->output_per_million;
    return dollars / 1e6;
}

}  // namespace agentio::llm
