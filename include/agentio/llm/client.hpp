// client.hpp: llm::Client, an OpenAI-compatible client that does not need babysitting.
//
//     llm::Client client;                      // OPENAI_API_KEY, OPENAI_BASE_URL
//     llm::ChatRequest request{.model = "gpt-4o-mini", .messages = {llm::Message::user("Hi")}};
//     llm::ChatResponse reply = co_await client.chat(request);
//     std::cout << reply.text();
//
// What it does for every call (see the headers of each part):
// - waits for a slot under max_concurrency, then for the RPM/TPM limiter
//   (rate_limiter.hpp), which also paces itself from x-ratelimit-* headers;
// - retries by openai-python's rules (retry_policy.hpp), each retry recorded;
// - applies the connect, first-token, idle and total timeouts (client_options.hpp);
// - throws ApiError/RateLimitError for an error status after its retries,
//   the net/http errors for connections, TimeoutError and its kinds;
// - leaves a RequestRecord with timings, tokens, retries and cost, for
//   ClientOptions::on_record, ChatStream::record() and chat_recorded().
// One Client per program (or per endpoint) is the intent: it holds the
// connection pool and the limiter that all calls share.
#pragma once

#include <memory>
#include <vector>

#include "agentio/core/task.hpp"
#include "agentio/llm/chat.hpp"
#include "agentio/llm/chat_stream.hpp"
#include "agentio/llm/client_options.hpp"
#include "agentio/llm/embeddings.hpp"
#include "agentio/llm/errors.hpp"

namespace agentio::llm {

class Client {
public:
    Client();  // ClientOptions::from_env()
    explicit Client(ClientOptions options);
    ~Client();
    Client(Client&&) noexcept;
    Client& operator=(Client&&) noexcept;

    Task<ChatResponse> chat(ChatRequest request);
    // Sends the request with "stream": true and include_usage; returns once
    // the response head is in (errors before that are thrown here).
    Task<ChatStream> chat_stream(ChatRequest request);

    // A chat call that returns its record with its outcome and throws nothing,
    // for callers that account for every call (a batch runner, a benchmark).
    // A CancelledError lands in `outcome` too: rethrow it (outcome.value())
    // unless swallowing the cancellation is meant. Delivery::Streamed streams
    // the reply, so the record has the time to first token and the gaps
    // between chunks, and returns it assembled.
    enum class Delivery { Whole, Streamed };
    Task<Recorded<ChatResponse>> chat_recorded(ChatRequest request, Delivery delivery = Delivery::Whole);

    Task<EmbeddingResponse> embeddings(EmbeddingRequest request);
    Task<std::vector<Model>> models();

    const ClientOptions& options() const noexcept;
    RateLimiter& rate_limiter() noexcept;

    struct State;  // internal

private:
    // `record`, when given, gets a copy of the call's record as the call ends.
    Task<ChatResponse> chat(ChatRequest request, RequestRecord* record);
    Task<ChatStream> chat_stream(ChatRequest request, RequestRecord* record);

    std::shared_ptr<State> state_;
};

}  // namespace agentio::llm
