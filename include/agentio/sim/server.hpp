// server.hpp: sim::Server, an OpenAI-compatible server to develop and test against.
//
//     sim::Config config;                        // g++ 12: set fields; a braced Config
//     config.latency.time_to_first_token = 50ms; // in a coroutine does not compile
//     auto sim = co_await sim::Server::start(config);
//     llm::ClientOptions options;
//     options.base_url = sim.base_url();
//     llm::Client client(options);
//     // ... calls ...
//     co_await sim.shutdown();
//
// Routes: POST /v1/chat/completions (plain and streaming, with the usage
// chunk and `data: [DONE]`), POST /v1/embeddings, GET /v1/models, GET
// /health, GET /metrics (Prometheus text). It runs on the current loop, on
// http::Server, so one process can hold the simulator and its clients.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "agentio/core/task.hpp"
#include "agentio/sim/config.hpp"

namespace agentio::sim {

struct Stats {
    std::uint64_t requests = 0;        // every request to a /v1 route
    std::uint64_t completed = 0;       // answered 200 in full
    std::uint64_t rate_limited = 0;    // 429s from the limits (not injected faults)
    std::uint64_t faults = 0;          // injected faults of every kind
    std::uint64_t prompt_tokens = 0;
    std::uint64_t completion_tokens = 0;
};

class Server {
public:
    // Binds config.host:config.port and serves on the running loop. Throws if
    // the script cannot be read or parsed (naming the file and line).
    static Task<Server> start(Config config);

    Server(Server&&) noexcept;
    Server& operator=(Server&&) noexcept;
    ~Server();

    std::uint16_t port() const noexcept;
    // "http://127.0.0.1:PORT/v1", what OPENAI_BASE_URL would be.
    std::string base_url() const;
    const Config& config() const noexcept;
    Stats stats() const noexcept;
    // Stops accepting; requests in flight get `grace` to finish.
    Task<> shutdown(Duration grace = std::chrono::seconds(1));

private:
    struct State;
    explicit Server(std::shared_ptr<State> state);
    std::shared_ptr<State> state_;
};

}  // namespace agentio::sim
