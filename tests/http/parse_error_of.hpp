// parse_error_of.hpp: what the codec's tests share: the status and message
// of the ParseError an action throws, and the lenient limits.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "agentio/http/limits.hpp"
#include "agentio/http/parse_error.hpp"

namespace agentio::http::testkit {

// {status, message} of the ParseError that `action` throws; a test failure
// and {0, ""} if it throws none.
template <class Action>
std::pair<int, std::string> parse_error_of(Action&& action) {
    try {
        action();
    } catch (const ParseError& error) {
        return {error.status(), error.what()};
    }
    ADD_FAILURE() << "no ParseError was thrown";
    return {0, ""};
}

// Limits that accept what the tolerant mode accepts.
inline Limits lenient() {
    Limits limits;
    limits.lenient = true;
    return limits;
}

}  // namespace agentio::http::testkit
