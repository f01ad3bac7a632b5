// chat.cpp: POST /v1/chat/completions, plain and streamed.
//
// A plain reply waits as long as the same reply streamed would take (the
// first-token delay plus one gap per further event) and then sends it whole.
// A streamed reply sends the role chunk at once, then one event per token
// (or tool-call piece) on the latency model's schedule, then the finish
// chunk, the usage chunk when asked for, and `data: [DONE]`. Events are due
// at fixed times from the first token on (sleep_until), so a slow write does
// not push every later token back.
//
// The hot path is the stream: every event is formatted into one buffer the
// stream reuses (wire_writer.hpp), and a generated token is produced straight
// into a second small reused buffer; nothing is allocated per token.
#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "agentio/core/sleep.hpp"
#include "agentio/llm/errors.hpp"
#include "agentio/llm/wire.hpp"
#include "agentio/net/errors.hpp"
#include "agentio/sim/latency.hpp"
#include "agentio/sim/prng.hpp"
#include "agentio/sim/reply.hpp"
#include "agentio/sim/text_generator.hpp"
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

// Walks a reply's events in the order they are streamed: text tokens, then
// the tool calls, one after the other or interleaved by index.
class EventCursor {
public:
    EventCursor(const Reply& reply, const ChunkWriter& writer)
        : reply_(reply), writer_(writer), generator_(reply.seed, reply.text_tokens, reply.complete) {
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
            if (reply_.scripted) token_ = reply_.pieces[static_cast<std::size_t>(text_sent_)];
            else generator_.append_next(token_);
            ++text_sent_;
            writer_.content(out, token_);
            return true;
        }
        if (step_ == order_.size()) return false;
        const auto [call, fragment] = order_[step_++];
        const llm::ToolCall& tool_call = reply_.tool_calls[call];
        const int index = static_cast<int>(call);
        if (fragment == kStart) {
            writer_.tool_call_start(out, index, tool_call.id, tool_call.name);
        } else {
            const auto& ends = reply_.fragment_ends[call];
            const std::size_t begin = fragment == 0 ? 0 : ends[fragment - 1];
            writer_.tool_call_arguments(out, index, std::string_view(tool_call.arguments).substr(begin, ends[fragment] - begin));
        }
        return true;
    }

private:
    static constexpr std::size_t kStart = static_cast<std::size_t>(-1);

    const Reply& reply_;
    const ChunkWriter& writer_;
    TextGenerator generator_;
    std::string token_;
    int text_sent_ = 0;
    std::vector<std::pair<std::size_t, std::size_t>> order_;  // (call, fragment or kStart)
    std::size_t step_ = 0;
};

// Everything a stream needs after its handler has returned.
struct StreamJob {
    std::shared_ptr<Service> service;
    Reply reply;
    ChunkWriter writer;
    bool include_usage = false;
    Fault fault = Fault::none;
    int fault_at = 0;  // the event a reset comes before, or the one sent malformed
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

// Replaces the complete event in `event` by its first half: not JSON.
void break_event(std::string& event) {
    event.resize(event.size() / 2);
    event.append("\n\n");
}

Task<> run_stream(std::shared_ptr<StreamJob> job, http::ResponseStream& out) {
    StreamScope scope(*job);
    const Config& config = job->service->config();
    const Reply& reply = job->reply;
    std::string event;
    event.reserve(512);

    job->writer.role(event, !reply.has_text);
    co_await out.write(event);
    if (job->fault == Fault::stall) co_await sleep(config.faults.stall_for);

    LatencySampler latency(config.latency, Hasher(reply.seed).add("latency").value());
    TimePoint due = now() + latency.time_to_first_token();
    EventCursor cursor(reply, job->writer);
    for (int i = 0;; ++i) {
        event.clear();
        if (!cursor.next(event)) break;
        if (i > 0) due += latency.inter_token();
        co_await sleep_until(due);
        if (job->fault == Fault::reset && i == job->fault_at) {
            out.abort();
            co_return;
        }
        if (job->fault == Fault::malformed && i == job->fault_at) break_event(event);
        co_await out.write(event);
    }
    if (job->fault == Fault::reset) {  // a reply too short to reach fault_at
        out.abort();
        co_return;
    }
    event.clear();
    job->writer.finish(event, reply.finish_reason);
    if (job->fault == Fault::malformed && job->fault_at >= event_count(reply)) break_event(event);
    if (job->include_usage) job->writer.usage(event, reply.tokens);
    ChunkWriter::done(event);
    co_await out.write(event);
    if (job->fault != Fault::malformed) job->service->count_completed(reply.tokens.prompt, reply.tokens.completion);
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
    if (what.substr(0, 8) == "not JSON") return {"We could not parse the JSON body of your request: " + std::string(what), {}, {}};
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

    const std::string body = co_await request.text();
    llm::ChatRequest chat;
    std::optional<Problem> problem;
    try {
        chat = llm::parse_chat_request(body);
    } catch (const llm::StreamError& e) {
        problem = explain(e.what());
    }
    if (problem) {
        co_return service.error(exchange, kChatRoute, 400, problem->message, "invalid_request_error", problem->param,
                                problem->code);
    }
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
    if (chat.n && *chat.n != 1)
        co_return service.error(exchange, kChatRoute, 400, "The simulator answers with one choice: n must be 1.",
                                "invalid_request_error", "n");
    if (!service.serves(chat.model))
        co_return service.error(exchange, kChatRoute, 404,
                                fmt::format("The model `{}` does not exist or you do not have access to it.", chat.model),
                                "invalid_request_error", std::nullopt, "model_not_found");
    exchange.model = chat.model;

    const Shape shape = shape_of(chat);
    const std::int64_t prompt_tokens = estimate_prompt_tokens(chat);
    const RateLimitVerdict verdict =
        service.limits_.admit(prompt_tokens + (cap ? *cap : service.config_.output.max_tokens), exchange.started);
    if (!verdict.allowed) co_return service.limited(exchange, kChatRoute, verdict);

    const auto [fault, fault_seed] = service.pick(exchange);
    if (fault == Fault::status_429 || fault == Fault::status_500 || fault == Fault::status_503)
        co_return service.injected_status(exchange, kChatRoute, fault, fault_seed);

    Reply reply = plan_reply(service.config_, service.script_.match(chat), chat);
    const std::string id = make_id("chatcmpl-", Hasher(service.config_.seed).add("completion").add(exchange.number).value(), 24);
    const std::int64_t created = unix_time();
    const int events = event_count(reply);

    if (!shape.stream) {
        LatencySampler latency(service.config_.latency, Hasher(reply.seed).add("latency").value());
        Duration wait = latency.total(events);
        if (fault == Fault::stall) wait += service.config_.faults.stall_for;
        co_await sleep(wait);
        // Closed before a byte of the response: the client sees the connection end.
        if (fault == Fault::reset) throw net::ConnectionError("simulated connection reset (fault injection)");
        const std::string text = reply.text();
        ChatCompletionBody completion;
        completion.id = id;
        completion.created = created;
        completion.model = chat.model;
        if (reply.has_text) completion.content = text;
        completion.tool_calls = &reply.tool_calls;
        completion.finish_reason = reply.finish_reason;
        completion.tokens = reply.tokens;
        std::string json = chat_completion_json(completion);
        if (fault == Fault::malformed) json.resize(json.size() / 2);
        else service.count_completed(reply.tokens.prompt, reply.tokens.completion);
        co_return service.finish(exchange, kChatRoute, http::Response::json(std::move(json)));
    }

    auto job = std::make_shared<StreamJob>(StreamJob{self, std::move(reply), ChunkWriter(id, created, chat.model, shape.include_usage),
                                                     shape.include_usage, fault, 0, exchange.started});
    if (fault == Fault::reset || fault == Fault::malformed) {
        // A few events in, so a client has seen content when it breaks.
        Rng rng(fault_seed);
        const int last = std::max(0, std::min(events, 3) - 1);
        job->fault_at = fault == Fault::reset ? static_cast<int>(rng.between(1, last + 1)) : static_cast<int>(rng.between(0, last));
    }
    // The writer is not a coroutine: the stream's task owns its own copy of the job.
    co_return service.finish(exchange, kChatRoute,
                             http::Response::sse([job](http::ResponseStream& out) { return run_stream(job, out); }));
}

}  // namespace agentio::sim::detail
