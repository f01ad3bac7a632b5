// service.hpp (internal): the simulator's routes and the state they share.
//
// One Service per sim::Server, owned jointly by the route handlers and the
// streams in flight (each holds a shared_ptr), never by the http::Server's
// owner alone: a stream that outlives a dropped sim::Server still finds its
// counters. The Service does not own the http::Server, so no cycle keeps
// either alive.
//
// Order of checks for a /v1 request, as the API's: API key (401), body and
// parameters (400), model (404), rate limits (429), then the injected fault
// if any, then the reply. Every response gets x-request-id and
// openai-processing-ms; chat and embedding responses after the key check also
// get the x-ratelimit-* headers of the configured limits.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "agentio/core/clock.hpp"
#include "agentio/core/task.hpp"
#include "agentio/core/to_thread.hpp"
#include "agentio/http/request.hpp"
#include "agentio/http/response.hpp"
#include "agentio/http/server.hpp"
#include "agentio/sim/config.hpp"
#include "agentio/sim/fault.hpp"
#include "agentio/sim/metrics.hpp"
#include "agentio/sim/rate_limits.hpp"
#include "agentio/sim/script.hpp"
#include "agentio/sim/server.hpp"

namespace agentio::sim::detail {

inline constexpr std::string_view kChatRoute = "/v1/chat/completions";
inline constexpr std::string_view kEmbeddingsRoute = "/v1/embeddings";
inline constexpr std::string_view kModelsRoute = "/v1/models";

// A request body of this size or more is parsed on a worker thread: one
// 50 MB request must not stall every other connection while it is read.
inline constexpr std::size_t kParseOffTheLoopFrom = 1u << 20;

// parse(body), off the loop for a large body (which the job owns: a
// cancelled caller does not wait for the thread).
template <class Parse>
Task<std::invoke_result_t<Parse&, const std::string&>> parse_body(std::string body, Parse parse) {
    if (body.size() < kParseOffTheLoopFrom) co_return parse(body);
    co_return co_await to_thread([parse](const std::string& text) { return parse(text); }, std::move(body));
}

// One request to a /v1 route.
struct Exchange {
    std::uint64_t number = 0;  // orders the fault draws and the ids
    TimePoint started;
    std::string request_id;
    std::string model;  // for openai-model, once known
};

class Service {
public:
    Service(Config config, Script script);

    static void add_routes(const std::shared_ptr<Service>& service, http::Server& server);

    const Config& config() const noexcept { return config_; }
    Stats stats() const noexcept { return stats_; }
    Metrics& metrics() noexcept { return metrics_; }

    static Task<http::Response> chat(std::shared_ptr<Service> self, http::Request& request);
    static Task<http::Response> embeddings(std::shared_ptr<Service> self, http::Request& request);

    // Shared by the handlers --------------------------------------------

    Exchange begin();
    // The 401 to send, if the request lacks the configured key.
    std::optional<http::Response> check_key(const http::Request& request, Exchange& exchange, std::string_view route);
    // Whether `model` is served (any model is, when none are configured).
    bool serves(std::string_view model) const;
    // The fault for this request (one draw per request, in arrival order),
    // and a generator for its details.
    std::pair<Fault, std::uint64_t> pick(const Exchange& exchange);
    // The 429, 500 or 503 of an injected fault.
    http::Response injected_status(Exchange& exchange, std::string_view route, Fault fault, std::uint64_t detail_seed);
    // A 429 from the limits for the request's model and verdict.
    http::Response limited(Exchange& exchange, std::string_view route, const RateLimitVerdict& verdict);
    // An API error body with `status`.
    http::Response error(Exchange& exchange, std::string_view route, int status, std::string_view message,
                         std::string_view type, std::optional<std::string_view> param = {},
                         std::optional<std::string_view> code = {});
    // Adds the common headers and counts the response. A fixed body's
    // duration is observed now; a stream observes its own at its end.
    http::Response finish(Exchange& exchange, std::string_view route, http::Response response);
    void count_completed(std::int64_t prompt_tokens, std::int64_t completion_tokens);
    void count_fault(Fault fault);

private:
    Config config_;
    Script script_;
    std::string expected_authorization_;  // "Bearer <key>", when a key is set
    RateLimitGate limits_;
    Metrics metrics_;
    Stats stats_;
    std::uint64_t next_number_ = 0;

};

// The loop's clock now.
TimePoint now();
// Unix time in seconds, for `created`.
std::int64_t unix_time();
// A prefix and `length` characters of [A-Za-z0-9] from `seed`.
std::string make_id(std::string_view prefix, std::uint64_t seed, int length);

}  // namespace agentio::sim::detail
