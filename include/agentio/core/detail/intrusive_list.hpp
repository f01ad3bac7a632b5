// intrusive_list.hpp: IntrusiveList<T>, the doubly-linked list behind the
// runtime's waiter queues, timer list, completion listeners and task registry.
//
// The links live in the items (T derives from IntrusiveLink<T>), so linking
// never allocates and an item removes itself in O(1) from wherever it is:
// what cancellation needs. An item is in at most one list per link; the list
// does not own its items.
#pragma once

#include <cstddef>

namespace agentio::detail {

template <class T>
class IntrusiveList;

template <class T>
class IntrusiveLink {
protected:
    ~IntrusiveLink() = default;

private:
    friend class IntrusiveList<T>;
    T* prev_ = nullptr;
    T* next_ = nullptr;
};

template <class T>
class IntrusiveList {
public:
    bool empty() const noexcept { return head_ == nullptr; }
    std::size_t size() const noexcept { return size_; }
    T* front() const noexcept { return head_; }
    T* back() const noexcept { return tail_; }
    // True if `item` is in this list (given that it is in no other list of T).
    bool holds(const T& item) const noexcept {
        return link(item).prev_ != nullptr || link(item).next_ != nullptr || head_ == &item;
    }
    // The item after `item` (null at the end).
    static T* next(const T& item) noexcept { return link(item).next_; }

    void push_back(T& item) noexcept {
        link(item).prev_ = tail_;
        link(item).next_ = nullptr;
        if (tail_ != nullptr) link(*tail_).next_ = &item;
        else head_ = &item;
        tail_ = &item;
        ++size_;
    }
    // Precondition: `item` is in this list.
    void remove(T& item) noexcept {
        IntrusiveLink<T>& l = link(item);
        if (l.prev_ != nullptr) link(*l.prev_).next_ = l.next_;
        else head_ = l.next_;
        if (l.next_ != nullptr) link(*l.next_).prev_ = l.prev_;
        else tail_ = l.prev_;
        l.prev_ = l.next_ = nullptr;
        --size_;
    }

private:
    static IntrusiveLink<T>& link(T& item) noexcept { return item; }
    static const IntrusiveLink<T>& link(const T& item) noexcept { return item; }

    T* head_ = nullptr;
    T* tail_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace agentio::detail
