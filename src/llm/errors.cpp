// errors.cpp: ApiError's message.
//
// The message is built only from the response (status, error body, the
// x-request-id response header), never from the request, so no request
// header, the Authorization key among them, can leak into it. Some
// OpenAI-compatible proxies echo the key they rejected in their error text;
// anything in the server's text shaped like a secret key (sk-... of 16 or more
// key characters) is masked down to its last four characters, both in what()
// and in message().
#include <string>
#include <utility>

#include "agentio/llm/errors.hpp"

namespace agentio::llm {

namespace {

bool key_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

std::string mask_keys(std::string text) {
    constexpr std::size_t kMinSecret = 16;
    std::size_t from = 0;
    while ((from = text.find("sk-", from)) != std::string::npos) {
        if (from > 0 && key_char(text[from - 1])) {
            from += 3;
            continue;
        }
        std::size_t end = from + 3;
        while (end < text.size() && key_char(text[end])) ++end;
        const std::size_t secret = end - from - 3;
        if (secret < kMinSecret) {
            from = end;
            continue;
        }
        const std::string masked = "sk-***" + text.substr(end - 4, 4);
        text.replace(from, end - from, masked);
        from += masked.size();
    }
    return text;
}

ApiErrorBody masked(ApiErrorBody body) {
    body.message = mask_keys(std::move(body.message));
    return body;
}

// "429 rate_limit_exceeded: Rate limit reached ... (type=requests)".
std::string describe(const ApiErrorBody& body) {
    std::string out = body.status != 0 ? std::to_string(body.status) : std::string("error event in stream");
    if (!body.code.empty()) out += " " + body.code;
    out += ": ";
    out += body.message.empty() ? std::string("(no message)") : body.message;
    if (!body.type.empty() || !body.param.empty()) {
        out += " (";
        if (!body.type.empty()) out += "type=" + body.type;
        if (!body.type.empty() && !body.param.empty()) out += ", ";
        if (!body.param.empty()) out += "param=" + body.param;
        out += ")";
    }
    if (!body.request_id.empty()) out += " [request id " + body.request_id + "]";
    return out;
}

}  // namespace

ApiError::ApiError(ApiErrorBody body) : Error(describe(masked(body))), body_(masked(std::move(body))) {}

}  // namespace agentio::llm
