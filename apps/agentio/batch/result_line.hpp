// result_line.hpp: one output line in the OpenAI Batch output format.
//
//   {"id": "batch_req_...", "custom_id": "...",
//    "response": {"status_code": 200, "request_id": "...", "body": {chat.completion}},
//    "error": null}
//
// The body is the server's own JSON, every field of it kept, for a plain
// call; a streamed reply's is the chat.completion assembled from its
// chunks.
//
// A request that failed after its retries still gets its line, as OpenAI
// writes them: the server's status and error body in "response" (and
// "error": null) when it answered; else "response": null and
// "error": {"code", "message"}.
#pragma once

#include <exception>
#include <string>

#include "agentio/llm/chat.hpp"
#include "agentio/llm/request_record.hpp"
#include "batch/input.hpp"

namespace agentio::cli::batch {

std::string success_line(const Item& item, const llm::ChatResponse& reply, const llm::RequestRecord& record);
std::string failure_line(const Item& item, const std::exception_ptr& error);

// The short name of a failure for counts and the "error.code" field:
// the API's code or type, or "timeout", "first_token_timeout",
// "connection_error", "stream_error", "error".
std::string failure_code(const std::exception_ptr& error);

// A call's outcome as the summary counts it: "200" for a success, else the
// status the server answered with and the failure code ("500 server_error"),
// or the code alone when no status came ("timeout").
std::string outcome_label(const llm::RequestRecord& record, const std::exception_ptr& error);

}  // namespace agentio::cli::batch
