// service.cpp: the routes other than chat and embeddings, and what every
// /v1 response shares (ids, the key check, errors, headers, counters).
#include "service.hpp"

#include <fmt/format.h>

#include <chrono>
#include <ctime>

#include "agentio/core/event_loop.hpp"
#include "agentio/sim/prng.hpp"
#include "agentio/sim/wire_writer.hpp"

namespace agentio::sim::detail {

namespace {

// The `created` of every model: a fixed date, so /v1/models is the same in
// every run (2024-01-01T00:00:00Z).
constexpr std::int64_t kModelsCreated = 1704067200;

// Compares without returning early at the first difference, so the time
// taken does not tell a caller how much of a key it guessed right.
bool same_secret(std::string_view given, std::string_view expected) {
    unsigned char difference = given.size() == expected.size() ? 0 : 1;
    for (std::size_t i = 0; i < expected.size(); ++i)
        difference |= static_cast<unsigned char>(expected[i] ^ (i < given.size() ? given[i] : 0));
    return difference == 0;
}

std::int64_t whole_ms_up(Duration d) { return std::chrono::ceil<std::chrono::milliseconds>(d).count(); }

// A handler's answer that needs no waiting, as the Task a route returns.
Task<http::Response> make_ready_response(http::Response response) { co_return response; }

}  // namespace

TimePoint now() { return EventLoop::current()->now(); }

std::int64_t unix_time() { return static_cast<std::int64_t>(std::time(nullptr)); }

std::string make_id(std::string_view prefix, std::uint64_t seed, int length) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    Rng rng(seed);
    std::string id(prefix);
    for (int i = 0; i < length; ++i) id.push_back(kAlphabet[rng.next() % 62]);
    return id;
}

Service::Service(Config config, Script script)
    : config_(std::move(config)), script_(std::move(script)), limits_(config_.limits, now()) {
    if (config_.api_key) expected_authorization_ = "Bearer " + *config_.api_key;
}

Exchange Service::begin() {
    Exchange exchange;
    exchange.number = next_number_++;
    exchange.started = now();
    exchange.request_id = make_id("req_", Hasher(config_.seed).add("request").add(exchange.number).value(), 32);
    return exchange;
}

std::optional<http::Response> Service::check_key(const http::Request& request, Exchange& exchange,
                                                std::string_view route) {
    if (!config_.api_key) return std::nullopt;
    const std::optional<std::string_view> given = request.header("Authorization");
    if (!given || given->empty())
        return error(exchange, route, 401,
                     "You didn't provide an API key. You need to provide your API key in an Authorization header "
                     "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                     "invalid_request_error");
    if (!same_secret(*given, expected_authorization_))
        // The key given is not quoted back, not even in part: the message may be logged.
        return error(exchange, route, 401, "Incorrect API key provided.", "invalid_request_error", std::nullopt,
                     "invalid_api_key");
    return std::nullopt;
}

bool Service::serves(std::string_view model) const {
    if (config_.models.empty()) return true;
    for (const std::string& served : config_.models)
        if (served == model) return true;
    return false;
}

std::pair<Fault, std::uint64_t> Service::pick(const Exchange& exchange) {
    Rng rng(Hasher(config_.seed).add("fault").add(exchange.number).value());
    const Fault fault = pick_fault(config_.faults, rng.uniform());
    if (fault != Fault::none) count_fault(fault);
    return {fault, rng.next()};
}

void Service::count_fault(Fault fault) {
    ++stats_.faults;
    metrics_.count_fault(fault);
}

http::Response Service::injected_status(Exchange& exchange, std::string_view route, Fault fault, std::uint64_t detail_seed) {
    if (fault == Fault::status_500)
        return error(exchange, route, 500, "The server had an error while processing your request. Sorry about that!",
                     "server_error");
    if (fault == Fault::status_503)
        return error(exchange, route, 503, "The server is overloaded, please try again later.", "server_error",
                     std::nullopt, "overloaded");
    Rng rng(detail_seed);
    const Duration wait = std::chrono::milliseconds(rng.between(100, 1000));
    http::Response response = error(
        exchange, route, 429,
        fmt::format("Rate limit reached for {} on requests (injected by the simulator). Please try again in {}.",
                    exchange.model.empty() ? "requests" : exchange.model, format_go_duration(wait)),
        "requests", std::nullopt, "rate_limit_exceeded");
    response.headers.set("retry-after-ms", std::to_string(whole_ms_up(wait)));
    response.headers.set("retry-after", std::to_string(std::chrono::ceil<std::chrono::seconds>(wait).count()));
    return response;
}

http::Response Service::limited(Exchange& exchange, std::string_view route, const RateLimitVerdict& verdict) {
    ++stats_.rate_limited;
    metrics_.count_rate_limited(verdict.limit_type);
    const bool requests = verdict.limit_type == "requests";
    const char* per_minute = requests ? "requests per min (RPM)" : "tokens per min (TPM)";
    if (!verdict.retry_after) {
        // Waiting cannot help: the request alone is more than a minute's budget.
        return error(exchange, route, 429,
                     fmt::format("Request too large for {} on {}: Limit {}, Requested {}. The input or output tokens "
                                 "must be reduced in order to run successfully.",
                                 exchange.model, per_minute, verdict.limit, verdict.requested),
                     verdict.limit_type, std::nullopt, "rate_limit_exceeded");
    }
    http::Response response =
        error(exchange, route, 429,
              fmt::format("Rate limit reached for {} on {}: Limit {}, Used {}, Requested {}. Please try again in {}.",
                          exchange.model, per_minute, verdict.limit, verdict.used, verdict.requested,
                          format_go_duration(*verdict.retry_after)),
              verdict.limit_type, std::nullopt, "rate_limit_exceeded");
    response.headers.set("retry-after-ms", std::to_string(whole_ms_up(*verdict.retry_after)));
    response.headers.set("retry-after", std::to_string(std::chrono::ceil<std::chrono::seconds>(*verdict.retry_after).count()));
    return response;
}

http::Response Service::error(Exchange& exchange, std::string_view route, int status, std::string_view message,
                              std::string_view type, std::optional<std::string_view> param,
                              std::optional<std::string_view> code) {
    return finish(exchange, route, http::Response::json(error_json(message, type, param, code), status));
}

http::Response Service::finish(Exchange& exchange, std::string_view route, http::Response response) {
    const TimePoint t = now();
    response.headers.set("x-request-id", exchange.request_id);
    response.headers.set("openai-processing-ms", std::to_string(whole_ms_up(t - exchange.started)));
    response.headers.set("openai-version", "2020-10-01");
    if (!exchange.model.empty()) response.headers.set("openai-model", exchange.model);
    const bool limited_route = route == kChatRoute || route == kEmbeddingsRoute;
    // A 401 says nothing about the limits: the caller is nobody yet.
    if (limited_route && response.status != 401) limits_.write_headers(response.headers, t);
    metrics_.count_response(route, response.status);
    if (!response.stream) metrics_.observe_duration(route, t - exchange.started);
    return response;
}

void Service::count_completed(std::int64_t prompt_tokens, std::int64_t completion_tokens) {
    ++stats_.completed;
    stats_.prompt_tokens += static_cast<std::uint64_t>(prompt_tokens);
    stats_.completion_tokens += static_cast<std::uint64_t>(completion_tokens);
    metrics_.add_tokens(prompt_tokens, completion_tokens);
}

void Service::add_routes(const std::shared_ptr<Service>& service, http::Server& server) {
    // The handlers hold the service: it lives while any of them can run.
    server.route("GET", "/health", [service](http::Request&) {
        service->metrics_.count_response("/health", 200);
        return make_ready_response(http::Response::text("ok"));
    });
    server.route("GET", "/metrics", [service](http::Request&) {
        // Counted before rendering, so a scrape sees itself.
        service->metrics_.count_response("/metrics", 200);
        return make_ready_response(http::Response::text(service->metrics_.render(), 200, "text/plain; version=0.0.4; charset=utf-8"));
    });
    server.route("POST", std::string(kChatRoute), [service](http::Request& request) { return chat(service, request); });
    server.route("POST", std::string(kEmbeddingsRoute),
                 [service](http::Request& request) { return embeddings(service, request); });
    server.route("GET", std::string(kModelsRoute), [service](http::Request& request) {
        Service& self = *service;
        Exchange exchange = self.begin();
        ++self.stats_.requests;
        if (auto denied = self.check_key(request, exchange, kModelsRoute)) return make_ready_response(std::move(*denied));
        return make_ready_response(
            self.finish(exchange, kModelsRoute, http::Response::json(models_json(self.config_.listed_models(), kModelsCreated))));
    });
    server.route("GET", std::string(kModelsRoute) + "/*", [service](http::Request& request) {
        Service& self = *service;
        Exchange exchange = self.begin();
        ++self.stats_.requests;
        if (auto denied = self.check_key(request, exchange, kModelsRoute)) return make_ready_response(std::move(*denied));
        const std::string_view id = request.path().substr(kModelsRoute.size() + 1);
        if (!self.serves(id) || id.empty())
            return make_ready_response(self.error(exchange, kModelsRoute, 404,
                                                  fmt::format("The model `{}` does not exist or you do not have access to it.", id),
                                                  "invalid_request_error", "model", "model_not_found"));
        std::string body = R"({"id":)";
        llm::append_json_string(body, id);
        body += fmt::format(R"(,"object":"model","created":{},"owned_by":"agentio-sim"}})", kModelsCreated);
        return make_ready_response(self.finish(exchange, kModelsRoute, http::Response::json(std::move(body))));
    });
    // Everything else, as the API answers it: a JSON 404 naming the method and path.
    for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
        server.route(method, "/*", [service](http::Request& request) {
            Service& self = *service;
            Exchange exchange = self.begin();
            return make_ready_response(self.error(
                exchange, "other", 404,
                fmt::format("Invalid URL ({} {})", request.method(), request.path()), "invalid_request_error"));
        });
    }
}

}  // namespace agentio::sim::detail
