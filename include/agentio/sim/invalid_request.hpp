// invalid_request.hpp: sim::InvalidRequest, a request the API would refuse.
//
// The simulator answers it as the API does: 400, type invalid_request_error,
// with the parameter at fault and, when the API has one, a code. The parts
// that read a request (response_format, tool_choice and tools) throw their
// own subclass, and the chat route answers them all in one place.
#pragma once

#include <optional>
#include <string>

#include "agentio/core/errors.hpp"

namespace agentio::sim {

class InvalidRequest : public Error {
public:
    InvalidRequest(const std::string& message, std::string param, std::optional<std::string> code = std::nullopt)
        : Error(message), param_(std::move(param)), code_(std::move(code)) {}

    const std::string& param() const noexcept { return param_; }
    const std::optional<std::string>& code() const noexcept { return code_; }

private:
    std::string param_;
    std::optional<std::string> code_;
};

}  // namespace agentio::sim
