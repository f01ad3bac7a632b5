// guardrail.cpp: the message of a tripped guardrail.
#include "agentio/agent/guardrail.hpp"

namespace agentio::agent {

GuardrailTripped::GuardrailTripped(std::string guardrail, GuardrailResult result, const char* kind)
    : AgentError(std::string(kind) + " guardrail '" + guardrail + "' tripped" +
                 (result.info.empty() ? std::string() : ": " + result.info)),
      guardrail_(std::move(guardrail)),
      result_(std::move(result)) {}

}  // namespace agentio::agent
