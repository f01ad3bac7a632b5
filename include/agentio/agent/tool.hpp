// tool.hpp: agent::Tool, a function the model may call.
//
// compile-context: struct GetWeather { std::string city; static auto describe() { return agent::fields(agent::field("city", &GetWeather::city)); } };
// compile-context: Task<std::string> fetch_weather(std::string city);
//     auto weather = agent::Tool::from("get_weather", "Weather for a city",
//         [](GetWeather args) -> Task<std::string> { co_return co_await fetch_weather(args.city); });
//
// The parameters' JSON Schema comes from the argument type (describe.hpp); a
// callable without parameters gets an empty object schema, one taking
// llm::Json takes any object (a non-strict schema).
//
// What a call promises (invoke()):
// - the model's arguments are parsed and validated first; invalid ones are
//   answered with an error result naming the field, and the function is not
//   called;
// - an async function (returning Task<R>) runs on the loop; a plain function
//   is treated as blocking and runs through to_thread, unless the options say
//   it does not block;
// - the tool's timeout, retry policy and concurrency limit apply to every
//   call (ToolOptions);
// - whatever goes wrong inside (an exception, the timeout, a CancelledError
//   the function raised itself) becomes a result with is_error set and a
//   message the model can act on: a failing tool never ends a run. Only a
//   cancellation of the caller's own task propagates, as CancelledError.
//
// A Tool is a cheap handle: copies share one function and one concurrency
// limit.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "agentio/agent/describe.hpp"
#include "agentio/core/clock.hpp"
#include "agentio/core/task.hpp"
#include "agentio/core/to_thread.hpp"
#include "agentio/llm/message.hpp"
#include "agentio/llm/retry_policy.hpp"

namespace agentio::agent {

// What a tool call gives back to the model.
struct ToolResult {
    std::string content;  // the tool message's text
    bool is_error = false;

    static ToolResult error(std::string message) { return {"error: " + std::move(message), true}; }
};

struct ToolOptions {
    // Bounds each attempt; expiry fails the attempt like an exception would.
    std::optional<Duration> timeout{};
    // A call that throws is retried by this policy's waits; none by default
    // (a tool with side effects must opt in).
    llm::RetryPolicy retry{.max_retries = 0};
    // Calls of this tool in flight at once, across all runs; 0: no limit.
    std::size_t max_concurrency = 0;
    // A plain (non-Task) function blocks: it runs on a worker thread. False
    // runs it on the loop, for functions that are quick and never block.
    bool blocking = true;
    // The schema sent in strict mode (every field required, nullable when
    // optional, no extra properties).
    bool strict = true;
};

class Tool {
public:
    // The function behind a tool, on already-parsed JSON arguments.
    using Function = std::function<Task<ToolResult>(Json arguments)>;

    // A tool from its schema and a function: what an MCP server's tools and
    // hand-written schemas use.
    Tool(std::string name, std::string description, Json parameters, Function function, ToolOptions options = {});

    // A tool from a typed callable: R(Args), Task<R>(Args), R() or Task<R>().
    // Args is a described struct (or llm::Json); R is std::string, ToolResult,
    // llm::Json, a described struct, a number, bool, or void.
    template <class F>
    static Tool from(std::string name, std::string description, F function, ToolOptions options = {});

    const std::string& name() const noexcept;
    const std::string& description() const noexcept;
    const Json& parameters() const noexcept;
    const ToolOptions& options() const noexcept;

    // What a chat request offers the model.
    llm::Tool definition() const;

    // One call, with the model's arguments as JSON text; see the promises above.
    Task<ToolResult> invoke(std::string_view arguments) const;
    // The same, with arguments already parsed (an MCP request carries them as
    // JSON): no second trip through text.
    Task<ToolResult> invoke_parsed(Json arguments) const;

private:
    struct State;
    static Task<ToolResult> call(std::shared_ptr<State> state, Json arguments);
    std::shared_ptr<State> state_;
};

namespace detail {

template <class T>
struct is_task : std::false_type {};
template <class T>
struct is_task<Task<T>> : std::true_type {
    using value_type = T;
};

// The result and the single argument type (void when none) of a callable.
template <class R, class... A>
struct signature_of {
    static_assert(sizeof...(A) <= 1, "a tool function takes one argument (a described struct) or none");
    using result = R;
    using argument = std::remove_cvref_t<std::tuple_element_t<0, std::tuple<A..., void>>>;
};
template <class F>
struct call_signature : call_signature<decltype(&F::operator())> {};
template <class C, class R, class... A>
struct call_signature<R (C::*)(A...) const> : signature_of<R, A...> {};
template <class C, class R, class... A>
struct call_signature<R (C::*)(A...)> : signature_of<R, A...> {};
template <class R, class... A>
struct call_signature<R (*)(A...)> : signature_of<R, A...> {};

template <class R>
ToolResult to_result(R value) {
    if constexpr (std::is_same_v<R, ToolResult>) return value;
    else if constexpr (std::is_same_v<R, Json>)  // before strings: a Json converts to one
        return {value.is_string() ? value.template get<std::string>() : value.dump(), false};
    else if constexpr (std::is_convertible_v<R, std::string>) return {std::string(std::move(value)), false};
    else return {agent::to_json(value).dump(), false};
}

// Calls `function` with the arguments read as Args; SchemaError if they do not fit.
template <class Args, class F>
decltype(auto) call_with(F& function, const Json& arguments) {
    if constexpr (std::is_void_v<Args>) {
        if (!arguments.is_null() && !(arguments.is_object() && arguments.empty()))
            throw SchemaError("this tool takes no arguments, got " + arguments.dump());
        return function();
    } else {
        return function(agent::from_json<Args>(arguments));
    }
}

template <class Args>
Json parameters_of(bool strict) {
    if constexpr (std::is_void_v<Args>) {
        Json schema = {{"type", "object"}, {"properties", Json::object()}, {"required", Json::array()}};
        schema["additionalProperties"] = false;
        return schema;
    } else if constexpr (std::is_same_v<Args, Json>) {
        return {{"type", "object"}};
    } else {
        static_assert(Described<Args>, "a tool's argument must be a described struct (see describe.hpp) or llm::Json");
        return schema_of<Args>(strict);
    }
}

template <class Args, class F>
Task<ToolResult> run_async(std::shared_ptr<F> function, Json arguments) {
    using R = typename is_task<typename call_signature<F>::result>::value_type;
    if constexpr (std::is_void_v<R>) {
        co_await call_with<Args>(*function, arguments);
        co_return ToolResult{};
    } else {
        co_return to_result<R>(co_await call_with<Args>(*function, arguments));
    }
}

template <class Args, class F>
Task<ToolResult> run_blocking(std::shared_ptr<F> function, Json arguments, bool on_thread) {
    using R = typename call_signature<F>::result;
    auto call = [function, arguments = std::move(arguments)]() -> ToolResult {
        if constexpr (std::is_void_v<R>) {
            call_with<Args>(*function, arguments);
            return ToolResult{};
        } else {
            return to_result<R>(call_with<Args>(*function, arguments));
        }
    };
    if (!on_thread) co_return call();
    co_return co_await to_thread(std::move(call));
}

}  // namespace detail

template <class F>
Tool Tool::from(std::string name, std::string description, F function, ToolOptions options) {
    using Signature = detail::call_signature<F>;
    using Args = typename Signature::argument;
    Json parameters = detail::parameters_of<Args>(options.strict);
    if constexpr (std::is_same_v<Args, Json>) options.strict = false;
    auto shared = std::make_shared<F>(std::move(function));
    Function adapted;
    if constexpr (detail::is_task<typename Signature::result>::value) {
        adapted = [shared](Json arguments) { return detail::run_async<Args>(shared, std::move(arguments)); };
    } else {
        const bool on_thread = options.blocking;
        adapted = [shared, on_thread](Json arguments) {
            return detail::run_blocking<Args>(shared, std::move(arguments), on_thread);
        };
    }
    return Tool(std::move(name), std::move(description), std::move(parameters), std::move(adapted), std::move(options));
}

}  // namespace agentio::agent
