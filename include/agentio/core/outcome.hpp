// outcome.hpp: Outcome<T>, a finished task's value or exception.
//
// What gather(return_exceptions, ...) stores in each slot instead of throwing,
// like the exception objects in the list that asyncio.gather(...,
// return_exceptions=True) returns, and what capture(work) gives (capture.hpp).
// An Outcome may hold a CancelledError: cancelled() tells, and value()
// rethrows it like any other exception.
#pragma once

#include <exception>
#include <type_traits>
#include <utility>
#include <variant>

#include "agentio/core/errors.hpp"

namespace agentio {

template <class T>
class Outcome {
public:
    explicit Outcome(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    explicit Outcome(std::exception_ptr error) : state_(std::in_place_index<1>, std::move(error)) {}

    bool has_value() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }
    // The value; rethrows the exception if there is one.
    T& value() & {
        if (!has_value()) std::rethrow_exception(std::get<1>(state_));
        return std::get<0>(state_);
    }
    T&& value() && { return std::move(value()); }
    std::exception_ptr error() const noexcept { return has_value() ? nullptr : std::get<1>(state_); }
    // True if the exception is a CancelledError.
    bool cancelled() const noexcept { return detail::is_cancellation(error()); }

private:
    std::variant<T, std::exception_ptr> state_;
};

template <>
class Outcome<void> {
public:
    Outcome() = default;
    explicit Outcome(std::exception_ptr error) : error_(std::move(error)) {}

    bool has_value() const noexcept { return error_ == nullptr; }
    explicit operator bool() const noexcept { return has_value(); }
    void value() const {
        if (error_) std::rethrow_exception(error_);
    }
    std::exception_ptr error() const noexcept { return error_; }
    bool cancelled() const noexcept { return detail::is_cancellation(error_); }

private:
    std::exception_ptr error_;
};

// Tells gather() to return an Outcome per task instead of throwing.
struct ReturnExceptions {
    explicit ReturnExceptions() = default;
};
inline constexpr ReturnExceptions return_exceptions{};

// The value type that stands for `void` where a value is needed (a gather tuple slot).
template <class T>
using value_or_monostate_t = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

}  // namespace agentio
