// error_of.hpp: the message of the exception a piece of code must throw.
#pragma once

#include <gtest/gtest.h>

#include <string>

namespace agentio::testkit {

// Runs f, which must throw E, and returns the message.
template <class E, class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const E& e) {
        return e.what();
    }
    ADD_FAILURE() << "no exception thrown";
    return {};
}

}  // namespace agentio::testkit
