// result_line.cpp: chat.completion bodies and error objects as JSON lines.
#include "batch/result_line.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <agentio/llm/json.hpp>
#include <simdjson.h>

#include "agentio/core/errors.hpp"
#include "agentio/llm/errors.hpp"
#include "agentio/llm/wire.hpp"
#include "agentio/net/errors.hpp"

namespace agentio::cli::batch {
namespace {

using Json = agentio::llm::Json;

// The same id for a custom_id in every build and run (FNV-1a, where
// std::hash is free to differ between library versions).
std::string request_id(const Item& item) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const unsigned char c : item.custom_id) hash = (hash ^ c) * 0x100000001b3ULL;
    return fmt::format("batch_req_{:016x}", hash);
}

Json completion_body(const llm::ChatResponse& reply) {
    Json choices = Json::array();
    for (const llm::Choice& choice : reply.choices) {
        Json message = llm::to_json_value(choice.message);
        if (message.is_object() && !message.contains("content")) message["content"] = nullptr;
        choices.push_back({{"index", choice.index},
                           {"message", std::move(message)},
                           {"logprobs", nullptr},
                           {"finish_reason", choice.finish_reason.empty() ? Json(nullptr) : Json(choice.finish_reason)}});
    }
    Json body = {{"id", reply.id},
                 {"object", "chat.completion"},
                 {"created", reply.created},
                 {"model", reply.model},
                 {"choices", std::move(choices)}};
    if (reply.usage) {
        body["usage"] = {{"prompt_tokens", reply.usage->prompt_tokens},
                         {"completion_tokens", reply.usage->completion_tokens},
                         {"total_tokens", reply.usage->total_tokens}};
        if (reply.usage->cached_tokens > 0)
            body["usage"]["prompt_tokens_details"] = {{"cached_tokens", reply.usage->cached_tokens}};
        if (reply.usage->reasoning_tokens > 0)
            body["usage"]["completion_tokens_details"] = {{"reasoning_tokens", reply.usage->reasoning_tokens}};
    }
    if (!reply.system_fingerprint.empty()) body["system_fingerprint"] = reply.system_fingerprint;
    return body;
}

// Whether `text` is one whole JSON document. The client's on-demand parse
// reads only the fields it knows and may skip over a malformed rest, and a
// body written into the output unchecked could leave a line that no resume
// can read.
bool is_valid_json(const std::string& text) {
    thread_local simdjson::dom::parser parser;
    return !parser.parse(text).error();
}

// The status of a call that succeeded (a client that saw none assumes 200).
int answered_status(const llm::RequestRecord& record) { return record.status == 0 ? 200 : record.status; }

// A JSON string, as the output writes every string it did not receive whole.
std::string quoted(const std::string& text) { return Json(text).dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace

std::string failure_code(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const llm::ApiError& e) {
        if (!e.code().empty()) return e.code();
        if (!e.type().empty()) return e.type();
        return "http_" + std::to_string(e.status());
    } catch (const llm::FirstTokenTimeout&) {
        return "first_token_timeout";
    } catch (const TimeoutError&) {
        return "timeout";
    } catch (const llm::StreamError&) {
        return "stream_error";
    } catch (const net::ConnectionError&) {
        return "connection_error";
    } catch (const net::DnsError&) {
        return "connection_error";
    } catch (...) {
        return "error";
    }
}

std::string success_line(const Item& item, const llm::ChatResponse& reply, const llm::RequestRecord& record) {
    std::string line = fmt::format(R"({{"id": {}, "custom_id": {}, "response": {{"status_code": {}, "request_id": {}, "body": )",
                                   quoted(request_id(item)), quoted(item.custom_id), answered_status(record),
                                   quoted(record.request_id));
    if (!reply.raw_body.empty() && is_valid_json(reply.raw_body)) {
        // A plain reply's body as the server sent it, every field kept. A
        // line break in valid JSON can only be whitespace between tokens, so
        // it becomes a space and the line stays one line.
        const std::size_t body_at = line.size();
        line += reply.raw_body;
        std::replace_if(line.begin() + static_cast<std::ptrdiff_t>(body_at), line.end(),
                        [](char c) { return c == '\n' || c == '\r'; }, ' ');
    } else {
        // A streamed reply (or a body that is not whole JSON): the chat.completion as assembled.
        line += completion_body(reply).dump(-1, ' ', false, Json::error_handler_t::replace);
    }
    line += R"(}, "error": null})";
    return line;
}

std::string outcome_label(const llm::RequestRecord& record, const std::exception_ptr& error) {
    if (!error) return std::to_string(answered_status(record));
    try {
        std::rethrow_exception(error);
    } catch (const llm::ApiError& e) {
        if (e.status() > 0) return fmt::format("{} {}", e.status(), failure_code(error));
    } catch (...) {
    }
    return failure_code(error);
}

std::string failure_line(const Item& item, const std::exception_ptr& error) {
    // As OpenAI writes them: a status the server answered goes in "response"
    // with its error body and "error" is null; "error" is for failures that
    // got no status (connection, timeout, a stream broken off).
    Json response = nullptr;
    try {
        std::rethrow_exception(error);
    } catch (const llm::ApiError& e) {
        if (e.status() > 0)
            response = {{"status_code", e.status()},
                        {"request_id", e.request_id()},
                        {"body",
                         {{"error",
                           {{"message", e.message()},
                            {"type", e.type()},
                            {"param", e.param().empty() ? Json(nullptr) : Json(e.param())},
                            {"code", e.code().empty() ? Json(nullptr) : Json(e.code())}}}}}};
    } catch (...) {
    }
    const Json failure = response.is_null() ? Json{{"code", failure_code(error)}, {"message", describe(error)}} : Json(nullptr);
    const Json line = {{"id", request_id(item)},
                       {"custom_id", item.custom_id},
                       {"response", std::move(response)},
                       {"error", failure}};
    return line.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace agentio::cli::batch
