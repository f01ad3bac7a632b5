// map_concurrent.hpp: map_concurrent(items, fn, limit), the batch-of-prompts pattern.
//
// compile-context: extern std::vector<std::string> prompts; Task<std::string> call_llm(std::string);
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
namespace detail {

template <class Items, class Fn, class R>
struct MapState {
    Items& items;
    Fn& fn;
    std::vector<std::optional<value_or_monostate_t<R>>>& results;
    std::size_t next = 0;
    bool failed = false;  // set by the first failure: no item starts after it
};

// Each worker takes the next item as soon as it is free.
template <class State>
Task<> map_worker(State& state) {
    while (!state.failed && state.next < state.items.size()) {
        const std::size_t i = state.next++;
        try {
            if constexpr (std::is_same_v<std::remove_cvref_t<decltype(*state.results[0])>, std::monostate>)
                co_await state.fn(state.items[i]);
            else state.results[i].emplace(co_await state.fn(state.items[i]));
        } catch (...) {
            state.failed = true;  // siblings woken at the same moment take no new item
            throw;
        }
    }
}

template <class Items, class Fn>
using map_result_t = await_result_t<std::invoke_result_t<Fn&, decltype(std::declval<Items&>()[0])>>;

}  // namespace detail

template <class Items, class Fn>
auto map_concurrent(Items items, Fn fn, std::size_t limit)
    -> Task<std::conditional_t<std::is_void_v<detail::map_result_t<Items, Fn>>, void,
                               std::vector<detail::map_result_t<Items, Fn>>>> {
    using R = detail::map_result_t<Items, Fn>;
    if (limit == 0) throw InvalidStateError("map_concurrent(): limit must be at least 1");
    std::vector<std::optional<value_or_monostate_t<R>>> results(std::is_void_v<R> ? 0 : items.size());
    detail::MapState<Items, Fn, R> state{items, fn, results};

    std::vector<Task<>> workers;
    for (std::size_t k = 0; k < std::min(limit, items.size()); ++k) workers.push_back(detail::map_worker(state));
    co_await gather(std::move(workers));

    if constexpr (!std::is_void_v<R>) {
        std::vector<R> values;
        values.reserve(results.size());
        for (auto& slot : results) values.push_back(std::move(*slot));
        co_return values;
    }
}

}  // namespace agentio
