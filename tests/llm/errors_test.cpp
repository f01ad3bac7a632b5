// errors_test.cpp: what ApiError's message says, and what it never says.
#include "agentio/llm/errors.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace llm = agentio::llm;
using ::testing::HasSubstr;

TEST(ApiError, NamesStatusCodeMessageTypeAndParam) {
    llm::ApiErrorBody body;
    body.status = 400;
    body.message = "Invalid value for 'temperature'";
    body.type = "invalid_request_error";
    body.param = "temperature";
    body.code = "invalid_value";
    const llm::ApiError error(body);
    EXPECT_EQ(std::string(error.what()),
              "400 invalid_value: Invalid value for 'temperature' (type=invalid_request_error, param=temperature)");
    EXPECT_EQ(error.status(), 400);
    EXPECT_EQ(error.param(), "temperature");
}

TEST(ApiError, AnEmptyBodyStillGivesAReadableMessage) {
    llm::ApiErrorBody body;
    body.status = 503;
    EXPECT_EQ(std::string(llm::ApiError(body).what()), "503: (no message)");
}

TEST(ApiError, MasksSecretKeysButNotTheApisOwnMaskedForm) {
    llm::ApiErrorBody body;
    body.status = 401;
    body.message = "Incorrect API key provided: sk-proj-********************************************Ab3d. "
                   "Short sk-abc and task-sk-abcdefghijklmnopqrstuvwxyz are not keys.";
    EXPECT_EQ(llm::ApiError(body).message(), body.message);
}

TEST(ApiError, MasksSecretKeysTheServerEchoed) {
    llm::ApiErrorBody body;
    body.status = 401;
    body.message = "Invalid key sk-abcdefghijklmnopqrstuvwxyz0123456789WXYZ for this proxy";
    body.type = "auth";
    body.request_id = "req_123";
    const llm::ApiError error(body);
    EXPECT_EQ(error.message(), "Invalid key sk-***WXYZ for this proxy");
    EXPECT_EQ(std::string(error.what()), "401: Invalid key sk-***WXYZ for this proxy (type=auth) [request id req_123]");
}

TEST(ApiError, AnErrorEventInsideAStreamSaysSoInsteadOfAStatus) {
    llm::ApiErrorBody in_stream;
    in_stream.message = "m";
    in_stream.code = "server_error";
    EXPECT_THAT(llm::ApiError(in_stream).what(), HasSubstr("error event in stream server_error: m"));
}
