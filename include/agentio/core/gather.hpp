// gather.hpp: gather(), run tasks concurrently and collect results in input order.
//
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

#include <cstddef>
#include <memory>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "agentio/core/as_task.hpp"
#include "agentio/core/child_task.hpp"
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
    void set_children(ChildBase* const* children, std::size_t count) noexcept {
        children_ = children;
        count_ = count;
    }
    void set_count(std::size_t count) noexcept { count_ = count; }
    bool keep_outcomes() const noexcept { return keep_outcomes_; }
    // Starts every child; if it throws, set_children() names those started.
    virtual void launch_all(TaskNode& parent) = 0;
    // Called once a finished child has been inspected: may take its outcome
    // and free it (its slot in the children array then becomes null).
    virtual void retire(ChildBase&) noexcept {}

private:
    void child_finished(ChildBase& child) noexcept override;
    void cancel() noexcept override;
    std::string describe() const override;
    void cancel_unfinished() noexcept;

    ChildBase* const* children_ = nullptr;
    std::size_t count_ = 0;
    std::size_t pending_ = 0;
    TaskNode* parent_ = nullptr;
    std::exception_ptr first_error_;
    bool keep_outcomes_;
    bool cancelled_ = false;
};

template <class T>
class GatherVector final : public GatherBase {
public:
    GatherVector(std::vector<Task<T>> tasks, bool keep_outcomes)
        : GatherBase(keep_outcomes), tasks_(std::move(tasks)) {
        for (const auto& task : tasks_)
            if (!task.valid()) throw InvalidStateError("gather() was given an empty Task (moved from)");
        set_count(tasks_.size());
    }
    ~GatherVector() {
        for (ChildBase* child : children_) delete static_cast<ChildTask<T>*>(child);
    }

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
    // One pass over the tasks (they do not fit in cache when there are many):
    // each gets its node and is scheduled.
    void launch_all(TaskNode& parent) override {
        try {
            children_.reserve(tasks_.size());
            if (keep_outcomes()) outcomes_.resize(tasks_.size());
            else if constexpr (!std::is_void_v<T>) values_.resize(tasks_.size());
            for (std::size_t i = 0; i < tasks_.size(); ++i) {
                auto child = std::make_unique<ChildTask<T>>();
                child->assign(std::move(tasks_[i]), "gather()");
                child->set_index(static_cast<std::uint32_t>(i));
                child->launch(parent, *this);
                children_.push_back(child.release());
            }
        } catch (...) {
            set_children(children_.data(), children_.size());  // those already started
            throw;
        }
        tasks_.clear();
        set_children(children_.data(), children_.size());
    }
    // A finished child gives up its result and is freed at once: a gather of
    // many does not walk them all again at the end, and memory returns early.
    void retire(ChildBase& finished) noexcept override {
        auto* child = static_cast<ChildTask<T>*>(&finished);
        const std::uint32_t i = child->index();
        if (keep_outcomes()) {
            outcomes_[i].emplace(child->take_outcome());
        } else if constexpr (!std::is_void_v<T>) {
            if (!child->error()) values_[i].emplace(child->take_value());
        }
        children_[i] = nullptr;
        delete child;
    }
    std::vector<Task<T>> tasks_;        // until launched
    std::vector<ChildBase*> children_;  // owned ChildTask<T>s (pooled); null once retired
    std::vector<std::optional<value_or_monostate_t<T>>> values_;
    std::vector<std::optional<Outcome<T>>> outcomes_;
};

template <class... Ts>
class GatherTuple final : public GatherBase {
public:
    GatherTuple(bool keep_outcomes, Task<Ts>... tasks) : GatherBase(keep_outcomes) {
        assign(std::index_sequence_for<Ts...>{}, std::move(tasks)...);
        set_children(pointers_.data(), pointers_.size());
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
        ((pointers_[I] = &std::get<I>(children_)), ...);
    }
    template <std::size_t... I, class Take>
    auto take(std::index_sequence<I...>, Take take_one) {
        // Braced init evaluates left to right: slots are taken in input order.
        return std::tuple<decltype(take_one(std::get<I>(children_)))...>{take_one(std::get<I>(children_))...};
    }
    void launch_all(TaskNode& parent) override {
        std::apply([&](auto&... child) { (child.launch(parent, *this), ...); }, children_);
    }
    std::tuple<ChildTask<Ts>...> children_;
    std::array<ChildBase*, sizeof...(Ts)> pointers_{};
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
