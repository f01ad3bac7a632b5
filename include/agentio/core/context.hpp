// context.hpp: task-local context (ContextVar), like Python's contextvars.
//
// Each task has a context: an immutable map from ContextVar to value. A task
// created by create_task, gather, TaskGroup, map_concurrent ... starts with a
// snapshot of its creator's context, so a trace id or a tenant set before
// spawning is seen by every child, while a child's own set() is seen only by
// the child and its descendants. to_thread() runs the function with the
// caller's context too.
//
// Copy-on-write: set() copies the (small) map once if it is shared; spawning a
// child only bumps a count. Counts are not atomic: a context is created, shared
// and released on its loop's thread only; a to_thread worker reads a context
// that its job keeps alive.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace agentio {
namespace detail {

class ContextData {
public:
    struct Entry {
        const void* key;
        std::shared_ptr<const void> value;
    };
    std::vector<Entry> entries;
    long refs = 0;
};

// A counted reference to an immutable ContextData (null means empty).
class ContextRef {
public:
    ContextRef() noexcept = default;
    ContextRef(const ContextRef& other) noexcept : data_(other.data_) { acquire(); }
    ContextRef(ContextRef&& other) noexcept : data_(std::exchange(other.data_, nullptr)) {}
    ContextRef& operator=(ContextRef other) noexcept {
        std::swap(data_, other.data_);
        return *this;
    }
    ~ContextRef() { release(); }

    const void* find(const void* key) const noexcept {
        if (data_ == nullptr) return nullptr;
        for (const auto& e : data_->entries)
            if (e.key == key) return e.value.get();
        return nullptr;
    }
    void set(const void* key, std::shared_ptr<const void> value);
    // A private copy, made without touching this context's count: safe on a
    // worker thread while the owner keeps the original alive.
    ContextRef clone() const;

private:
    void acquire() noexcept {
        if (data_ != nullptr) ++data_->refs;
    }
    void release() noexcept {
        if (data_ != nullptr && --data_->refs == 0) delete data_;
    }
    ContextData* data_ = nullptr;
};

// The context of the code running now: the running task's, else this thread's.
ContextRef& current_context() noexcept;

// Makes `context` current on this (worker) thread for the lifetime of the scope.
class ThreadContextScope {
public:
    explicit ThreadContextScope(const ContextRef& context);
    ~ThreadContextScope();
    ThreadContextScope(const ThreadContextScope&) = delete;
    ThreadContextScope& operator=(const ThreadContextScope&) = delete;

private:
    ContextRef saved_;
};

}  // namespace detail

// A task-local variable. Declare it once (usually as a global) and get/set it
// from any task:
//     inline agentio::ContextVar<std::string> trace_id{"trace_id"};
//     trace_id.set("req-42");           // seen by tasks spawned after this
//     std::string id = trace_id.get_or("-");
template <class T>
class ContextVar {
public:
    explicit ContextVar(std::string name) : name_(std::move(name)) {}
    ContextVar(const ContextVar&) = delete;
    ContextVar& operator=(const ContextVar&) = delete;

    const std::string& name() const noexcept { return name_; }

    // The value in the current context, or null if it was never set there.
    const T* get() const noexcept { return static_cast<const T*>(detail::current_context().find(this)); }
    T get_or(T fallback) const {
        const T* value = get();
        return value != nullptr ? *value : std::move(fallback);
    }
    void set(T value) { detail::current_context().set(this, std::make_shared<const T>(std::move(value))); }

private:
    std::string name_;
};

}  // namespace agentio
