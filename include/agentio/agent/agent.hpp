// agent.hpp: agent::Agent, a model with instructions, tools and somewhere to
// hand the conversation to.
//
// compile-context: extern agent::Tool weather; extern llm::Client client;
//     agent::Agent assistant{.name = "assistant",
//                            .instructions = "Answer in one sentence; use the tools.",
//                            .model = "gpt-4o-mini",
//                            .tools = {weather}};
//     agent::RunResult result = co_await agent::run(client, assistant, "Weather in Paris?");
//
// An Agent is a plain value: it holds no connection and no conversation, so
// one definition serves any number of concurrent runs. Handoffs name other
// agents by shared_ptr so that a triage agent and its specialists can be
// defined once and shared; a cycle of handoffs (A to B and back) is allowed and
// lives as long as the agents do.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agentio/agent/describe.hpp"
#include "agentio/agent/guardrail.hpp"
#include "agentio/agent/tool.hpp"

namespace agentio::agent {

// Sampling settings sent with every model call of an agent (unset: not sent).
struct ModelSettings {
    std::optional<double> temperature{};
    std::optional<double> top_p{};
    std::optional<int> max_tokens{};  // max_completion_tokens
    std::optional<std::int64_t> seed{};
    // false: at most one tool call per turn. Unset: the model decides.
    std::optional<bool> parallel_tool_calls{};
    // null: not sent; "auto", "none", "required" or {"type":"function",...}.
    Json tool_choice{};
};

// The JSON shape of an agent's final output: the request asks for it as a
// json_schema response format, and the run validates the reply against it.
struct OutputType {
    std::string name;  // the schema's name in the request
    Json schema;
    // Validates a final output's text; throws SchemaError naming what is wrong.
    std::function<void(std::string_view)> validate;

    // The output type of a described struct; read the result back with
    // RunResult::final_output_as<T>().
    template <class T>
    static OutputType of(std::string name = "output") {
        return OutputType{std::move(name), schema_of<T>(true), [](std::string_view text) { (void)parse<T>(text); }};
    }
};

struct Agent;

// An agent this one may hand the conversation to: offered to the model as a
// tool named "transfer_to_<name>" (or `tool_name`).
struct Handoff {
    std::shared_ptr<const Agent> agent;
    std::string tool_name{};    // default: transfer_to_<agent name>
    std::string description{};  // default: "Hand off to <name>: <instructions' first line>"
};

struct Agent {
    std::string name;
    std::string instructions{};  // the system message
    std::string model{};         // empty: gpt-4o-mini
    std::vector<Tool> tools{};
    std::vector<Handoff> handoffs{};
    std::optional<OutputType> output_type{};
    ModelSettings model_settings{};
    // Checked when this agent starts a run / gives the final output (guardrail.hpp).
    std::vector<InputGuardrail> input_guardrails{};
    std::vector<OutputGuardrail> output_guardrails{};

    // This agent as a tool of another (agents-as-tools): the tool runs this
    // agent on the input the calling model gives and returns its final output.
    // The caller keeps the conversation; nothing is handed off.
    Tool as_tool(std::string tool_name, std::string description) const;
};

}  // namespace agentio::agent
