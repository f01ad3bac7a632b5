// as_completed.hpp: as_completed(tasks), results in completion order.
//
// compile-context: extern std::vector<Task<int>> tasks;
//     auto done = as_completed(std::move(tasks));
//     while (auto next = co_await done.next())
//         std::cout << next->index << ": " << next->value << '\n';
//
// Every task starts at once (as spawned tasks). next() gives the next one to
// finish with its input index, std::nullopt when all were given, and throws
// the task's exception if that task failed (the iteration can go on after).
// Destroying the AsCompleted (leaving the loop early, or an exception) cancels
// the tasks not yet given out; the loop finishes them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "agentio/core/create_task.hpp"
#include "agentio/core/task.hpp"

namespace agentio {

template <class T>
struct Completed {
    std::size_t index;
    T value;
};
template <>
struct Completed<void> {
    std::size_t index;
};

template <class T>
class AsCompleted final : detail::CompletionListener {
public:
    explicit AsCompleted(std::vector<Task<T>> tasks) {
        EventLoop& loop = get_running_loop("as_completed()");
        handles_.reserve(tasks.size());
        try {
            for (auto& task : tasks) {
                handles_.push_back(detail::spawn(loop, std::move(task), {}));
                handles_.back().node().owner = this;
                handles_.back().node().set_index(static_cast<std::uint32_t>(handles_.size() - 1));
            }
        } catch (...) {
            abandon();  // no destructor will run: detach what was spawned
            throw;
        }
    }
    AsCompleted(AsCompleted&&) = delete;
    ~AsCompleted() { abandon(); }

    std::size_t size() const noexcept { return handles_.size(); }

    class NextAwaiter final : detail::Waiter {
    public:
        explicit NextAwaiter(AsCompleted& owner) noexcept : owner_(owner) {}
        bool await_ready() const noexcept { return !owner_.finished_.empty() || owner_.given_ == owner_.size(); }
        bool await_suspend(std::coroutine_handle<> frame) {
            node_ = &detail::running_node("as_completed().next()");
            if (node_->take_pending_cancel()) {
                cancelled_ = true;
                return false;
            }
            owner_.waiter_ = this;
            node_->wait_on(*this, frame);
            return true;
        }
        std::optional<Completed<T>> await_resume() {
            if (cancelled_) throw CancelledError("cancelled while waiting in as_completed().next()");
            if (owner_.finished_.empty()) return std::nullopt;
            const std::size_t index = owner_.finished_.front();
            owner_.finished_.pop_front();
            ++owner_.given_;
            auto& task = owner_.handles_[index].node();
            if constexpr (std::is_void_v<T>) {
                task.result(true);
                return Completed<void>{index};
            } else {
                return Completed<T>{index, task.result(true)};
            }
        }

    private:
        friend class AsCompleted;
        void cancel() noexcept override {
            cancelled_ = true;
            owner_.waiter_ = nullptr;
            node_->wake();
        }
        std::string describe() const override { return "as_completed(): waiting for the next task"; }
        AsCompleted& owner_;
        detail::TaskNode* node_ = nullptr;
        bool cancelled_ = false;
    };
    NextAwaiter next() { return NextAwaiter{*this}; }

private:
    // Cancels the tasks not finished yet and stops listening to them.
    void abandon() noexcept {
        for (auto& handle : handles_) {
            if (!handle.done()) {
                handle.node().owner = nullptr;
                handle.cancel();
            }
        }
    }
    void task_finished(detail::SpawnedTaskBase& task) noexcept override {
        finished_.push_back(task.index());
        if (waiter_ != nullptr) std::exchange(waiter_, nullptr)->node_->wake();
    }

    std::vector<TaskHandle<T>> handles_;
    std::deque<std::size_t> finished_;
    std::size_t given_ = 0;
    NextAwaiter* waiter_ = nullptr;
};

template <class T>
AsCompleted<T> as_completed(std::vector<Task<T>> tasks) {
    return AsCompleted<T>(std::move(tasks));  // not movable: built in place
}

}  // namespace agentio
