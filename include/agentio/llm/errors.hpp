// errors.hpp: the errors the LLM client throws.
//
// An HTTP error status becomes ApiError (RateLimitError for 429), carrying the
// fields of the OpenAI error body {"error": {"message", "type", "param",
// "code"}} when the body has them. Connection failures and timeouts surface as
// the net/http errors (net::ConnectionError, net::UnexpectedEof,
// agentio::TimeoutError), except the two timeouts only this layer has:
// FirstTokenTimeout and StreamIdleTimeout. A stream the server broke mid-way
// is StreamError, never a short success. No message ever contains the API key.
#pragma once

#include <optional>
#include <string>

#include "agentio/core/clock.hpp"
#include "agentio/core/errors.hpp"

namespace agentio::llm {

struct ApiErrorBody {
    int status = 0;
    std::string message;
    std::string type;
    std::string param;
    std::string code;
    std::string request_id;  // x-request-id header, when sent
};

class ApiError : public Error {
public:
    explicit ApiError(ApiErrorBody body);
    int status() const noexcept { return body_.status; }
    const std::string& message() const noexcept { return body_.message; }
    const std::string& type() const noexcept { return body_.type; }
    const std::string& param() const noexcept { return body_.param; }
    const std::string& code() const noexcept { return body_.code; }
    const std::string& request_id() const noexcept { return body_.request_id; }
    const ApiErrorBody& body() const noexcept { return body_; }

private:
    ApiErrorBody body_;
};

// HTTP 429. `retry_after` is what the server asked for, if it said.
class RateLimitError : public ApiError {
public:
    RateLimitError(ApiErrorBody body, std::optional<Duration> retry_after)
        : ApiError(std::move(body)), retry_after_(retry_after) {}
    std::optional<Duration> retry_after() const noexcept { return retry_after_; }

private:
    std::optional<Duration> retry_after_;
};

// The stream's first content did not arrive within first_token_timeout.
class FirstTokenTimeout : public TimeoutError {
public:
    using TimeoutError::TimeoutError;
};

// No chunk arrived within idle_timeout once the stream had started.
class StreamIdleTimeout : public TimeoutError {
public:
    using TimeoutError::TimeoutError;
};

// The response could not be read as the API defines it: a malformed chunk, a
// body that is not the JSON expected, a stream that ended without [DONE].
class StreamError : public Error {
public:
    using Error::Error;
};

}  // namespace agentio::llm
