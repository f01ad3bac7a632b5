// parse_error_of.hpp: what the codec's tests share: the status and message
// of the ParseError an action throws.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "agentio/http/parse_error.hpp"

namespace agentio::http::testing {

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

}  // namespace agentio::http::testing
