// chat.cpp: POST /v1/chat/completions, plain and streamed.
//
// A plain reply waits as long as the same reply streamed would take (the
// first-token delay plus one gap per further event) and then sends it whole.
// A streamed reply sends the role chunk at once, then one event per token
// (or tool-call piece) on the latency model's schedule (the model's profile,
// if it has one), then the finish chunk, the usage chunk when asked for,
// and `data: [DONE]`. Events are due at fixed times from the first token on
// (sleep_until), so a slow write does not push every later token back.
//
// With n > 1 choices, each step of the schedule carries one event of every
// choice that still has one, in index order (written together), and the
// finish chunks of all choices come at the end; a plain reply waits for the
// longest choice. Usage counts the prompt once and every choice's completion.
//
// The hot path is the stream: every event is formatted into one buffer the
// stream reuses (wire_writer.hpp), and a generated token is produced straight
// into a second small reused buffer; nothing is allocated per token.
#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "agentio/core/sleep.hpp"
#include "agentio/llm/errors.hpp"
#include "agentio/llm/token_count.hpp"
#include "agentio/llm/wire.hpp"
#include "agentio/net/errors.hpp"
#include "agentio/sim/latency.hpp"
#include "agentio/sim/prng.hpp"
#include "agentio/sim/reply.hpp"
#include "agentio/sim/response_format.hpp"
#include "agentio/sim/text_generator.hpp"
#include "agentio/sim/tool_policy.hpp"
#include "agentio/sim/wire_writer.hpp"
#include "service.hpp"

namespace agentio::sim::detail {

namespace {

// How many events after the role chunk carry content or tool-call pieces.
int event_count(const Reply& reply) {
    int events = reply.text_tokens;
    for (const auto& ends : reply.fragment_ends) events += 1 + static_cast<int>(ends.size());
    return events;
}

// How many steps a stream of these choices takes: its longest choice's events.
int step_count(const std::vector<Reply>& replies) {
    int steps = 0;
    for (const Reply& reply : replies) steps = std::max(steps, event_count(reply));
    return steps;
}

// The usage of every choice together: the prompt once, each completion.
TokenCounts total_tokens(const std::vector<Reply>& replies) {
    TokenCounts total;
    total.prompt = replies.front().tokens.prompt;
    for (const Reply& reply : replies) total.completion += reply.tokens.completion;
    return total;
}

// Walks a reply's events in the order they are streamed: text tokens, then
// the tool calls, one after the other or interleaved by index.
class EventCursor {
public:
    EventCursor(const Reply& reply, const ChunkWriter& writer, int choice)
        : reply_(reply), writer_(writer), choice_(choice), generator_(reply.seed, reply.text_tokens, reply.complete) {
        if (reply.interleave) {
            // Every call's first delta, then one fragment of each call in turn.
            for (std::size_t call = 0; call < reply.tool_calls.size(); ++call) order_.push_back({call, kStart});
            for (std::size_t round = 0;; ++round) {
                bool any = false;
                for (std::size_t call = 0; call < reply.tool_calls.size(); ++call) {
                    if (round < reply.fragment_ends[call].size()) {
                        order_.push_back({call, round});
                        any = true;
                    }
                }
                if (!any) break;
            }
        } else {
            for (std::size_t call = 0; call < reply.tool_calls.size(); ++call) {
                order_.push_back({call, kStart});
                for (std::size_t f = 0; f < reply.fragment_ends[call].size(); ++f) order_.push_back({call, f});
            }
        }
    }

    // Appends the next event to `out`; false when there is none left.
    bool next(std::string& out) {
        if (text_sent_ < reply_.text_tokens) {
            token_.clear();
            if (reply_.fixed_text) token_ = reply_.pieces[static_cast<std::size_t>(text_sent_)];
            else generator_.append_next(token_);
            ++text_sent_;
            writer_.content(out, choice_, token_);
            return true;
        }
        if (step_ == order_.size()) return false;
        const auto [call, fragment] = order_[step_++];
        const llm::ToolCall& tool_call = reply_.tool_calls[call];
        const int index = static_cast<int>(call);
        if (fragment == kStart) {
            writer_.tool_call_start(out, choice_, index, tool_call.id, tool_call.name);
        } else {
            const auto& ends = reply_.fragment_ends[call];
            const std::size_t begin = fragment == 0 ? 0 : ends[fragment - 1];
            writer_.tool_call_arguments(out, choice_, index,
                                        std::string_view(tool_call.arguments).substr(begin, ends[fragment] - begin));
        }
        return true;
    }

private:
    static constexpr std::size_t kStart = static_cast<std::size_t>(-1);

    const Reply& reply_;
    const ChunkWriter& writer_;
    int choice_;
    TextGenerator generator_;
    std::string token_;
    int text_sent_ = 0;
    std::vector<std::pair<std::size_t, std::size_t>> order_;  // (call, fragment or kStart)
    std::size_t step_ = 0;
};

// Everything a stream needs after its handler has returned.
struct StreamJob {
    std::shared_ptr<Service> service;
    std::vector<Reply> replies;  // one per choice
    ChunkWriter writer;
    LatencyModel latency;
    bool include_usage = false;
    Fault fault = Fault::none;
    int fault_at = 0;  // the step a reset comes before, or the one sent malformed
    TimePoint started;
};

// Counts the stream in and out of streams_active, and its duration, however it ends.
class StreamScope {
public:
    explicit StreamScope(StreamJob& job) : job_(job) { job_.service->metrics().stream_started(); }
    ~StreamScope() {
        Metrics& metrics = job_.service->metrics();
        metrics.stream_ended();
        metrics.observe_duration(kChatRoute, now() - job_.started);
    }
    StreamScope(const StreamScope&) = delete;
    StreamScope& operator=(const StreamScope&) = delete;

private:
    StreamJob& job_;
};

// Replaces the first event in `events` (which ends at `first_end`) by its
// first half: not JSON. The events after it stay whole.
void break_first_event(std::string& events, std::size_t first_end) {
    const std::string rest = events.substr(first_end);
    events.resize(first_end / 2);
    events.append("\n\n");
    events.append(rest);
}

Task<> run_stream(std::shared_ptr<StreamJob> job, http::ResponseStream& out) {
    StreamScope scope(*job);
    const Config& config = job->service->config();
    const std::vector<Reply>& replies = job->replies;
    const int choices = static_cast<int>(replies.size());
    std::string event;
    event.reserve(512 * replies.size());

    for (int c = 0; c < choices; ++c) job->writer.role(event, c, !replies[static_cast<std::size_t>(c)].has_text);
    co_await out.write(event);
    if (job->fault == Fault::stall) co_await sleep(config.faults.stall_for);

    LatencySampler latency(job->latency, Hasher(replies.front().seed).add("latency").value());
    TimePoint due = now() + latency.time_to_first_token();
    std::vector<EventCursor> cursors;
    cursors.reserve(replies.size());
    for (int c = 0; c < choices; ++c) cursors.emplace_back(replies[static_cast<std::size_t>(c)], job->writer, c);
    for (int step = 0;; ++step) {
        event.clear();
        std::size_t first_end = 0;
        for (EventCursor& cursor : cursors)
            if (cursor.next(event) && first_end == 0) first_end = event.size();
        if (event.empty()) break;
        if (step > 0) due += latency.inter_token();
        co_await sleep_until(due);
        if (job->fault == Fault::reset && step == job->fault_at) {
            out.abort();
            co_return;
        }
        if (job->fault == Fault::malformed && step == job->fault_at) break_first_event(event, first_end);
        co_await out.write(event);
    }
    if (job->fault == Fault::reset) {  // a reply too short to reach fault_at
        out.abort();
        co_return;
    }
    event.clear();
    std::size_t first_end = 0;
    for (int c = 0; c < choices; ++c) {
        job->writer.finish(event, c, replies[static_cast<std::size_t>(c)].finish_reason);
        if (c == 0) first_end = event.size();
    }
    if (job->fault == Fault::malformed && job->fault_at >= step_count(replies)) break_first_event(event, first_end);
    const TokenCounts tokens = total_tokens(replies);
    if (job->include_usage) job->writer.usage(event, tokens);
    ChunkWriter::done(event);
    co_await out.write(event);
    if (job->fault != Fault::malformed) job->service->count_completed(tokens.prompt, tokens.completion);
}

bool flag(const llm::Json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_boolean() && it->get<bool>();
}

// The request's own fields that pick what kind of reply it wants.
struct Shape {
    bool stream = false;
    bool include_usage = false;
};

Shape shape_of(const llm::ChatRequest& request) {
    Shape shape;
    shape.stream = flag(request.extra, "stream");
    const auto options = request.extra.find("stream_options");
    if (shape.stream && options != request.extra.end() && options->is_object())
        shape.include_usage = flag(*options, "include_usage");
    return shape;
}

// What parse_chat_request said, as the API would say it: (message, param, code).
struct Problem {
    std::string message;
    std::optional<std::string> param;
    std::optional<std::string> code;
};

Problem explain(std::string_view what) {
    constexpr std::string_view kPrefix = "chat request: ";
    if (what.substr(0, kPrefix.size()) == kPrefix) what.remove_prefix(kPrefix.size());
    if (what.starts_with("not JSON")) return {"We could not parse the JSON body of your request: " + std::string(what), {}, {}};
    if (what == "body: no `messages`") return {"Missing required parameter: 'messages'.", "messages", "missing_required_parameter"};
    Problem problem{"Invalid request: " + std::string(what), {}, {}};
    // "messages[0].role: no role" names the parameter before its first ": ".
    if (const std::size_t colon = what.find(": "); colon != std::string_view::npos && what.substr(0, colon) != "body")
        problem.param = std::string(what.substr(0, colon));
    return problem;
}

}  // namespace

Task<http::Response> Service::chat(std::shared_ptr<Service> self, http::Request& request) {
    Service& service = *self;
    Exchange exchange = service.begin();
    ++service.stats_.requests;
    if (auto denied = service.check_key(request, exchange, kChatRoute)) co_return std::move(*denied);

    std::string body = co_await request.text();
    // The prompt is counted with the parse: off the loop, as the parse is, for a large body.
    struct Parsed {
        llm::ChatRequest chat;
        std::int64_t prompt_tokens = 0;
    };
    Parsed parsed;
    std::optional<Problem> problem;
    Task<Parsed> parsing = parse_body(std::move(body), [](const std::string& text) {
        Parsed out;
        out.chat = llm::parse_chat_request(text);
        out.prompt_tokens = llm::prompt_tokens(out.chat);
        return out;
    });
    try {
        parsed = co_await std::move(parsing);
    } catch (const llm::StreamError& e) {
        problem = explain(e.what());
    }
    if (problem) {
        co_return service.error(exchange, kChatRoute, 400, problem->message, "invalid_request_error", problem->param,
                                problem->code);
    }
    llm::ChatRequest& chat = parsed.chat;
    if (chat.model.empty())
        co_return service.error(exchange, kChatRoute, 400, "you must provide a model parameter", "invalid_request_error");
    if (chat.messages.empty())
        co_return service.error(exchange, kChatRoute, 400, "[] is too short - 'messages'", "invalid_request_error",
                                "messages", "empty_array");
    const std::optional<int> cap = requested_max_tokens(chat);
    if (cap && *cap < 1) {
        const char* name = chat.max_completion_tokens ? "max_completion_tokens" : "max_tokens";
        co_return service.error(exchange, kChatRoute, 400,
                                fmt::format("Invalid '{}': integer below minimum value. Expected a value >= 1, but got {} instead.", name, *cap),
                                "invalid_request_error", name, "integer_below_min_value");
    }
    if (chat.n && (*chat.n < 1 || *chat.n > kMaxChoices)) {
        const bool low = *chat.n < 1;
        co_return service.error(exchange, kChatRoute, 400,
                                low ? fmt::format("Invalid 'n': integer below minimum value. Expected a value >= 1, but got {} "
                                                  "instead.",
                                                  *chat.n)
                                    : fmt::format("Invalid 'n': integer above maximum value. Expected a value <= {}, but got "
                                                  "{} instead.",
                                                  kMaxChoices, *chat.n),
                                "invalid_request_error", "n", low ? "integer_below_min_value" : "integer_above_max_value");
    }
    // The content of every choice is decided now: a response_format or a
    // tool_choice the API would refuse (or a schema no value satisfies) is a
    // 400 like the others. A script rule decides first, then the tool policy.
    const ScriptRule* rule = service.script_.match(chat);
    std::vector<Reply> replies;
    try {
        const ToolChoice tool_choice = ToolChoice::read(chat);
        ResponseFormat format;
        if (!chat.response_format.is_null()) format = ResponseFormat::read(chat.response_format);
        if (rule != nullptr && format.is_json()) (void)format.content(0);  // the script answers, but the schema is checked
        std::optional<ScriptedReply> decided;
        if (rule == nullptr && service.config_.tool_policy != ToolPolicy::none) {
            decided = tool_policy_reply(service.config_, tool_choice, chat, format.is_json());
        }
        const ScriptedReply* fixed = rule != nullptr ? &rule->reply : decided ? &*decided : nullptr;
        replies = plan_replies(service.config_, fixed, chat, &format, parsed.prompt_tokens);
    } catch (const InvalidRequest& e) {
        problem = Problem{e.what(), e.param(), e.code()};
    }
    if (problem) {
        co_return service.error(exchange, kChatRoute, 400, problem->message, "invalid_request_error", problem->param,
                                problem->code);
    }
    if (!service.serves(chat.model))
        co_return service.error(exchange, kChatRoute, 404,
                                fmt::format("The model `{}` does not exist or you do not have access to it.", chat.model),
                                "invalid_request_error", std::nullopt, "model_not_found");
    exchange.model = chat.model;
    if (const std::int64_t requested = parsed.prompt_tokens + (cap ? *cap : 0); requested > service.config_.context_length) {
        const std::int64_t window = service.config_.context_length;
        co_return service.error(
            exchange, kChatRoute, 400,
            cap ? fmt::format("This model's maximum context length is {} tokens. However, you requested {} tokens ({} in the "
                              "messages, {} in the completion). Please reduce the length of the messages or completion.",
                              window, requested, parsed.prompt_tokens, *cap)
                : fmt::format("This model's maximum context length is {} tokens. However, your messages resulted in {} "
                              "tokens. Please reduce the length of the messages.",
                              window, parsed.prompt_tokens),
            "invalid_request_error", "messages", "context_length_exceeded");
    }

    const Shape shape = shape_of(chat);
    const TokenCounts tokens = total_tokens(replies);
    const std::int64_t most_output = static_cast<std::int64_t>(cap ? *cap : service.config_.output.max_tokens) *
                                      static_cast<std::int64_t>(replies.size());
    const RateLimitVerdict verdict = service.limits_.admit(tokens.prompt + most_output, exchange.started);
    if (!verdict.allowed) co_return service.limited(exchange, kChatRoute, verdict);

    const auto [fault, fault_seed] = service.pick(exchange);
    if (fault == Fault::status_429 || fault == Fault::status_500 || fault == Fault::status_503)
        co_return service.injected_status(exchange, kChatRoute, fault, fault_seed);

    const std::string id = make_id("chatcmpl-", Hasher(service.config_.seed).add("completion").add(exchange.number).value(), 24);
    const std::int64_t created = unix_time();
    const int steps = step_count(replies);
    const LatencyModel& latency_model = service.config_.latency_for(chat.model);

    if (!shape.stream) {
        LatencySampler latency(latency_model, Hasher(replies.front().seed).add("latency").value());
        Duration wait = latency.total(steps);
        if (fault == Fault::stall) wait += service.config_.faults.stall_for;
        co_await sleep(wait);
        // Closed before a byte of the response: the client sees the connection end.
        if (fault == Fault::reset) throw net::ConnectionError("simulated connection reset (fault injection)");
        std::vector<std::string> texts;
        texts.reserve(replies.size());
        ChatCompletionBody completion;
        completion.id = id;
        completion.created = created;
        completion.model = chat.model;
        completion.tokens = tokens;
        for (const Reply& reply : replies) {
            texts.push_back(reply.has_text ? reply.text() : std::string());
            ChoiceBody choice;
            if (reply.has_text) choice.content = texts.back();
            choice.tool_calls = &reply.tool_calls;
            choice.finish_reason = reply.finish_reason;
            completion.choices.push_back(choice);
        }
        std::string json = chat_completion_json(completion);
        if (fault == Fault::malformed) json.resize(json.size() / 2);
        else service.count_completed(tokens.prompt, tokens.completion);
        co_return service.finish(exchange, kChatRoute, http::Response::json(std::move(json)));
    }

    auto job = std::make_shared<StreamJob>(StreamJob{self, std::move(replies), ChunkWriter(id, created, chat.model, shape.include_usage),
                                                     latency_model, shape.include_usage, fault, 0, exchange.started});
    if (fault == Fault::reset || fault == Fault::malformed) {
        // A few steps in, so a client has seen content when it breaks.
        Rng rng(fault_seed);
        const int last = std::max(0, std::min(steps, 3) - 1);
        job->fault_at = fault == Fault::reset ? static_cast<int>(rng.between(1, last + 1)) : static_cast<int>(rng.between(0, last));
    }
    // The writer is not a coroutine: the stream's task owns its own copy of the job.
    co_return service.finish(exchange, kChatRoute,
                             http::Response::sse([job](http::ResponseStream& out) { return run_stream(job, out); }));
}

}  // namespace agentio::sim::detail
