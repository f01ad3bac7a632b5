// chat_stream.hpp: ChatStream, a streamed chat completion as it arrives.
//
// compile-context: extern llm::Client client; extern llm::ChatRequest request;
//     llm::ChatStream stream = co_await client.chat_stream(request);
//     while (const llm::ChatChunk* chunk = co_await stream.next())
//         std::cout << chunk->content() << std::flush;
//     const llm::ChatResponse& whole = stream.response();  // tool calls assembled, usage
//
// - next() returns each chunk of the stream, already folded into response();
//   the pointer is valid until the next call. nullptr after `data: [DONE]`.
// - Errors: a stream that breaks off (reset, EOF before [DONE], a malformed
//   chunk) throws; it is never a short success. Before any content has come,
//   a broken or stalled attempt is retried by the client's policy, invisibly;
//   once content has come, the error is thrown.
// - Timeouts: first_token until the first content fragment, then idle
//   between chunks, and the call's total timeout throughout.
// - The record (record()) is complete once next() returned nullptr or threw;
//   a stream dropped before its end closes its connection and records
//   "abandoned".
// - A ChatStream may outlive the Client that opened it: it shares the
//   client's state (connection pool, rate limiter, options) until it ends.
#pragma once

#include <memory>

#include "agentio/core/task.hpp"
#include "agentio/llm/chat.hpp"
#include "agentio/llm/request_record.hpp"

namespace agentio::llm {

class ChatStream {
public:
    ChatStream(ChatStream&&) noexcept;
    ChatStream& operator=(ChatStream&&) noexcept;
    ~ChatStream();

    Task<const ChatChunk*> next();

    // Everything received so far, assembled.
    const ChatResponse& response() const noexcept;
    const RequestRecord& record() const noexcept;

    struct State;  // internal

private:
    friend class Client;
    explicit ChatStream(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

}  // namespace agentio::llm
