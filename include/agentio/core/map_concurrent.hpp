// map_concurrent.hpp: map_concurrent(items, fn, limit), the batch-of-prompts pattern.
//
//     std::vector<std::string> replies = co_await map_concurrent(prompts, call_llm, 64);
//
// Runs fn(item) for every item with at most `limit` calls in flight, and
// returns the results in input order (void if fn returns Task<void>). It keeps
// a window full: a new call starts as soon as one finishes, unlike batching in
// fixed chunks. The first exception cancels the calls in flight, waits for
// them, and propagates (gather's semantics); no further item is started.
// `items` is taken by value (move it in); fn(items[i]) may take its item by
// reference: the items outlive every call.
#pragma once

#include <cstddef>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "agentio/core/as_task.hpp"
#include "agentio/core/errors.hpp"
#include "agentio/core/gather.hpp"
#include "agentio/core/task.hpp"

namespace agentio {

template <class Items, class Fn>
auto map_concurrent(Items items, Fn fn, std::size_t limit)
    -> Task<std::conditional_t<std::is_void_v<await_result_t<std::invoke_result_t<Fn&, decltype(items[0])>>>, void,
                               std::vector<await_result_t<std::invoke_result_t<Fn&, decltype(items[0])>>>>> {
    using R = await_result_t<std::invoke_result_t<Fn&, decltype(items[0])>>;
    if (limit == 0) throw InvalidStateError("map_concurrent(): limit must be at least 1");
    const std::size_t count = items.size();
    std::size_t next = 0;
    std::vector<std::optional<value_or_monostate_t<R>>> results(std::is_void_v<R> ? 0 : count);

    // Each worker takes the next item as soon as it is free.
    auto worker = [&]() -> Task<> {
        while (next < count) {
            const std::size_t i = next++;
            if constexpr (std::is_void_v<R>) co_await fn(items[i]);
            else results[i].emplace(co_await fn(items[i]));
        }
    };
    std::vector<Task<>> workers;
    for (std::size_t k = 0; k < std::min(limit, count); ++k) workers.push_back(worker());
    co_await gather(std::move(workers));

    if constexpr (!std::is_void_v<R>) {
        std::vector<R> values;
        values.reserve(count);
        for (auto& slot : results) values.push_back(std::move(*slot));
        co_return values;
    }
}

}  // namespace agentio
