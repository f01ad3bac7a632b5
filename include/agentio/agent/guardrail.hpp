// guardrail.hpp: checks that stop a run: on its input, beside the first model
// call, and on its final output.
//
// compile-context: bool mentions_homework(const std::vector<llm::Message>& input);
//     agent::InputGuardrail no_homework{"no_homework",
//         [](const std::vector<llm::Message>& input) -> Task<agent::GuardrailResult> {
//             co_return {.tripwire_triggered = mentions_homework(input), .info = "homework"};
//         }};
//     agent::Agent tutor{.name = "tutor", .input_guardrails = {no_homework}};
//
// As in the OpenAI Agents SDK:
// - the input guardrails of the run's first agent run concurrently with its
//   first model call; one that trips cancels that call (and the other checks)
//   and the run throws InputGuardrailTripped: no tool has run, no output was
//   given;
// - the output guardrails of the agent that gives the final output check it
//   before the run returns; one that trips throws OutputGuardrailTripped;
// - a check that throws fails the run with its exception: a guardrail that
//   cannot decide must not let the run through.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "agentio/agent/errors.hpp"
#include "agentio/core/task.hpp"
#include "agentio/llm/message.hpp"

namespace agentio::agent {

struct GuardrailResult {
    bool tripwire_triggered = false;
    std::string info{};  // why, for the error and the trace
};

struct InputGuardrail {
    std::string name;
    std::function<Task<GuardrailResult>(const std::vector<llm::Message>& input)> check;
};

struct OutputGuardrail {
    std::string name;
    std::function<Task<GuardrailResult>(const std::string& output)> check;
};

// A guardrail tripped; what() names it and its info.
class GuardrailTripped : public AgentError {
public:
    GuardrailTripped(std::string guardrail, GuardrailResult result, const char* kind);
    const std::string& guardrail() const noexcept { return guardrail_; }
    const GuardrailResult& result() const noexcept { return result_; }

private:
    std::string guardrail_;
    GuardrailResult result_;
};

class InputGuardrailTripped : public GuardrailTripped {
public:
    InputGuardrailTripped(std::string guardrail, GuardrailResult result)
        : GuardrailTripped(std::move(guardrail), std::move(result), "input") {}
};

class OutputGuardrailTripped : public GuardrailTripped {
public:
    OutputGuardrailTripped(std::string guardrail, GuardrailResult result)
        : GuardrailTripped(std::move(guardrail), std::move(result), "output") {}
};

}  // namespace agentio::agent
