// task.hpp: Task<T>, the lazy coroutine type, like a Python coroutine object.
//
// A Task does nothing until it is awaited (or handed to create_task, gather, run
// ...). It is move-only and is consumed by being awaited or handed on: awaiting
// a moved-from or already awaited Task throws InvalidStateError instead of
// being undefined. (Nothing is written into a frame before it first runs, so
// launching many tasks does not touch their frames twice.)
//
// Control transfer without stack growth. Every resumption of a coroutine frame
// happens in one loop, the trampoline run by TaskNode::step(): awaiting a Task
// stores the child as "next" and suspends the parent; a finishing Task stores
// its parent as "next". The frame on the native stack therefore returns to the
// trampoline before the next one starts, so a loop of a million synchronously
// completing awaits, or a recursion a million tasks deep, runs in constant stack
// at -O0 on g++ as on clang. (Returning the handle from await_suspend, the usual
// symmetric transfer, is only a tail call when the compiler makes it one; g++
// does not at -O0/-O1.)
//
// Frames come from the per-thread recycling allocator (frame_allocator.hpp).
#pragma once

#include <coroutine>
#include <exception>
#include <type_traits>
#include <utility>
#include <variant>

#include "agentio/core/detail/frame_allocator.hpp"
#include "agentio/core/errors.hpp"

namespace agentio {

template <class T = void>
class Task;

namespace detail {

// The frame the trampoline resumes after the running frame suspends; null ends
// the step (the task now waits for something, or has finished).
inline thread_local std::coroutine_handle<> trampoline_next;

class PromiseBase {
public:
    std::suspend_always initial_suspend() const noexcept { return {}; }

    struct FinalAwaiter {
        bool await_ready() const noexcept { return false; }
        template <class Promise>
        void await_suspend(std::coroutine_handle<Promise> self) const noexcept {
            trampoline_next = self.promise().continuation_;
        }
        void await_resume() const noexcept {}
    };
    FinalAwaiter final_suspend() const noexcept { return {}; }

    static void* operator new(std::size_t size) { return allocate_frame(size); }
    static void operator delete(void* frame, std::size_t size) noexcept { deallocate_frame(frame, size); }

    void set_continuation(std::coroutine_handle<> parent) noexcept { continuation_ = parent; }

private:
    std::coroutine_handle<> continuation_;  // the awaiting frame; null for a task's root frame
};

// Where a finished frame keeps its outcome until someone takes it.
template <class T>
class Promise final : public PromiseBase {
public:
    Task<T> get_return_object() noexcept;
    // U defaults to T so that `co_return {...};` builds a T, as `return {...};` would.
    template <class U = T>
    void return_value(U&& value) noexcept(std::is_nothrow_constructible_v<T, U&&>) {
        result_.template emplace<1>(std::forward<U>(value));
    }
    void unhandled_exception() noexcept { result_.template emplace<2>(std::current_exception()); }

    bool has_error() const noexcept { return result_.index() == 2; }
    std::exception_ptr error() const noexcept { return has_error() ? std::get<2>(result_) : nullptr; }
    T take_result() {
        if (result_.index() == 2) std::rethrow_exception(std::get<2>(result_));
        return std::move(std::get<1>(result_));
    }
    const T& peek_result() const {
        if (result_.index() == 2) std::rethrow_exception(std::get<2>(result_));
        return std::get<1>(result_);
    }

private:
    std::variant<std::monostate, T, std::exception_ptr> result_;
};

template <>
class Promise<void> final : public PromiseBase {
public:
    Task<void> get_return_object() noexcept;
    void return_void() noexcept {}
    void unhandled_exception() noexcept { error_ = std::current_exception(); }

    bool has_error() const noexcept { return error_ != nullptr; }
    std::exception_ptr error() const noexcept { return error_; }
    void take_result() const {
        if (error_) std::rethrow_exception(error_);
    }
    void peek_result() const { take_result(); }

private:
    std::exception_ptr error_;
};

}  // namespace detail

template <class T>
class [[nodiscard]] Task {
public:
    using promise_type = detail::Promise<T>;
    using value_type = T;
    using Handle = std::coroutine_handle<promise_type>;

    Task() noexcept = default;
    explicit Task(Handle frame) noexcept : frame_(frame) {}
    Task(Task&& other) noexcept : frame_(std::exchange(other.frame_, {})) {}
    Task& operator=(Task&& other) noexcept {
        if (this != &other) {
            destroy();
            frame_ = std::exchange(other.frame_, {});
        }
        return *this;
    }
    Task(const Task&) = delete;
    Task& operator=(const Task&) = delete;
    ~Task() { destroy(); }

    // True if this Task holds a coroutine (it was not moved from).
    bool valid() const noexcept { return static_cast<bool>(frame_); }
    // True once the coroutine has run to its end (value or exception).
    bool done() const noexcept { return frame_ && frame_.done(); }

    // Awaiting takes the frame over: the Task is empty afterwards (a second
    // await is an InvalidStateError), and the frame dies with the awaiter at
    // the end of the co_await expression, its result taken.
    class Awaiter {
    public:
        explicit Awaiter(Handle frame) noexcept : frame_(frame) {}
        Awaiter(Awaiter&& other) noexcept : frame_(std::exchange(other.frame_, {})) {}
        Awaiter(const Awaiter&) = delete;
        Awaiter& operator=(const Awaiter&) = delete;
        ~Awaiter() {
            if (frame_) frame_.destroy();
        }
        bool await_ready() const {
            if (!frame_) throw InvalidStateError("co_await on an empty Task (moved from, or already awaited)");
            return false;
        }
        void await_suspend(std::coroutine_handle<> parent) const noexcept {
            frame_.promise().set_continuation(parent);
            detail::trampoline_next = frame_;
        }
        T await_resume() const { return frame_.promise().take_result(); }

    private:
        Handle frame_;
    };
    Awaiter operator co_await() & noexcept { return Awaiter{std::exchange(frame_, {})}; }
    Awaiter operator co_await() && noexcept { return Awaiter{std::exchange(frame_, {})}; }

    // For the runtime: the frame, and a way to take it over as a task's root.
    Handle handle() const noexcept { return frame_; }
    Handle release() noexcept { return std::exchange(frame_, {}); }

private:
    void destroy() noexcept {
        if (frame_) frame_.destroy();
    }
    Handle frame_;
};

namespace detail {
template <class T>
Task<T> Promise<T>::get_return_object() noexcept {
    return Task<T>{std::coroutine_handle<Promise<T>>::from_promise(*this)};
}
inline Task<void> Promise<void>::get_return_object() noexcept {
    return Task<void>{std::coroutine_handle<Promise<void>>::from_promise(*this)};
}

template <class>
struct IsTask : std::false_type {};
template <class T>
struct IsTask<Task<T>> : std::true_type {};
}  // namespace detail

template <class T>
inline constexpr bool is_task_v = detail::IsTask<std::remove_cvref_t<T>>::value;

}  // namespace agentio
