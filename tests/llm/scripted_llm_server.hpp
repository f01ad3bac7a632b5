// scripted_llm_server.hpp: the LLM client tests' server, an OpenAI-shaped
// http::Server on loopback whose answer to each attempt the test scripts, run
// on the virtual clock; and the replies, chunks and records they use.
#pragma once

#include <agentio/agentio.hpp>
#include <agentio/http/server.hpp>
#include <agentio/llm/client.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "http/server_fixture.hpp"

namespace agentio::testkit {

inline constexpr const char* kKey = "sk-test-5ecret-K3y-never-shown";

// The server's answer to each attempt in turn (the last one repeats).
struct Script {
    std::vector<http::Handler> answers;
    int requests = 0;
    int in_flight = 0;
    int max_in_flight = 0;
    std::vector<std::string> bodies;
    std::vector<std::string> authorizations;
};

inline std::string chunk(std::string_view delta_json, std::string_view finish = "null") {
    return "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
           "\"choices\":[{\"index\":0,\"delta\":" + std::string(delta_json) + ",\"logprobs\":null,\"finish_reason\":" +
           std::string(finish) + "}]}\n\n";
}
inline const std::string kRoleChunk = chunk(R"({"role":"assistant","content":""})");
inline const std::string kUsageChunk =
    "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
    "\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11}}\n\n";
inline const std::string kDone = "data: [DONE]\n\n";

inline const std::string kReply = R"({"id":"chatcmpl-9","object":"chat.completion","created":7,"model":"gpt-4o-mini",
  "choices":[{"index":0,"message":{"role":"assistant","content":"Paris.","refusal":null},"logprobs":null,"finish_reason":"stop"}],
  "usage":{"prompt_tokens":1000000,"completion_tokens":1000000,"total_tokens":2000000},"service_tier":"default"})";

inline Task<http::Response> json_response(std::string body, int status, http::Headers headers) {
    http::Response response = http::Response::json(std::move(body), status);
    for (const auto& [name, value] : headers) response.headers.add(name, value);
    co_return response;
}

// Handlers are plain lambdas that hand their captures to a coroutine as
// parameters: a coroutine lambda's captures would live in the handler object.
inline http::Handler reply_json(std::string body, int status = 200, http::Headers headers = {}) {
    return [body, status, headers](http::Request&) { return json_response(body, status, headers); };
}

inline std::string error_json(std::string_view message, std::string_view type, std::string_view code) {
    return R"({"error":{"message":")" + std::string(message) + R"(","type":")" + std::string(type) +
           R"(","param":null,"code":")" + std::string(code) + R"("}})";
}

inline Task<> write_pieces(http::ResponseStream& out, std::vector<std::string> pieces, Duration gap, bool throw_at_end) {
    for (const std::string& piece : pieces) {
        if (gap > Duration::zero()) co_await sleep(gap);
        co_await out.write(piece);
    }
    // Throwing mid-body makes the server drop the connection without the
    // chunked terminator: a stream broken off.
    if (throw_at_end) throw Error("server broke the stream");
}

inline Task<http::Response> sse_response(std::vector<std::string> pieces, Duration gap, bool throw_at_end) {
    co_return http::Response::sse([pieces, gap, throw_at_end](http::ResponseStream& out) {
        return write_pieces(out, pieces, gap, throw_at_end);
    });
}

// An SSE reply: each piece written after `gap`.
inline http::Handler reply_stream(std::vector<std::string> pieces, Duration gap = Duration::zero(), bool throw_at_end = false) {
    return [pieces, gap, throw_at_end](http::Request&) { return sse_response(pieces, gap, throw_at_end); };
}

inline Task<http::Response> answer(std::shared_ptr<Script> script, http::Request& request) {
    Script& s = *script;
    const std::size_t turn = std::min<std::size_t>(static_cast<std::size_t>(s.requests), s.answers.size() - 1);
    ++s.requests;
    s.bodies.push_back(co_await request.text());
    s.authorizations.emplace_back(request.header("Authorization").value_or(""));
    ++s.in_flight;
    s.max_in_flight = std::max(s.max_in_flight, s.in_flight);
    http::Response response = co_await s.answers[turn](request);
    --s.in_flight;
    co_return response;
}

inline void add_routes(http::Server& server, std::shared_ptr<Script> script) {
    http::Handler handler = [script](http::Request& request) { return answer(script, request); };
    server.route("POST", "/v1/chat/completions", handler);
    server.route("POST", "/v1/embeddings", handler);
    server.route("GET", "/v1/models", handler);
}

inline llm::ClientOptions options_for(const http::Server& server) {
    llm::ClientOptions options;
    options.api_key = kKey;
    options.base_url = "http://127.0.0.1:" + std::to_string(server.port()) + "/v1/";
    options.http.proxy = http::ProxyConfig{};
    options.jitter_seed = 1;
    options.retry.initial_delay = std::chrono::milliseconds(10);
    return options;
}

inline llm::ChatRequest question() {
    llm::ChatRequest request;
    request.model = "gpt-4o-mini";
    request.messages = {llm::Message::user("Capital of France?")};
    return request;
}

// On the virtual clock: timeouts, retry waits and stalls pass in no wall
// time, and every measured duration is exact.
template <class Body>
void with_script(std::shared_ptr<Script> script, Body body) {
    http::ServerOptions server_options;
    server_options.report_handler_errors = false;
    LoopOptions loop;
    loop.virtual_clock = true;
    agentio::testkit::with_http_server(
        server_options, [script](http::Server& server) { add_routes(server, script); }, std::move(body), loop);
}

// Every record the client made, for assertions after the call.
struct Records {
    std::vector<llm::RequestRecord> all;
    void attach(llm::ClientOptions& options) {
        options.on_record = [this](const llm::RequestRecord& record) { all.push_back(record); };
    }
};

}  // namespace agentio::testkit
