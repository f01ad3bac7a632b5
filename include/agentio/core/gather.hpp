// gather.hpp: gather(), run tasks concurrently and collect results in input order.
//
// compile-context: Task<std::string> fetch(std::string); Task<int> parse(std::string);
// compile-context: extern std::string x, y; extern std::vector<Task<std::string>> tasks;
//     auto [a, b] = co_await gather(fetch(x), parse(y));       // std::tuple
//     std::vector<std::string> all = co_await gather(std::move(tasks));
//     auto outcomes = co_await gather(return_exceptions, std::move(tasks));
//
// Semantics (asyncio.gather, minus its best-known trap):
// - Results come back in input order whatever the completion order; a void
//   task's tuple slot is std::monostate; gathering a vector of Task<void>
//   returns void.
// - The first exception (in completion order) cancels every unfinished child,
//   waits until they have all finished, then propagates. asyncio leaves the
//   siblings running; here none outlives the gather.
// - With return_exceptions, nothing is cancelled and each slot holds an
//   Outcome<T> (value or exception).
// - If the awaiting task is cancelled, every child is cancelled, gather waits
//   for them all, then throws CancelledError.
// - Children start on the next loop iteration, in input order, and inherit the
//   caller's task-local context. Like every Task, gather(...) is lazy: nothing
//   runs until it is awaited.
#pragma once

#include <algorithm>
#include <cstddef>
#include <new>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "agentio/core/as_task.hpp"
#include "agentio/core/detail/child_task.hpp"
#include "agentio/core/detail/frame_allocator.hpp"
#include "agentio/core/outcome.hpp"
#include "agentio/core/task.hpp"

namespace agentio {
namespace detail {

// The wait of a parent on its children; shared by the tuple and vector forms.
class GatherBase : public Waiter, public ChildCollector {
public:
    GatherBase(const GatherBase&) = delete;
    GatherBase& operator=(const GatherBase&) = delete;

    bool await_ready() const noexcept { return count_ == 0; }
    bool await_suspend(std::coroutine_handle<> frame);
    void await_resume() const;

protected:
    explicit GatherBase(bool keep_outcomes) noexcept : keep_outcomes_(keep_outcomes) {}
    ~GatherBase() = default;
    // How many children there are; once launched, how many were started.
    void set_count(std::size_t count) noexcept { count_ = count; }
    bool keep_outcomes() const noexcept { return keep_outcomes_; }
    // Starts every child; if it throws, set_count() names those started.
    virtual void launch_all(TaskNode& parent) = 0;
    // Cancels every started child (a finished one ignores it).
    virtual void cancel_started() noexcept = 0;
    // Called once a finished child has been inspected: may take its outcome
    // and free its frame.
    virtual void retire(ChildBase&) noexcept {}

private:
    void child_finished(ChildBase& child) noexcept override;
    void cancel() noexcept override;
    std::string describe() const override;

    std::size_t count_ = 0;
    std::size_t pending_ = 0;
    TaskNode* parent_ = nullptr;
    std::exception_ptr first_error_;
    bool keep_outcomes_;
    bool cancelled_ = false;
};

// The children live in blocks of the frame pool, kPerBlock to a block, and
// are found from their index: no allocation and no pointer per child (at
// 200,000 children, a pointer each is 1.6 MB of fresh pages).
template <class T>
class GatherVector final : public GatherBase {
    using Child = ChildTask<T>;
    static constexpr std::size_t kPerBlock = 1024 / sizeof(Child) > 0 ? 1024 / sizeof(Child) : 1;

public:
    GatherVector(std::vector<Task<T>> tasks, bool keep_outcomes)
        : GatherBase(keep_outcomes), tasks_(std::move(tasks)) {
        for (const auto& task : tasks_)
            if (!task.valid()) throw InvalidStateError("gather() was given an empty Task (moved from)");
        set_count(tasks_.size());
    }
    ~GatherVector() {
        for (std::size_t i = 0; i < started_; ++i) child(i).~Child();
        for (std::size_t b = 0; b < blocks_.size(); ++b) deallocate_frame(blocks_[b], block_bytes(b));
    }
    GatherVector(const GatherVector&) = delete;
    GatherVector& operator=(const GatherVector&) = delete;

    auto take_values() {
        if constexpr (std::is_void_v<T>) {
            return;
        } else {
            std::vector<T> values;
            values.reserve(values_.size());
            for (auto& value : values_) values.push_back(std::move(*value));
            return values;
        }
    }
    std::vector<Outcome<T>> take_outcomes() {
        std::vector<Outcome<T>> outcomes;
        outcomes.reserve(outcomes_.size());
        for (auto& outcome : outcomes_) outcomes.push_back(std::move(*outcome));
        return outcomes;
    }

private:
    Child& child(std::size_t i) noexcept { return blocks_[i / kPerBlock][i % kPerBlock]; }
    std::size_t block_bytes(std::size_t b) const noexcept {
        return std::min(kPerBlock, tasks_.size() - b * kPerBlock) * sizeof(Child);
    }
    // One pass over the tasks (they do not fit in cache when there are many):
    // each gets its node and is scheduled.
    void launch_all(TaskNode& parent) override {
        try {
            const std::size_t n = tasks_.size();
            blocks_.reserve((n + kPerBlock - 1) / kPerBlock);
            if (keep_outcomes()) outcomes_.resize(n);
            else if constexpr (!std::is_void_v<T>) values_.resize(n);
            for (std::size_t i = 0; i < n; ++i) {
                if (i % kPerBlock == 0)
                    blocks_.push_back(static_cast<Child*>(allocate_frame(block_bytes(blocks_.size()))));
                Child* fresh = ::new (static_cast<void*>(&child(i))) Child();
                try {
                    fresh->assign(std::move(tasks_[i]), "gather()");
                } catch (...) {
                    fresh->~Child();
                    throw;
                }
                fresh->set_index(static_cast<std::uint32_t>(i));
                fresh->launch(parent, *this);
                ++started_;  // from here on the destructor owns it
            }
        } catch (...) {
            set_count(started_);  // those already started
            throw;
        }
    }
    void cancel_started() noexcept override {
        for (std::size_t i = 0; i < started_; ++i) child(i).cancel();
    }
    // A finished child gives up its result and its frame at once: a gather of
    // many does not walk them all again at the end, and frames return early.
    // The node itself (a few words, done) stays until the gather ends.
    void retire(ChildBase& finished) noexcept override {
        auto& done = static_cast<Child&>(finished);
        const std::uint32_t i = done.index();
        if (keep_outcomes()) {
            outcomes_[i].emplace(done.take_outcome());
        } else if constexpr (!std::is_void_v<T>) {
            if (!done.error()) values_[i].emplace(done.take_value());
        }
        done.destroy_frame();
    }
    std::vector<Task<T>> tasks_;  // emptied as they are launched; its size is the child count
    std::vector<Child*> blocks_;  // from the frame pool, kPerBlock children each
    std::size_t started_ = 0;     // children constructed and launched
    std::vector<std::optional<value_or_monostate_t<T>>> values_;
    std::vector<std::optional<Outcome<T>>> outcomes_;
};

template <class... Ts>
class GatherTuple final : public GatherBase {
public:
    GatherTuple(bool keep_outcomes, Task<Ts>... tasks) : GatherBase(keep_outcomes) {
        assign(std::index_sequence_for<Ts...>{}, std::move(tasks)...);
        set_count(sizeof...(Ts));
    }

    std::tuple<value_or_monostate_t<Ts>...> take_values() {
        return take(std::index_sequence_for<Ts...>{}, [](auto& child) { return child.take_value(); });
    }
    std::tuple<Outcome<Ts>...> take_outcomes() {
        return take(std::index_sequence_for<Ts...>{}, [](auto& child) { return child.take_outcome(); });
    }

private:
    template <std::size_t... I>
    void assign(std::index_sequence<I...>, Task<Ts>... tasks) {
        (std::get<I>(children_).assign(std::move(tasks), "gather()"), ...);
        (std::get<I>(children_).set_index(static_cast<std::uint32_t>(I)), ...);
    }
    template <std::size_t... I, class Take>
    auto take(std::index_sequence<I...>, Take take_one) {
        // Braced init evaluates left to right: slots are taken in input order.
        return std::tuple<decltype(take_one(std::get<I>(children_)))...>{take_one(std::get<I>(children_))...};
    }
    void launch_all(TaskNode& parent) override {
        std::apply([&](auto&... child) { (child.launch(parent, *this), ...); }, children_);
    }
    void cancel_started() noexcept override {
        std::apply([](auto&... child) { (child.cancel(), ...); }, children_);
    }
    std::tuple<ChildTask<Ts>...> children_;
};

}  // namespace detail

namespace detail {
template <class... Ts>
Task<std::tuple<value_or_monostate_t<Ts>...>> gather_tuple(Task<Ts>... tasks) {
    GatherTuple<Ts...> children(false, std::move(tasks)...);
    co_await children;
    co_return children.take_values();
}

template <class... Ts>
Task<std::tuple<Outcome<Ts>...>> gather_tuple_outcomes(Task<Ts>... tasks) {
    GatherTuple<Ts...> children(true, std::move(tasks)...);
    co_await children;
    co_return children.take_outcomes();
}
}  // namespace detail

// Each argument is a Task or any other awaitable (sleep(1s), a TaskHandle ...).
template <class... Works>
    requires(sizeof...(Works) > 0 && (detail::Awaitable<Works> && ...))
auto gather(Works... works) {
    return detail::gather_tuple(as_task(std::move(works))...);
}

template <class... Works>
    requires(sizeof...(Works) > 0 && (detail::Awaitable<Works> && ...))
auto gather(ReturnExceptions, Works... works) {
    return detail::gather_tuple_outcomes(as_task(std::move(works))...);
}

template <class T>
Task<std::conditional_t<std::is_void_v<T>, void, std::vector<T>>> gather(std::vector<Task<T>> tasks) {
    detail::GatherVector<T> children(std::move(tasks), false);
    co_await children;
    if constexpr (std::is_void_v<T>) co_return;
    else co_return children.take_values();
}

template <class T>
Task<std::vector<Outcome<T>>> gather(ReturnExceptions, std::vector<Task<T>> tasks) {
    detail::GatherVector<T> children(std::move(tasks), true);
    co_await children;
    co_return children.take_outcomes();
}

}  // namespace agentio
