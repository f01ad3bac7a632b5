// tool.cpp: one tool call, from the model's argument text to the result it reads.
//
// The order is fixed: parse and validate (no retry: the same arguments fail
// the same way), wait for a place under the concurrency limit, then attempts
// under the timeout until one succeeds or the retry policy gives up. Every
// failure on the way ends as an error result; only the caller's own
// cancellation leaves as an exception.
#include "agentio/agent/tool.hpp"

#include <cstdio>
#include <random>

#include "agentio/core/capture.hpp"
#include "agentio/core/semaphore.hpp"
#include "agentio/core/sleep.hpp"
#include "agentio/core/timeout.hpp"

namespace agentio::agent {

struct Tool::State {
    std::string name;
    std::string description;
    Json parameters;
    Function function;
    ToolOptions options;
    std::optional<Semaphore> limit;
    std::minstd_rand jitter{0x5eed};  // retry jitter: deterministic, like the rest of a run
};

Tool::Tool(std::string name, std::string description, Json parameters, Function function, ToolOptions options)
    : state_(std::make_shared<State>()) {
    if (name.empty()) throw std::invalid_argument("agent::Tool: the name is empty");
    if (!function) throw std::invalid_argument("agent::Tool '" + name + "': no function");
    state_->name = std::move(name);
    state_->description = std::move(description);
    state_->parameters = std::move(parameters);
    state_->function = std::move(function);
    if (options.max_concurrency > 0) state_->limit.emplace(options.max_concurrency);
    state_->options = std::move(options);
}

const std::string& Tool::name() const noexcept { return state_->name; }
const std::string& Tool::description() const noexcept { return state_->description; }
const Json& Tool::parameters() const noexcept { return state_->parameters; }
const ToolOptions& Tool::options() const noexcept { return state_->options; }

llm::Tool Tool::definition() const {
    llm::Tool tool;
    tool.name = state_->name;
    tool.description = state_->description;
    tool.parameters = state_->parameters;
    if (state_->options.strict) tool.strict = true;
    return tool;
}

namespace {

std::string seconds_text(Duration d) {
    char text[32];
    std::snprintf(text, sizeof text, "%g s", std::chrono::duration<double>(d).count());
    return text;
}

template <class E>
bool holds(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const E&) {
        return true;
    } catch (...) {
        return false;
    }
}

// The model's arguments as JSON; an empty text is "no arguments" (models send
// "" for tools without parameters).
std::optional<Json> parse_arguments(std::string_view text) {
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return Json::object();
    try {
        return llm::parse_json(text);
    } catch (const llm::JsonError&) {
        return std::nullopt;
    }
}

Task<ToolResult> refuse(std::string why) { co_return ToolResult::error(std::move(why)); }

Task<ToolResult> one_attempt(const Tool::Function& function, const Json& arguments, std::optional<Duration> timeout) {
    if (!timeout) co_return co_await function(arguments);
    co_return co_await wait_for(function(arguments), *timeout);
}

}  // namespace

Task<ToolResult> Tool::invoke(std::string_view arguments) const {
    std::optional<Json> parsed = parse_arguments(arguments);
    if (!parsed) return refuse("the arguments are not valid JSON: " + std::string(arguments.substr(0, 200)));
    return call(state_, std::move(*parsed));
}

Task<ToolResult> Tool::invoke_parsed(Json arguments) const { return call(state_, std::move(arguments)); }

// The call holds the state: the Tool it was made from may be gone by the time
// the task runs.
Task<ToolResult> Tool::call(std::shared_ptr<State> state, Json arguments) {
    std::optional<Semaphore::Permit> place;
    if (state->limit) place.emplace(co_await state->limit->acquire());
    const ToolOptions& options = state->options;
    for (int attempt = 0;; ++attempt) {
        Outcome<ToolResult> outcome = co_await capture(one_attempt(state->function, arguments, options.timeout));
        if (outcome) co_return std::move(outcome).value();
        const std::exception_ptr error = outcome.error();
        if (outcome.cancelled() && cancelling() > 0) std::rethrow_exception(error);  // the caller's cancellation
        if (holds<SchemaError>(error)) co_return ToolResult::error("invalid arguments: " + describe(error));
        if (attempt >= options.retry.max_retries) {
            if (holds<TimeoutError>(error) && options.timeout)
                co_return ToolResult::error("the tool timed out after " + seconds_text(*options.timeout));
            co_return ToolResult::error(describe(error));
        }
        const double random01 = std::uniform_real_distribution<double>(0.0, 1.0)(state->jitter);
        co_await sleep(options.retry.delay(attempt, nullptr, random01));
    }
}

}  // namespace agentio::agent
