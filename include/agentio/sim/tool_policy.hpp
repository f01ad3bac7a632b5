// tool_policy.hpp: the simulator playing the model for an agent: which of
// the offered tools it calls, with which arguments, and what it answers
// once the results are back. Deterministic, so every agent runs on the
// embedded simulator with no API and the same way every time.
//
// It decides only when no script rule matched (scripted replies win) and the
// policy (Config::tool_policy, `agentio sim --tool-policy`) is not `none`.
// "The last user message" is the last message with role "user" (none: an
// empty text); "its tool results" are the messages with role "tool" after it.
//
// 1. Tools offered and no tool result yet: the reply calls tools (content
//    null, finish_reason "tool_calls"), chosen by tool_choice and the policy:
//      tool_choice "none"              no call (generated text, as without tools);
//      {"type": "function", "function": {"name": N}}
//                                      one call of N;
//      policy `all`                    a call of every tool offered, in order
//                                      (parallel_tool_calls is not asked);
//      otherwise ("auto", absent, "required"), by score:
//        A tool's words are the words of its name (split at '_', '-', '.' and
//        camelCase: "getWeather", "get_weather" give "get", "weather") and of
//        its description; the message's words likewise. Words are lower-cased
//        runs of letters and digits (words.hpp); one-letter words and about
//        fifty common English words ("the", "of", "is", "what", ...) are left
//        out, and so are, when more than one tool is offered, words that
//        every offered tool has ("get" in get_weather and get_time): they
//        tell no tool from another. The score of a tool is the number of
//        its distinct remaining words that the message has.
//        - Best score 0: no call ("auto": generated text), or with
//          "required" a call of the first tool offered.
//        - parallel_tool_calls not false: a call of every tool whose score
//          is above 0, in offered order.
//        - parallel_tool_calls false: a call of the best one (ties: the
//          first offered).
//    Each call's arguments are generated from the tool's `parameters`
//    (schema_instance.hpp, with the hints below), so they validate against
//    it: strict schemas get every property, enums a member, arrays and
//    nested objects their items and properties. A tool with no parameters
//    (absent, null or {}) gets "{}". The generator asks for the leaves in
//    the schema's order (properties as they come in the request body,
//    depth first):
//      - number and integer leaves take the numbers of the message in order
//        ("add 3 and 4" gives {"a": 3, "b": 4}). A number is a run of digits
//        not preceded by a letter or digit ("gpt4" holds none), with a '-'
//        right before it when that '-' follows no letter or digit, and a
//        fraction ".digits" after it ("1,000" is the numbers 1 and 0). A
//        number the leaf does not admit (a fraction for an integer, out of
//        bounds) is passed over and the leaf generated.
//      - string leaves (without a pattern or format) take the quoted texts
//        of the message in order: "...", '...' (a ' opens only after no
//        letter or digit, and closes only before none, so "What's" quotes
//        nothing) and “...”. Once none is left: the word after the
//        property's name where the message has that name as a word
//        ("... for city Paris" gives city "Paris"; ':', '=' and "is" between
//        are skipped); else the whole message.
//      - enum leaves: the first member, in the schema's order, that the
//        message has as a whole phrase, case aside ("in celsius" picks
//        "celsius"); else the first member.
//      - booleans, strings with a pattern or format, and consts come from
//        the generator alone.
//    Numbers and quoted texts are shared out over the calls of one reply:
//    each call goes on where the previous one stopped, and a call that
//    finds none left starts again from the first ("add 1 and 2, multiply 3
//    and 4" gives add {1, 2} and multiply {3, 4}; one city for two tools
//    goes to both).
// 2. Tool results after the last user message: the reply is text holding
//    every one of them verbatim, in order, one line each, "NAME: CONTENT",
//    NAME being the called tool's name (found by tool_call_id among the
//    assistant's tool calls; else the tool message's `name`; else "tool"):
//    "get_weather: 18 degrees in Paris." With a JSON response_format the
//    reply is the format's JSON instead: the caller asked for that shape.
// 3. Anything else (no tools, policy `none`): not the policy's to decide.
//
// Call ids are "call_" and 24 characters derived from the request and the
// call's place, as for scripted calls (reply.hpp); the calls stream as
// scripted ones do.
//
// Refused as the API refuses them (ToolPolicyError, a 400 naming the
// parameter): a tool_choice that is not "none", "auto", "required" or a
// function object with a name, a named function that no offered tool has,
// and, when the policy calls a tool, parameters no value satisfies
// ("Invalid schema for function 'add': #/properties/a: ...").
//
// Cost: the policy runs once per request, only for requests that offer
// tools or carry tool results; it splits the message into words once,
// keeps them sorted and looks each tool word up by binary search.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agentio/llm/chat.hpp"
#include "agentio/sim/config.hpp"
#include "agentio/sim/invalid_request.hpp"
#include "agentio/sim/schema_instance.hpp"
#include "agentio/sim/script.hpp"

namespace agentio::sim {

// "auto", "none", "all"; nullopt for anything else.
std::optional<ToolPolicy> parse_tool_policy(std::string_view name) noexcept;
std::string_view tool_policy_name(ToolPolicy policy) noexcept;

// A tool_choice or tool schema the API would refuse.
class ToolPolicyError : public InvalidRequest {
public:
    using InvalidRequest::InvalidRequest;
};

// The request's tool_choice.
struct ToolChoice {
    enum class Mode { automatic, none, required, named };
    Mode mode = Mode::automatic;
    std::string name;  // of the function, when named

    // Reads request.tool_choice (null: automatic). Throws ToolPolicyError
    // for a value the API refuses, or a name that no offered tool has.
    static ToolChoice read(const llm::ChatRequest& request);
};

// The reply config.tool_policy decides for `request` (see the file
// comment), as a fixed reply whose call ids are left empty (plan_reply
// derives them), or nullopt when it decides nothing. Generated argument
// values are seeded from reply_seed(config, request), computed only when a
// tool is called. `json_content`: the request's response_format asks for
// JSON (so the answer after tool results is left to it). Precondition:
// `choice` is ToolChoice::read(request). Throws ToolPolicyError.
std::optional<ScriptedReply> tool_policy_reply(const Config& config, const ToolChoice& choice, const llm::ChatRequest& request,
                                               bool json_content = false);

}  // namespace agentio::sim
