// errors.hpp: what the agent layer throws.
//
// Every error derives from agentio::Error. A run stops with one of these for
// a reason of its own (a limit, a guardrail); what goes wrong inside a tool
// never stops a run: it becomes the tool's result, which the model reads.
#pragma once

#include <string>

#include "agentio/core/errors.hpp"

namespace agentio::agent {

class AgentError : public Error {
public:
    using Error::Error;
};

// A value did not match its schema: tool arguments or a typed output. The
// message names the path ("unit: expected a string, got 42").
class SchemaError : public AgentError {
public:
    using AgentError::AgentError;
};

// The run reached RunOptions::max_turns model calls without a final output.
class MaxTurnsExceeded : public AgentError {
public:
    using AgentError::AgentError;
};

// The run's token or dollar budget was spent before it ended.
class BudgetExceeded : public AgentError {
public:
    using AgentError::AgentError;
};

// The model's final output did not validate against the agent's output type,
// even after the corrective retry.
class OutputValidationError : public AgentError {
public:
    using AgentError::AgentError;
};

}  // namespace agentio::agent
