// sim_fixture.hpp: a sim::Server on a free loopback port for one test body,
// an http::Client to talk to it, and small readers for its answers.
#pragma once

#include <agentio/agentio.hpp>
#include <agentio/http/client.hpp>
#include <agentio/llm/client.hpp>
#include <agentio/sim/server.hpp>
#include <agentio/llm/json.hpp>

#include <string>
#include <vector>

namespace agentio::testkit {

inline constexpr const char* kChat = "/v1/chat/completions";

using Json = agentio::llm::Json;

// No waiting: replies are as fast as the loop goes.
inline sim::Config instant_config() {
    sim::Config config;
    config.latency.time_to_first_token = Duration::zero();
    config.latency.inter_token = Duration::zero();
    return config;
}

inline http::ClientOptions direct_client() {
    http::ClientOptions options;
    options.proxy = http::ProxyConfig{};  // whatever the environment says, no proxy
    return options;
}

// llm::Client options for `server`, without any proxy from the environment.
inline llm::ClientOptions llm_client_for(const sim::Server& server) {
    llm::ClientOptions options;
    options.base_url = "http://127.0.0.1:" + std::to_string(server.port()) + "/v1";
    options.api_key = "sk-test";
    options.http.proxy = http::ProxyConfig{};
    return options;
}

// Runs `body(sim, client)` against a fresh simulator; shuts it down after.
template <class Body>
void with_sim(sim::Config config, Body body, LoopOptions loop = {}) {
    run(
        [](sim::Config config, Body& body) -> Task<> {
            sim::Server server = co_await sim::Server::start(std::move(config));
            http::Client client(direct_client());
            co_await body(server, client);
            co_await server.shutdown(std::chrono::seconds(1));
        }(std::move(config), body),
        loop);
}

// with_sim on the virtual clock: the latency model's delays pass in no wall
// time, and the loop takes ready loopback I/O before it jumps to a timer, so
// measured durations are exact.
template <class Body>
void with_sim_virtual(sim::Config config, Body body) {
    LoopOptions loop;
    loop.virtual_clock = true;
    with_sim(std::move(config), std::move(body), loop);
}

struct Answer {
    int status = 0;
    http::Headers headers;
    std::string body;

    Json json() const { return Json::parse(body); }
    std::string header(std::string_view name) const { return std::string(headers.get(name).value_or("")); }
};

inline Task<Answer> send(http::Client& client, const sim::Server& server, std::string method, std::string path,
                         std::string body = {}, http::Headers headers = {}) {
    http::ClientRequest request;
    request.method = std::move(method);
    request.url = "http://127.0.0.1:" + std::to_string(server.port()) + path;
    request.headers = std::move(headers);
    if (!body.empty()) request.headers.set("Content-Type", "application/json");
    request.body = std::move(body);
    http::ClientResponse response = co_await client.send(std::move(request));
    Answer answer;
    answer.status = response.status();
    answer.headers = response.headers();
    answer.body = co_await response.text();
    co_return answer;
}

inline Task<Answer> post(http::Client& client, const sim::Server& server, std::string path, std::string body,
                         http::Headers headers = {}) {
    return send(client, server, "POST", std::move(path), std::move(body), std::move(headers));
}

inline Task<Answer> get(http::Client& client, const sim::Server& server, std::string path, http::Headers headers = {}) {
    return send(client, server, "GET", std::move(path), {}, std::move(headers));
}

// A chat request body: one user message, the model, and the fields of the
// JSON object `extra` merged in. (Text, not a Json: g++ 12 rejects braced
// lists inside a co_await expression, where these calls usually sit.)
inline std::string chat_body(std::string user, std::string_view extra = "{}", std::string model = "sim-small") {
    Json body = {{"model", model}, {"messages", Json::array({{{"role", "user"}, {"content", user}}})}};
    const Json fields = Json::parse(extra);
    for (const auto& [key, value] : fields.items()) body[key] = value;
    return body.dump();
}

inline http::Headers bearer(std::string key) {
    http::Headers headers;
    headers.add("Authorization", "Bearer " + key);
    return headers;
}

// The `data` of every event of an SSE body, in order.
inline std::vector<std::string> sse_data(const std::string& body) {
    std::vector<std::string> data;
    std::size_t at = 0;
    while (at < body.size()) {
        std::size_t end = body.find("\n\n", at);
        if (end == std::string::npos) end = body.size();
        const std::string event = body.substr(at, end - at);
        if (event.rfind("data: ", 0) == 0) data.push_back(event.substr(6));
        at = end + 2;
    }
    return data;
}

}  // namespace agentio::testkit
