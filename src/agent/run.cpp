// run.cpp: the agent loop (run.hpp), and agents called as tools.
//
// A Runner is one run: the conversation, the items, the current agent. Every
// run of a tree (a run and the runs of the agents it calls as tools) shares one
// Budget, which nested runs find through a task-local variable that each tool
// call's task sets for itself: the caller's context is never touched. A
// durable run's journal (journal.hpp) is shared the same way, each nested run
// keying its steps under the tool call that runs it.
#include "agentio/agent/run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <type_traits>

#include "agentio/agent/errors.hpp"
#include "agentio/core/capture.hpp"
#include "agentio/core/context.hpp"
#include "agentio/core/gather.hpp"
#include "agentio/core/timeout.hpp"
#include "agentio/llm/wire.hpp"
#include "agentio/agent/tracing.hpp"
#include "run_journal.hpp"
#include "run_observed.hpp"

namespace agentio::agent {

static_assert(std::is_trivially_copyable_v<RunOptions>, "see the comment on RunOptions");

namespace {

using detail::messages_to_json;
using detail::read_entry;
using detail::recorded_input;
using detail::save_to_session;
using detail::tool_entry;
using detail::usage_from_json;
using detail::usage_to_json;

// The totals of a run tree, checked against its budget after each model call.
struct Budget {
    RunOptions limits;
    llm::Usage usage;
    double cost = 0;

    void spend(const llm::Usage& call_usage, double call_cost) {
        usage += call_usage;
        cost += call_cost;
        if (limits.max_total_tokens && usage.total_tokens > *limits.max_total_tokens)
            throw BudgetExceeded(fmt::format("the run used {} tokens, over its budget of {}", usage.total_tokens,
                                             *limits.max_total_tokens));
        if (limits.max_cost && cost > *limits.max_cost)
            throw BudgetExceeded(fmt::format("the run cost ${:.6f}, over its budget of ${:.6f}", cost, *limits.max_cost));
    }
};

// What a tool call's task knows about the run that made it. Not an aggregate
// on purpose: g++ 12 copies an aggregate argument built in a coroutine into
// the called coroutine bitwise, and these strings would point into the
// caller's frame.
struct RunScope {
    RunScope() = default;
    RunScope(llm::Client* client, std::shared_ptr<Budget> budget, std::shared_ptr<detail::Journal> journal,
             std::string step_key, Tracer* tracer, SpanContext span)
        : client(client),
          budget(std::move(budget)),
          journal(std::move(journal)),
          step_key(std::move(step_key)),
          tracer(tracer),
          span(std::move(span)) {}

    llm::Client* client = nullptr;
    std::shared_ptr<Budget> budget;
    std::shared_ptr<detail::Journal> journal;  // null unless the run is durable
    std::string step_key;                      // the tool call's journal key
    Tracer* tracer = nullptr;                  // null unless the run is traced
    SpanContext span;                          // the tool call's span
};

// ---- tracing ----

// A low-cardinality name for what ended a span (OTel's error.type).
std::string error_type(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const MaxTurnsExceeded&) {
        return "max_turns_exceeded";
    } catch (const BudgetExceeded&) {
        return "budget_exceeded";
    } catch (const GuardrailTripped&) {
        return "guardrail_tripped";
    } catch (const OutputValidationError&) {
        return "output_validation_error";
    } catch (const TimeoutError&) {
        return "timeout";
    } catch (const CancelledError&) {
        return "cancelled";
    } catch (...) {
        return "error";
    }
}

void set_usage(Span& span, const llm::Usage& usage) {
    span.set("gen_ai.usage.input_tokens", usage.prompt_tokens);
    span.set("gen_ai.usage.output_tokens", usage.completion_tokens);
}

ContextVar<RunScope>& run_scope() {
    static ContextVar<RunScope> scope("agentio.agent.run");
    return scope;
}

std::string handoff_tool_name(const Handoff& handoff) {
    if (!handoff.tool_name.empty()) return handoff.tool_name;
    std::string name = "transfer_to_";
    for (char c : handoff.agent->name) name += (std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_');
    return name;
}

llm::Tool handoff_definition(const Handoff& handoff) {
    llm::Tool tool;
    tool.name = handoff_tool_name(handoff);
    tool.description = handoff.description;
    if (tool.description.empty()) {
        const std::string& instructions = handoff.agent->instructions;
        tool.description = "Hand off to the " + handoff.agent->name + " agent to handle the request. " +
                           instructions.substr(0, instructions.find('\n'));
    }
    tool.parameters = {{"type", "object"}, {"properties", Json::object()}, {"required", Json::array()}};
    tool.parameters["additionalProperties"] = false;
    tool.strict = true;
    return tool;
}

Task<ToolResult> invoke_in_run(Tool tool, const llm::ToolCall& call, RunScope scope) {
    std::shared_ptr<detail::Journal> journal = scope.journal;
    std::string key = scope.step_key;
    Span span;
    if (scope.tracer != nullptr) {  // an untraced run builds no attributes
        llm::Json attributes = {{"gen_ai.operation.name", "execute_tool"},
                                {"gen_ai.tool.name", call.name},
                                {"gen_ai.tool.call.id", call.id},
                                {"gen_ai.tool.type", "function"}};
        span = scope.tracer->start("execute_tool " + call.name, scope.span, std::move(attributes));
        scope.span = span.context();
    }
    run_scope().set(std::move(scope));  // this call's own task: nested runs find their parent here
    ToolResult result = co_await tool.invoke(call.arguments);
    if (result.is_error) span.fail("tool_error", result.content);
    span.end();
    if (!journal) co_return result;
    llm::Json entry = tool_entry(key, result);
    co_await journal->record(std::move(entry));
    co_return result;
}

class Runner {
public:
    // `journal` (may be null) keeps this run's steps under `key_prefix`.
    // `tracer` (may be null) records the run's spans under `parent`.
    Runner(llm::Client& client, const Agent& agent, const RunOptions& options, std::shared_ptr<Budget> budget,
           std::shared_ptr<detail::Journal> journal, std::string key_prefix, Tracer* tracer, SpanContext parent,
           EventSink emit)
        : client_(client),
          agent_(&agent),
          options_(options),
          budget_(std::move(budget)),
          journal_(std::move(journal)),
          key_prefix_(std::move(key_prefix)),
          tracer_(tracer),
          parent_span_(std::move(parent)),
          emit_(std::move(emit)) {}

    Task<RunResult> run(std::vector<llm::Message> input) {
        result_.messages = std::move(input);
        agent_span_ = start_agent_span();
        // The agents a handoff brings in belong to the same trace.
        if (parent_span_.trace_id.empty()) parent_span_.trace_id = agent_span_.context().trace_id;
        try {
            bool finished = false;
            while (!finished && result_.turns < options_.max_turns) finished = co_await turn();
            if (!finished)
                throw MaxTurnsExceeded(fmt::format("agent '{}' reached max_turns ({}) without a final output",
                                                   agent_->name, options_.max_turns));
        } catch (const std::exception& e) {
            agent_span_.fail(error_type(std::current_exception()), e.what());
            throw;
        }
        RunResult result = finish();
        set_usage(agent_span_, result.usage);
        co_return result;
    }

private:
    // One model call and what follows from it: the tools it asked for, a
    // handoff, or the final output. True once the run has its final output.
    Task<bool> turn() {
        // (No co_await inside a conditional expression: g++ 12 destroys its
        // temporaries twice.)
        Task<llm::Message> call = result_.turns == 0 ? first_call() : call_model();
        const llm::Message message = co_await std::move(call);
        result_.messages.push_back(message);
        if (message.content && !message.content->empty()) add_item(RunItem::Kind::Message, *message.content);
        if (!message.tool_calls.empty()) {
            co_await run_tool_calls(message.tool_calls);
            co_return false;
        }
        std::string output = message.content.value_or(message.refusal.value_or(""));
        const std::optional<std::string> invalid = validation_error(output);
        if (!invalid) {
            co_await check_output(output);
            result_.final_output = std::move(output);
            result_.last_agent = agent_->name;
            co_return true;
        }
        if (corrected_) throw OutputValidationError("the final output of agent '" + agent_->name +
                                                    "' does not match its output type: " + *invalid);
        corrected_ = true;  // one corrective turn, then the error
        result_.messages.push_back(llm::Message::user(
            "Your reply does not match the required JSON schema: " + *invalid + ". Reply again with JSON that does."));
        co_return false;
    }

    llm::ChatRequest request() const {
        const Agent& agent = *agent_;
        llm::ChatRequest request;
        request.model = model();
        if (!agent.instructions.empty()) request.messages.push_back(llm::Message::system(agent.instructions));
        request.messages.insert(request.messages.end(), result_.messages.begin(), result_.messages.end());
        for (const Tool& tool : agent.tools) request.tools.push_back(tool.definition());
        for (const Handoff& handoff : agent.handoffs) request.tools.push_back(handoff_definition(handoff));
        const ModelSettings& settings = agent.model_settings;
        request.temperature = settings.temperature;
        request.top_p = settings.top_p;
        request.max_completion_tokens = settings.max_tokens;
        request.seed = settings.seed;
        if (!request.tools.empty()) {
            request.parallel_tool_calls = settings.parallel_tool_calls;
            request.tool_choice = settings.tool_choice;
        }
        if (agent.output_type) {
            request.response_format = {{"type", "json_schema"},
                                       {"json_schema",
                                        {{"name", agent.output_type->name}, {"schema", agent.output_type->schema}, {"strict", true}}}};
        }
        return request;
    }

    // The model's reply to this turn: replayed from the journal when an
    // earlier process recorded it, else asked for (and then recorded before
    // the budget is checked, so a replay stops where the first run stopped).
    Task<llm::Message> call_model() {
        ++result_.turns;
        const std::string key = journal_ ? turn_key() : std::string();
        Span span = start_chat_span();
        if (const llm::Json* recorded = journal_ ? journal_->find(key) : nullptr) {
            span.set("agentio.replayed", true);
            co_return replay_model_call(*recorded, span);
        }
        Task<llm::Recorded<llm::ChatResponse>> ask = emit_ ? call_model_streamed() : client_.chat_recorded(request());
        llm::Recorded<llm::ChatResponse> call = co_await std::move(ask);
        set_usage(span, call.record.usage);
        if (!call.outcome) {
            budget_->spend(call.record.usage, call.record.cost);  // a failed call may have cost tokens too
            span.fail(call.record.status != 0 ? std::to_string(call.record.status) : "error", call.record.error);
        }
        llm::ChatResponse reply = std::move(call.outcome).value();
        if (reply.choices.empty()) throw AgentError("the model's reply has no choices");
        span.set("gen_ai.response.model", reply.model);
        span.set("gen_ai.response.id", reply.id);
        span.set("gen_ai.response.finish_reasons", llm::Json::array({reply.choices.front().finish_reason}));
        span.end();
        llm::Message message = std::move(reply.choices.front().message);
        if (journal_) {
            llm::Json entry = {{"key", key},
                               {"agent", agent_->name},
                               {"message", llm::to_json_value(message)},
                               {"usage", usage_to_json(call.record.usage)},
                               {"cost", call.record.cost}};
            co_await journal_->record(std::move(entry));
        }
        budget_->spend(call.record.usage, call.record.cost);
        co_return message;
    }

    llm::Message replay_model_call(const llm::Json& entry, Span& span) {
        llm::Message message = read_entry(*journal_, entry, [&] { return llm::message_from_json(entry.at("message")); });
        const llm::Usage usage = read_entry(*journal_, entry, [&] { return usage_from_json(entry.at("usage")); });
        set_usage(span, usage);
        if (emit_ && message.content && !message.content->empty())
            emit_({RunEvent::Kind::TextDelta, agent_->name, *message.content, {}, false});
        budget_->spend(usage, read_entry(*journal_, entry, [&] { return entry.value("cost", 0.0); }));
        return message;
    }

    // A streamed run's model call: the text goes out as it comes.
    Task<llm::Recorded<llm::ChatResponse>> call_model_streamed() {
        llm::ChatStream stream = co_await client_.chat_stream(request());
        Outcome<llm::ChatResponse> whole = co_await capture(forward_deltas(stream));
        llm::Recorded<llm::ChatResponse> call{std::move(whole), stream.record()};
        co_return call;
    }

    // Each span is built only when the run is traced: an untraced run pays
    // nothing for tracing on its per-call path.
    Span start_agent_span() const {
        if (tracer_ == nullptr) return Span();
        llm::Json attributes = {{"gen_ai.operation.name", "invoke_agent"},
                                {"gen_ai.agent.name", agent_->name},
                                {"gen_ai.request.model", model()}};
        return tracer_->start("invoke_agent " + agent_->name, parent_span_, std::move(attributes));
    }

    Span start_chat_span() const {
        if (tracer_ == nullptr) return Span();
        llm::Json attributes = {{"gen_ai.operation.name", "chat"},
                                {"gen_ai.provider.name", "openai"},
                                {"gen_ai.agent.name", agent_->name},
                                {"gen_ai.request.model", model()}};
        const ModelSettings& settings = agent_->model_settings;
        if (settings.temperature) attributes["gen_ai.request.temperature"] = *settings.temperature;
        if (settings.max_tokens) attributes["gen_ai.request.max_tokens"] = *settings.max_tokens;
        return tracer_->start("chat " + model(), agent_span_.context(), std::move(attributes));
    }

    std::string model() const { return agent_->model.empty() ? "gpt-4o-mini" : agent_->model; }

    // This turn's journal key; its tool calls are keyed under it.
    std::string turn_key() const { return key_prefix_ + "turn" + std::to_string(result_.turns); }

    Task<llm::ChatResponse> forward_deltas(llm::ChatStream& stream) {
        while (const llm::ChatChunk* chunk = co_await stream.next()) {
            const std::string& text = chunk->content();
            if (!text.empty()) emit_({RunEvent::Kind::TextDelta, agent_->name, text, {}, false});
        }
        co_return stream.response();
    }

    // The first model call, beside the first agent's input guardrails: a
    // guardrail that trips cancels the call (gather cancels the siblings of
    // the first failure).
    Task<llm::Message> first_call() {
        if (agent_->input_guardrails.empty()) co_return co_await call_model();
        std::vector<Task<>> checks;
        for (const InputGuardrail& guardrail : agent_->input_guardrails)
            checks.push_back(check_input(guardrail, result_.messages, guardrail_span(guardrail.name, "input")));
        Task<llm::Message> call = call_model();
        Task<> guarded = gather(std::move(checks));
        auto both = co_await gather(std::move(call), std::move(guarded));
        co_return std::move(std::get<0>(both));
    }

    Span guardrail_span(const std::string& name, const char* kind) const {
        if (tracer_ == nullptr) return Span();
        llm::Json attributes = {{"gen_ai.operation.name", "guardrail"}, {"agentio.guardrail.name", name},
                                {"agentio.guardrail.kind", kind}, {"gen_ai.agent.name", agent_->name}};
        return tracer_->start("guardrail " + name, agent_span_.context(), std::move(attributes));
    }

    static Task<> check_input(const InputGuardrail& guardrail, const std::vector<llm::Message>& input, Span span) {
        GuardrailResult result = co_await guardrail.check(input);
        span.set("agentio.guardrail.triggered", result.tripwire_triggered);
        if (result.tripwire_triggered) {
            span.fail("guardrail_tripped", "");
            throw InputGuardrailTripped(guardrail.name, std::move(result));
        }
    }

    Task<> check_output(const std::string& output) const {
        if (agent_->output_guardrails.empty()) co_return;
        std::vector<Task<>> checks;
        for (const OutputGuardrail& guardrail : agent_->output_guardrails)
            checks.push_back(check_one_output(guardrail, output, guardrail_span(guardrail.name, "output")));
        co_await gather(std::move(checks));
    }

    static Task<> check_one_output(const OutputGuardrail& guardrail, const std::string& output, Span span) {
        GuardrailResult result = co_await guardrail.check(output);
        span.set("agentio.guardrail.triggered", result.tripwire_triggered);
        if (result.tripwire_triggered) {
            span.fail("guardrail_tripped", "");
            throw OutputGuardrailTripped(guardrail.name, std::move(result));
        }
    }

    // Every call of the turn at once; results in the model's order.
    Task<> run_tool_calls(const std::vector<llm::ToolCall>& calls) {
        const Agent* next_agent = nullptr;
        std::vector<Task<ToolResult>> work;
        std::vector<std::size_t> worked;  // which call each task answers
        std::vector<ToolResult> results(calls.size());
        for (std::size_t i = 0; i < calls.size(); ++i) {
            const llm::ToolCall& call = calls[i];
            record({RunItem::Kind::ToolCall, agent_->name, {}, call, false});
            if (const Handoff* handoff = find_handoff(call.name)) {
                if (next_agent == nullptr) {
                    next_agent = handoff->agent.get();
                    results[i] = {"Transferred to " + next_agent->name + ".", false};
                } else {
                    results[i] = ToolResult::error("only one handoff per turn; this one was not taken");
                }
            } else if (const Tool* tool = find_tool(call.name)) {
                std::string key = turn_key() + "/" + std::to_string(i);
                if (const llm::Json* recorded = journal_ ? journal_->find(key) : nullptr) {
                    results[i] = read_entry(*journal_, *recorded, [&] {
                        return ToolResult{recorded->at("content").get<std::string>(), recorded->at("is_error").get<bool>()};
                    });
                } else {
                    work.push_back(invoke_in_run(*tool, call, tool_scope(std::move(key))));
                    worked.push_back(i);
                }
            } else {
                results[i] = ToolResult::error("there is no tool named '" + call.name + "'");
            }
        }
        std::vector<ToolResult> done;
        if (!work.empty()) done = co_await gather(std::move(work));
        for (std::size_t k = 0; k < done.size(); ++k) results[worked[k]] = std::move(done[k]);
        for (std::size_t i = 0; i < calls.size(); ++i) {
            result_.messages.push_back(llm::Message::tool(calls[i].id, results[i].content));
            record({RunItem::Kind::ToolResult, agent_->name, results[i].content, calls[i], results[i].is_error});
        }
        if (next_agent != nullptr) hand_off(*next_agent);
    }

    // What a tool call's task knows of this run (a plain function: g++ 12
    // cannot build this aggregate inside a coroutine).
    RunScope tool_scope(std::string key) const {
        return RunScope{&client_, budget_, journal_, std::move(key), tracer_, agent_span_.context()};
    }

    // The conversation goes on with `next`: a handoff span between the two
    // agents' spans.
    void hand_off(const Agent& next) {
        add_item(RunItem::Kind::Handoff, next.name);
        if (tracer_ != nullptr) {
            llm::Json attributes = {{"gen_ai.operation.name", "handoff"}, {"agentio.handoff.from", agent_->name},
                                    {"agentio.handoff.to", next.name}};
            tracer_->start("handoff " + agent_->name + " -> " + next.name, parent_span_, std::move(attributes));
        }
        set_usage(agent_span_, budget_->usage);
        agent_ = &next;
        agent_span_ = start_agent_span();
    }

    const Tool* find_tool(const std::string& name) const {
        for (const Tool& tool : agent_->tools)
            if (tool.name() == name) return &tool;
        return nullptr;
    }
    const Handoff* find_handoff(const std::string& name) const {
        for (const Handoff& handoff : agent_->handoffs)
            if (handoff_tool_name(handoff) == name) return &handoff;
        return nullptr;
    }

    std::optional<std::string> validation_error(const std::string& output) const {
        if (!agent_->output_type) return std::nullopt;
        try {
            agent_->output_type->validate(output);
            return std::nullopt;
        } catch (const SchemaError& e) {
            return std::string(e.what());
        }
    }

    void add_item(RunItem::Kind kind, std::string text) { record({kind, agent_->name, std::move(text), {}, false}); }

    // Every item the run produces goes through here, and on to the events of a
    // streamed run (a message's text went out as deltas already).
    void record(RunItem item) {
        if (emit_ && item.kind != RunItem::Kind::Message) {
            static constexpr RunEvent::Kind kinds[] = {RunEvent::Kind::TextDelta, RunEvent::Kind::ToolCall,
                                                       RunEvent::Kind::ToolResult, RunEvent::Kind::Handoff};
            emit_({kinds[static_cast<int>(item.kind)], item.agent, item.text, item.call, item.is_error});
        }
        result_.new_items.push_back(std::move(item));
    }

    RunResult finish() {
        result_.usage = budget_->usage;
        result_.cost = budget_->cost;
        return std::move(result_);
    }

    llm::Client& client_;
    const Agent* agent_;
    const RunOptions& options_;
    std::shared_ptr<Budget> budget_;
    std::shared_ptr<detail::Journal> journal_;
    std::string key_prefix_;
    Tracer* tracer_;
    SpanContext parent_span_;  // of the run's agent spans
    Span agent_span_;          // the current agent's
    EventSink emit_;  // empty unless the run is streamed
    RunResult result_;
    bool corrected_ = false;  // the corrective turn for an invalid typed output was used
};

Task<RunResult> run_in(llm::Client& client, const Agent& agent, std::vector<llm::Message> input, RunOptions options,
                       std::shared_ptr<Budget> budget, std::shared_ptr<detail::Journal> journal, std::string key_prefix,
                       const SpanContext& parent_span, EventSink emit = {}) {
    if (options.max_turns < 1) throw std::invalid_argument("agent::run: max_turns must be at least 1");
    Runner runner(client, agent, options, std::move(budget), std::move(journal), std::move(key_prefix), options.tracer,
                  parent_span, std::move(emit));
    Task<RunResult> work = runner.run(std::move(input));
    if (!options.timeout) co_return co_await std::move(work);
    co_return co_await wait_for(std::move(work), *options.timeout);
}

}  // namespace


namespace detail {
Task<RunResult> run_observed(llm::Client& client, const Agent& agent, std::vector<llm::Message> input, RunOptions options,
                             EventSink emit) {
    auto budget = std::make_shared<Budget>();
    budget->limits = options;
    std::shared_ptr<Journal> journal;
    if (options.journal != nullptr) journal = co_await Journal::open(options.journal);
    Session* session = options.session;
    const llm::Json* started = journal ? journal->find("input") : nullptr;
    const bool resumed = started != nullptr;
    std::vector<llm::Message> conversation;  // the session's history, then the input
    std::size_t known = 0;                   // messages the session already had
    if (resumed) {
        conversation = recorded_input(*journal, *started, agent, input);
        known = read_entry(*journal, *started, [&] {
            const std::size_t count = started->value("session_messages", std::size_t{0});
            if (count > conversation.size()) throw AgentError("session_messages is more than the recorded messages");
            return count;
        });
    } else {
        if (session != nullptr) conversation = co_await session->messages();
        known = conversation.size();
        conversation.insert(conversation.end(), std::make_move_iterator(input.begin()), std::make_move_iterator(input.end()));
        if (journal) {
            llm::Json entry = {{"key", "input"}, {"agent", agent.name}, {"session_messages", known}, {"messages", messages_to_json(conversation)}};
            co_await journal->record(std::move(entry));
        }
    }
    const SpanContext root;  // a new trace (named: g++ 12 destroys a temporary in a co_await expression twice)
    RunResult result = co_await run_in(client, agent, std::move(conversation), options, std::move(budget), journal, "",
                                       root, std::move(emit));
    if (session != nullptr) {
        std::vector<llm::Message> added(result.messages.begin() + static_cast<std::ptrdiff_t>(known), result.messages.end());
        co_await save_to_session(*session, journal.get(), resumed, known, std::move(added));
    }
    co_return result;
}
}  // namespace detail

Task<RunResult> run(llm::Client& client, const Agent& agent, std::vector<llm::Message> input, RunOptions options) {
    return detail::run_observed(client, agent, std::move(input), options, {});
}

Task<RunResult> run(llm::Client& client, const Agent& agent, std::string input, RunOptions options) {
    return run(client, agent, std::vector<llm::Message>{llm::Message::user(std::move(input))}, std::move(options));
}

namespace {
struct AgentInput {
    std::string input;
    static auto describe() { return fields(field("input", &AgentInput::input, "What to ask this agent")); }
};
}  // namespace

namespace {
Task<std::string> run_as_tool(std::shared_ptr<const Agent> agent, std::string input) {
    const RunScope* scope = run_scope().get();
    if (scope == nullptr) throw AgentError("agent '" + agent->name + "' was called as a tool outside a run");
    std::vector<llm::Message> messages;
    messages.push_back(llm::Message::user(std::move(input)));
    RunResult nested = co_await run_in(*scope->client, *agent, std::move(messages), scope->budget->limits, scope->budget,
                                       scope->journal, scope->step_key + "/", scope->span);
    co_return std::move(nested.final_output);
}
}  // namespace

Tool Agent::as_tool(std::string tool_name, std::string description) const {
    auto self = std::make_shared<const Agent>(*this);
    return Tool::from(std::move(tool_name), std::move(description),
                      [self](AgentInput args) { return run_as_tool(self, std::move(args.input)); });
}

}  // namespace agentio::agent
