// as_task.hpp: as_task(x), any awaitable (or a callable returning one) as a Task.
//
// The combinators (timeout, shield, map_concurrent ...) take "work" in any of
// the forms users naturally write: a Task, a TaskHandle, an awaiter such as
// sleep(1s), or a lambda returning one of those. A callable is moved into the
// wrapper's frame before it is called, so a lambda coroutine's captures live
// as long as the work runs.
#pragma once

#include <concepts>
#include <type_traits>
#include <utility>

#include "agentio/core/task.hpp"

namespace agentio {
namespace detail {

template <class A>
decltype(auto) get_awaiter(A&& awaitable) {
    if constexpr (requires { std::forward<A>(awaitable).operator co_await(); })
        return std::forward<A>(awaitable).operator co_await();
    else
        return std::forward<A>(awaitable);
}

template <class A>
concept Awaitable = requires(A&& a) { get_awaiter(std::forward<A>(a)).await_resume(); };

}  // namespace detail

// The type `co_await std::declval<A>()` produces.
template <class A>
using await_result_t = decltype(detail::get_awaiter(std::declval<A>()).await_resume());

template <class Work>
auto as_task(Work work) {
    if constexpr (is_task_v<Work>) {
        return work;
    } else if constexpr (detail::Awaitable<Work>) {
        using T = await_result_t<Work>;
        return [](Work awaitable) -> Task<T> { co_return co_await std::move(awaitable); }(std::move(work));
    } else {
        static_assert(std::invocable<Work&>, "work must be awaitable or a callable returning an awaitable");
        using Result = std::invoke_result_t<Work&>;
        using T = await_result_t<Result>;
        return [](Work callable) -> Task<T> { co_return co_await callable(); }(std::move(work));
    }
}

}  // namespace agentio
