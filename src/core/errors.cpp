// errors.cpp: ExceptionGroup's message, describe() and is_cancellation().
#include "agentio/core/errors.hpp"

namespace agentio {

namespace {
std::string group_message(const std::string& head, const std::vector<std::exception_ptr>& errors) {
    std::string text = head + " (" + std::to_string(errors.size()) +
                       (errors.size() == 1 ? " sub-exception)" : " sub-exceptions)");
    for (const auto& e : errors) text += "\n  - " + describe(e);
    return text;
}
}  // namespace

ExceptionGroup::ExceptionGroup(std::string message, std::vector<std::exception_ptr> exceptions)
    : Error(group_message(message, exceptions)), exceptions_(std::move(exceptions)) {}

std::string describe(const std::exception_ptr& error) {
    if (!error) return "no exception";
    try {
        std::rethrow_exception(error);
    } catch (const CancelledError& e) {
        return std::string("CancelledError: ") + e.what();
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "unknown exception (not derived from std::exception)";
    }
}

namespace detail {
bool is_cancellation(const std::exception_ptr& error) noexcept {
    if (!error) return false;
    try {
        std::rethrow_exception(error);
    } catch (const CancelledError&) {
        return true;
    } catch (...) {
        return false;
    }
}
}  // namespace detail

}  // namespace agentio
