// context.cpp: copy-on-write set() and the current context lookup.
#include "agentio/core/context.hpp"

#include "agentio/core/detail/task_node.hpp"

namespace agentio::detail {

namespace {
thread_local ContextRef thread_context;
}

void ContextRef::set(const void* key, std::shared_ptr<const void> value) {
    if (data_ == nullptr || data_->refs > 1) {
        // Shared with a parent or a child: copy before writing.
        auto* copy = new ContextData;
        if (data_ != nullptr) copy->entries = data_->entries;
        copy->refs = 1;
        release();
        data_ = copy;
    }
    for (auto& e : data_->entries) {
        if (e.key == key) {
            e.value = std::move(value);
            return;
        }
    }
    data_->entries.push_back({key, std::move(value)});
}

ContextRef ContextRef::clone() const {
    ContextRef copy;
    if (data_ != nullptr) {
        copy.data_ = new ContextData;
        copy.data_->entries = data_->entries;
        copy.data_->refs = 1;
    }
    return copy;
}

ContextRef& current_context() noexcept {
    if (TaskNode* node = TaskNode::running()) return node->context;
    return thread_context;
}

ThreadContextScope::ThreadContextScope(const ContextRef& context) : saved_(std::move(thread_context)) {
    thread_context = context.clone();
}

ThreadContextScope::~ThreadContextScope() { thread_context = std::move(saved_); }

}  // namespace agentio::detail
