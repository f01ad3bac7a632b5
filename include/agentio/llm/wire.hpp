// wire.hpp: the OpenAI JSON wire format, both ways. No I/O.
//
// Requests are written straight to text, member by member (an agent sends
// its whole conversation and its tools' schemas on every turn: no JSON tree
// is built and copied for that); responses and streamed chunks are read with
// simdjson on-demand, because a stream of thousands of chunks per second is
// the hot path. Parsers ignore
// fields they do not know and accept null wherever the API may send it.
// Malformed input throws StreamError naming what was wrong and where; it
// never crashes, and the text quoted in a message is cut short.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agentio/llm/chat.hpp"
#include "agentio/llm/embeddings.hpp"
#include "agentio/llm/errors.hpp"

namespace agentio::llm {

// The request body. With `stream`, also "stream": true and
// "stream_options": {"include_usage": true}. `extra` is merged in last.
// Embedding requests ask for "encoding_format": "float" (the only form
// parse_embedding_response reads; base64 answers are a StreamError).
// Throws agentio::Error if `extra` is neither null nor an object.
std::string to_json(const ChatRequest& request, bool stream);
std::string to_json(const EmbeddingRequest& request);
// One message as the request writes it: as text (a stored conversation's
// line), or as a Json value to put inside another.
std::string to_json(const Message& message);
Json to_json_value(const Message& message);

// The other way, for servers (the simulator) and tests. Throws StreamError.
// Content may be a string or an array of content parts (their texts are
// joined); stop a string or an array. Fields ChatRequest has no member for
// land in `extra`, including "stream" and "stream_options": a server reads
// them from there.
ChatRequest parse_chat_request(std::string_view body);
// One message of a conversation, as to_json_value writes it (a stored
// conversation read back). Throws StreamError naming what is wrong.
Message message_from_json(const Json& value);

// Bodies of 2xx responses. A body that is an error object instead
// ({"error": {...}}, sent with status 200 by some servers) throws ApiError
// with status 0. Choices come out sorted by index; embeddings in input order
// (each item's `index` must be present, in range and unique).
ChatResponse parse_chat_response(std::string_view body);
EmbeddingResponse parse_embedding_response(std::string_view body);
std::vector<Model> parse_model_list(std::string_view body);

// The error body of a non-2xx response. Never throws: a body that is not the
// API's error JSON gives `message` = the start of the body (or the reason).
ApiErrorBody parse_error_body(int status, std::string_view body);

// Parses the `data` of one streamed event into `out`, reusing its storage.
// Keeps one simdjson parser and padded buffer, so the steady state does not
// allocate. Not thread-safe; one per stream.
//
// An event that is an error object ({"error": {...}}, which servers send
// mid-stream when they fail after the 200 headers) throws ApiError with
// status 0 (the HTTP status said success) and the body's message, type,
// param and code. A tool-call delta without an `index` is numbered by its
// place in the array. After a throw, `out` is valid but its content is
// unspecified. Does not handle the "[DONE]" sentinel: that is the caller's.
class ChunkParser {
public:
    ChunkParser();
    ~ChunkParser();
    ChunkParser(ChunkParser&&) noexcept;
    ChunkParser& operator=(ChunkParser&&) noexcept;

    void parse(std::string_view data, ChatChunk& out);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace agentio::llm
