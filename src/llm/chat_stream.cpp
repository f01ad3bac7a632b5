// chat_stream.cpp: a streamed chat completion: SSE events -> chunks -> the assembled reply.
//
// One attempt's body is read piece by piece (each piece bounded by the
// per-attempt and first-token timeouts until content has come, then by the
// idle timeout, and every next() by the call's total), fed to the SSE
// decoder, and each event's data parsed into one reused ChatChunk. Opening
// the stream and each next() run the client's one retry loop: a failure
// before any content has reached the caller is retried by the same rules as
// a plain call, the stream starting over on a new attempt; after that, it is
// thrown.
#include "agentio/llm/chat_stream.hpp"

#include "agentio/http/sse.hpp"
#include "agentio/llm/client.hpp"
#include "agentio/llm/stream_accumulator.hpp"
#include "agentio/llm/token_count.hpp"
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
    TokenCounting counting = TokenCounting::exact;  // for a reply whose usage the server does not report

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

    // The next chunk; nullptr after [DONE]. Throws what broke the attempt.
    // `start_over`: the last attempt failed, so this one begins anew.
    Task<const ChatChunk*> read_chunk(bool start_over) {
        if (start_over) {
            reply = StreamAccumulator{};
            co_await open();
        }
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
            const detail::Wait wait = reply.has_output() ? detail::Wait::NextPiece : detail::Wait::FirstContent;
            const std::optional<std::string_view> piece =
                co_await detail::awaiting_server(call, wait, response->body().next());
            if (!piece) {
                events.finish();
                throw StreamError("the stream ended before data: [DONE]" +
                                  std::string(reply.has_output() ? " (the reply is cut short)" : ""));
            }
            events.feed(*piece);
        }
    }

    // The call ended with `failure`: every later next() rethrows it.
    void fail(const std::exception_ptr& failure) {
        error = failure;
        complete(failure);
    }

    void complete(const std::exception_ptr& failure) {
        done = true;
        const ChatResponse& whole = reply.response();
        if (whole.usage) {
            call.record.usage = *whole.usage;
            call.record.usage_reported = true;
        } else if (failure && !reply.has_output()) {
            // Refused or cut off before any output (a 404, a reset): the
            // request's estimate was for the limiter; no total may count it.
            call.record.usage = Usage{};
        } else {
            // No usage chunk: the reply counted here keeps the limiter and the cost honest.
            std::int64_t tokens = 0;
            for (const Choice& choice : whole.choices) {
                if (choice.message.content) tokens += text_tokens(call.record.model, *choice.message.content, counting);
                for (const ToolCall& tool : choice.message.tool_calls) tokens += text_tokens(call.record.model, tool.arguments, counting);
            }
            call.record.usage.completion_tokens = tokens;
            call.record.usage.total_tokens = call.record.usage.prompt_tokens + tokens;
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
    Task<const ChatChunk*> reading = state.client->retrying(
        state.call, [&state](bool start_over) { return state.read_chunk(start_over); },
        [&state] { return state.reply.has_output(); });  // after content, a failure is thrown
    Timeout total(state.call.deadline);
    Outcome<const ChatChunk*> chunk = co_await capture(total.run(std::move(reading)));
    if (std::exception_ptr failure = detail::call_error(total, chunk.error())) {
        state.fail(failure);
        std::rethrow_exception(failure);
    }
    if (!chunk.value()) state.complete(nullptr);
    co_return chunk.value();
}

Task<ChatStream> Client::chat_stream(ChatRequest request) {
    return chat_stream(std::move(request), nullptr);
}

Task<ChatStream> Client::chat_stream(ChatRequest request, RequestRecord* record) {
    auto stream = std::make_unique<ChatStream::State>();
    ChatStream::State& state = *stream;
    state.call = state_->prepare("chat_stream", request.model, "/chat/completions");
    state.call.record_out = record;
    state.call.body = to_json(request, true);
    state.call.stream = true;
    state.counting = state_->options.token_counting;
    state.call.record.usage.prompt_tokens = prompt_tokens(request, state.counting);
    state.call.estimated_tokens = state.call.record.usage.prompt_tokens + output_allowance(request);
    state.client = state_;  // from here on the record is the stream's to finish, whatever happens
    state_->start(state.call);
    Task<> opening = state_->retrying(
        state.call, [&state](bool) { return state.open(); }, [] { return false; });
    Timeout total(state.call.deadline);
    Outcome<void> opened = co_await capture(total.run(state_->with_slot(state.call, std::move(opening))));
    if (std::exception_ptr failure = detail::call_error(total, opened.error())) {
        state.fail(failure);
        std::rethrow_exception(failure);
    }
    co_return ChatStream(std::move(stream));
}

}  // namespace agentio::llm
