// chat_stream.cpp: a streamed chat completion: SSE events -> chunks -> the assembled reply.
//
// One attempt's body is read piece by piece (each piece bounded by the
// first-token and per-attempt timeouts until content has come, then by the
// idle timeout, and always by the call's total), fed to the SSE decoder, and each event's data
// parsed into one reused ChatChunk. A failure before any content has reached
// the caller goes through the same retry decision as a plain call and the
// stream starts over on a new attempt; after that, it is thrown.
#include "agentio/llm/chat_stream.hpp"

#include "agentio/http/sse.hpp"
#include "agentio/llm/client.hpp"
#include "agentio/llm/stream_accumulator.hpp"
#include "agentio/llm/wire.hpp"
#include "call.hpp"

namespace agentio::llm {

struct ChatStream::State {
    std::shared_ptr<Client::State> client;
    detail::Call call;
    std::optional<http::ClientResponse> response;
    http::SseDecoder events;
    http::SseEvent event;  // reused: its buffers cycle through the decoder
    ChunkParser parser;
    ChatChunk chunk;
    StreamAccumulator reply;
    bool done = false;  // [DONE] seen, or the call failed: next() returns nullptr / rethrows
    std::exception_ptr error;

    ~State() {
        if (!done && client) {
            client->finish(call, std::make_exception_ptr(Error("the stream was abandoned before its end")));
        }
    }

    // Starts an attempt: the head is in when this returns.
    Task<> open() {
        response.reset();
        events = http::SseDecoder{};
        response.emplace(co_await client->attempt(call));
    }

    // The next chunk of this attempt; nullptr after [DONE]. Throws what broke it.
    Task<const ChatChunk*> read_chunk() {
        for (;;) {
            if (events.next(event)) {
                if (event.data == "[DONE]") co_return nullptr;
                parser.parse(event.data, chunk);
                const bool had_output = reply.has_output();
                reply.add(chunk);
                if (!had_output && reply.has_output())
                    call.record.time_to_first_token = EventLoop::current()->now() - call.record.started;
                co_return &chunk;
            }
            const auto [deadline, bound] =
                reply.has_output()
                    ? tighter({call.deadline, detail::Bound::Total}, idle_deadline(), detail::Bound::Idle)
                    : tighter(attempt_limit(call), call.first_token_deadline, detail::Bound::FirstToken);
            Task<std::optional<std::string_view>> reading = response->body().next();
            const std::optional<std::string_view> piece = co_await bounded(deadline, bound, std::move(reading));
            if (!piece) {
                events.finish();
                throw StreamError("the stream ended before data: [DONE]" +
                                  std::string(reply.has_output() ? " (the reply is cut short)" : ""));
            }
            events.feed(*piece);
        }
    }

    std::optional<TimePoint> idle_deadline() const {
        if (!client->options.timeouts.idle) return std::nullopt;
        return EventLoop::current()->now() + *client->options.timeouts.idle;
    }

    void complete(const std::exception_ptr& failure) {
        done = true;
        const ChatResponse& whole = reply.response();
        if (whole.usage) {
            call.record.usage = *whole.usage;
            call.record.usage_reported = true;
        } else {
            // No usage chunk: an estimate keeps the limiter and the cost honest.
            std::int64_t chars = 0;
            for (const Choice& choice : whole.choices) {
                if (choice.message.content) chars += static_cast<std::int64_t>(choice.message.content->size());
                for (const ToolCall& tool : choice.message.tool_calls) chars += static_cast<std::int64_t>(tool.arguments.size());
            }
            call.record.usage.completion_tokens = chars / 4;
            call.record.usage.total_tokens = call.record.usage.prompt_tokens + chars / 4;
        }
        client->finish(call, failure);
    }
};

ChatStream::ChatStream(std::unique_ptr<State> state) : state_(std::move(state)) {}
ChatStream::ChatStream(ChatStream&&) noexcept = default;
ChatStream& ChatStream::operator=(ChatStream&&) noexcept = default;
ChatStream::~ChatStream() = default;

const ChatResponse& ChatStream::response() const noexcept { return state_->reply.response(); }
const RequestRecord& ChatStream::record() const noexcept { return state_->call.record; }

Task<const ChatChunk*> ChatStream::next() {
    State& state = *state_;
    if (state.error) std::rethrow_exception(state.error);
    if (state.done) co_return nullptr;
    for (;;) {
        std::exception_ptr failed;
        try {
            const ChatChunk* chunk = co_await state.read_chunk();
            if (!chunk) state.complete(nullptr);
            co_return chunk;
        } catch (...) {
            failed = std::current_exception();
        }
        // Before any content: retried like a failed request. After: thrown.
        std::exception_ptr final_error;
        try {
            co_await state.client->retry_or_rethrow(state.call, failed, state.reply.has_output());
            state.reply = StreamAccumulator{};
            co_await state.open();
        } catch (...) {
            final_error = std::current_exception();
        }
        if (final_error) {
            state.error = final_error;
            state.complete(final_error);
            std::rethrow_exception(final_error);
        }
    }
}

Task<ChatStream> Client::chat_stream(ChatRequest request) {
    return chat_stream(std::move(request), nullptr);
}

Task<ChatStream> Client::chat_stream(ChatRequest request, RequestRecord& record) {
    return chat_stream(std::move(request), &record);
}

Task<ChatStream> Client::chat_stream(ChatRequest request, RequestRecord* record) {
    auto stream = std::make_unique<ChatStream::State>();
    ChatStream::State& state = *stream;
    state.call = state_->prepare("chat_stream", request.model, "/chat/completions");
    state.call.record_out = record;
    state.call.body = to_json(request, true);
    state.call.stream = true;
    state.call.estimated_tokens = estimate_tokens(request);
    state.call.record.usage.prompt_tokens = estimate_prompt_tokens(request);
    std::exception_ptr error;
    try {
        co_await state_->begin(state.call);
        state.client = state_;  // from here on the record is the stream's to finish
        for (;;) {
            std::exception_ptr failed;
            try {
                co_await state.open();
                break;
            } catch (...) {
                failed = std::current_exception();
            }
            co_await state_->retry_or_rethrow(state.call, failed, false);
        }
    } catch (...) {
        error = std::current_exception();
    }
    if (error) {
        if (state.client) {
            state.error = error;
            state.complete(error);
        } else {
            state_->finish(state.call, error);
            state.done = true;
        }
        std::rethrow_exception(error);
    }
    co_return ChatStream(std::move(stream));
}

}  // namespace agentio::llm
