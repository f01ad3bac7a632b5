// client.cpp: llm::Client's calls, their attempts and the retry decision.
//
// Every call goes: start() (clocks) -> within the total timeout: with_slot()
// (concurrency slot) -> retrying() { attempt() (limiter, HTTP exchange) -> on
// failure retry_or_rethrow() -> attempt() ... } -> finish(). A retry's wait is
// slept inside the call's total deadline; a wait that would pass it ends the
// call with the last error instead.
#include "agentio/llm/client.hpp"

#include <cstdlib>

#include "agentio/core/sleep.hpp"
#include "agentio/core/timeout.hpp"
#include "agentio/http/url.hpp"
#include "agentio/llm/wire.hpp"
#include "agentio/net/errors.hpp"
#include "call.hpp"

namespace agentio::llm {
namespace {

std::string env_or(const char* name, std::string fallback) {
    const char* value = std::getenv(name);
    return value && *value ? std::string(value) : std::move(fallback);
}

std::string trim_slashes(std::string url) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}

bool retryable_connection_error(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const net::TlsError&) {
        return false;  // a certificate will not be valid on the next try
    } catch (const net::ConnectionError&) {
        return true;
    } catch (const net::DnsError&) {
        return true;
    } catch (...) {
        return false;
    }
}

}  // namespace

namespace detail {

AttemptTimeouts::AttemptTimeouts(const Call& call, Wait wait)
    : attempt_(wait != Wait::NextPiece ? call.attempt_deadline : std::nullopt),
      first_token_(wait == Wait::FirstContent ? call.first_token_deadline : std::nullopt),
      idle_(wait == Wait::NextPiece && call.idle_timeout
                ? std::optional<TimePoint>(EventLoop::current()->now() + *call.idle_timeout)
                : std::nullopt) {}

void AttemptTimeouts::throw_if_expired() const {
    // Outer scopes first: when two expire, the outer one's error is what came out.
    if (attempt_.expired()) throw TimeoutError("the server sent no complete reply within the per-attempt timeout");
    if (first_token_.expired()) throw FirstTokenTimeout("no content from the model within the first-token timeout");
    if (idle_.expired()) throw StreamIdleTimeout("the stream sent nothing within the idle timeout");
}

std::exception_ptr call_error(const Timeout& total, std::exception_ptr error) {
    if (!error || !total.expired()) return error;
    try {
        std::rethrow_exception(error);
    } catch (const TimeoutError&) {
        return std::make_exception_ptr(TimeoutError("the call's total timeout passed"));
    } catch (...) {
        return error;  // a cancellation from outside at the same time stays one
    }
}

}  // namespace detail

ClientOptions ClientOptions::from_env() {
    ClientOptions options;
    options.api_key = env_or("OPENAI_API_KEY", "");
    options.base_url = env_or("OPENAI_BASE_URL", options.base_url);
    options.organization = env_or("OPENAI_ORG_ID", "");
    options.project = env_or("OPENAI_PROJECT_ID", "");
    return options;
}

namespace {
http::ClientOptions transport_options(const ClientOptions& options) {
    http::ClientOptions transport = options.http;
    transport.connect_timeout = options.timeouts.connect;
    transport.read_timeout.reset();  // the LLM timeouts bound reads (they know first token from idle)
    transport.total_timeout.reset();
    return transport;
}
}  // namespace

Client::State::State(ClientOptions options_in)
    : options(std::move(options_in)),
      http(transport_options(options)),
      limiter(options.rate_limits),
      jitter(options.jitter_seed ? *options.jitter_seed : std::random_device{}()) {
    options.base_url = trim_slashes(options.base_url);
    (void)http::Url::parse(options.base_url);  // a bad base URL fails here, before any request
    if (options.max_concurrency > 0) slots = std::make_unique<Semaphore>(options.max_concurrency);
    http::Headers common;
    if (!options.api_key.empty()) common.add("Authorization", "Bearer " + options.api_key);
    if (!options.organization.empty()) common.add("OpenAI-Organization", options.organization);
    if (!options.project.empty()) common.add("OpenAI-Project", options.project);
    common.add("User-Agent", "agentio/0.1");
    get_headers = common;
    get_headers.add("Accept", "application/json");
    json_headers = get_headers;
    json_headers.add("Content-Type", "application/json");
    stream_headers = common;
    stream_headers.add("Accept", "text/event-stream");
    stream_headers.add("Content-Type", "application/json");
}

std::string Client::State::endpoint(std::string_view path) const {
    std::string url = options.base_url;
    url.append(path);
    return url;
}

std::string Client::State::redact(std::string text) const {
    const std::string& key = options.api_key;
    if (key.empty()) return text;
    for (std::size_t at = text.find(key); at != std::string::npos; at = text.find(key, at))
        text.replace(at, key.size(), "[redacted]");
    return text;
}

detail::Call Client::State::prepare(std::string operation, std::string model, std::string_view path) const {
    detail::Call call;
    call.url = endpoint(path);
    call.idle_timeout = options.timeouts.idle;
    call.record.operation = std::move(operation);
    call.record.model = std::move(model);
    return call;
}

void Client::State::start(detail::Call& call) const {
    const TimePoint now = EventLoop::current()->now();
    call.record.started = now;
    if (options.timeouts.total) call.deadline = now + *options.timeouts.total;
}

Task<http::ClientResponse> Client::State::attempt(detail::Call& call) {
    ++call.attempt;
    call.admission = co_await limiter.acquire(call.estimated_tokens);  // the last attempt's, if any, is released
    call.record.rate_limit_wait += call.admission.waited();

    http::ClientRequest request;
    request.method = call.body.empty() ? "GET" : "POST";
    request.url = call.url;
    request.headers = call.body.empty() ? get_headers : call.stream ? stream_headers : json_headers;
    request.body = call.body;
    // Both clocks start once the limiter has let the attempt go: its wait is
    // the client's own, not the server's slowness.
    const TimePoint now = EventLoop::current()->now();
    call.attempt_deadline.reset();
    call.first_token_deadline.reset();
    if (options.timeouts.attempt) call.attempt_deadline = now + *options.timeouts.attempt;
    if (call.stream && options.timeouts.first_token) call.first_token_deadline = now + *options.timeouts.first_token;
    // A stream's head comes before its first token, so the first-token
    // timeout already bounds it (a plain call has none).
    http::ClientResponse response =
        co_await detail::awaiting_server(call, detail::Wait::FirstContent, http.send(std::move(request)));

    call.record.connect += response.connect_time();
    call.record.status = response.status();
    if (auto id = response.header("x-request-id")) call.record.request_id = std::string(*id);
    limiter.observe(response.headers());
    call.admission.release();  // answered: no longer in flight
    if (response.ok()) {
        call.error_headers.clear();
        co_return response;
    }
    call.error_headers = response.headers();

    const std::string text = co_await detail::awaiting_server(call, detail::Wait::Reply, response.text());
    ApiErrorBody body = parse_error_body(response.status(), text);
    body.message = redact(std::move(body.message));
    body.request_id = call.record.request_id;
    if (response.status() == 429) {
        std::optional<Duration> retry_after = parse_retry_after(response.headers());
        // Everyone waits, not only this call: the server's bucket is empty.
        if (retry_after) limiter.pause_for(*retry_after);
        throw RateLimitError(std::move(body), retry_after);
    }
    throw ApiError(std::move(body));
}

Task<> Client::State::retry_or_rethrow(detail::Call& call, std::exception_ptr error, bool output_delivered) {
    call.admission.release();  // if the attempt failed before its answer came
    int status = 0;
    bool retry = false;
    const http::Headers* headers = nullptr;
    std::string reason;
    try {
        std::rethrow_exception(error);
    } catch (const ApiError& api) {
        status = api.status();
        retry = options.retry.should_retry(status, call.error_headers);
        headers = &call.error_headers;
        reason = std::to_string(status);
        if (!api.code().empty()) reason.append(" ").append(api.code());
    } catch (const FirstTokenTimeout& e) {
        retry = true;
        reason = e.what();
    } catch (const StreamIdleTimeout& e) {
        retry = !output_delivered;
        reason = e.what();
    } catch (const TimeoutError& e) {
        // A connect or per-attempt timeout. (The total timeout's expiry is a
        // cancellation in here: it ends the call.)
        retry = true;
        reason = e.what();
    } catch (const StreamError& e) {
        retry = true;  // a broken reply; nothing of it reached the caller yet (checked below)
        reason = e.what();
    } catch (const std::exception& e) {
        retry = retryable_connection_error(error);
        reason = e.what();
    } catch (...) {
        retry = false;  // cancellation and foreign exceptions pass unchanged
    }
    const int retries_done = call.attempt - 1;
    if (!retry || output_delivered || retries_done >= options.retry.max_retries) std::rethrow_exception(error);

    const double random01 = std::uniform_real_distribution<double>(0.0, 1.0)(jitter);
    const Duration wait = options.retry.delay(retries_done, headers, random01);
    const TimePoint now = EventLoop::current()->now();
    if (call.deadline && now + wait >= *call.deadline) std::rethrow_exception(error);

    RetryRecord entry;
    entry.attempt = call.attempt - 1;
    entry.status = status;
    entry.reason = redact(std::move(reason));
    entry.failed_at = now;
    entry.wait = wait;
    call.record.retry_log.push_back(std::move(entry));
    call.record.retries = static_cast<int>(call.record.retry_log.size());
    call.admission.settle(0);  // the failed attempt used nothing
    call.admission = {};
    co_await sleep(wait);
}

void Client::State::finish(detail::Call& call, const std::exception_ptr& error) {
    RequestRecord& record = call.record;
    record.end_to_end = EventLoop::current()->now() - record.started;
    // Without a reported usage the estimate stands: the server may have
    // counted the request anyway.
    if (record.usage_reported) call.admission.settle(record.usage.total_tokens);
    call.admission = {};
    if (error) record.error = redact(describe(error));
    record.cost = options.prices.cost(record.model, record.usage);
    call.slot = Semaphore::Permit{};
    if (call.record_out) *call.record_out = record;
    if (options.on_record) options.on_record(record);
}

// ---- Client ----

Client::Client() : Client(ClientOptions::from_env()) {}
Client::Client(ClientOptions options) : state_(std::make_shared<State>(std::move(options))) {}
Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

const ClientOptions& Client::options() const noexcept { return state_->options; }
RateLimiter& Client::rate_limiter() noexcept { return state_->limiter; }

namespace {
// The usage a reply reports, for the record and the limiter.
void record_usage(RequestRecord& record, const ChatResponse& reply) {
    if (!reply.usage) return;
    record.usage = *reply.usage;
    record.usage_reported = true;
}
void record_usage(RequestRecord& record, const EmbeddingResponse& reply) {
    record.usage = reply.usage;
    record.usage_reported = true;
}
void record_usage(RequestRecord&, const std::vector<Model>&) {}
}  // namespace

template <class Reply>
Task<Reply> Client::State::plain_call(detail::Call call, Reply (*parse)(std::string body)) {
    start(call);
    Task<Reply> attempts = retrying(
        call, [this, &call, parse](bool) { return plain_attempt(call, parse); }, [] { return false; });
    Timeout total(call.deadline);
    Outcome<Reply> reply = co_await capture(total.run(with_slot(call, std::move(attempts))));
    const std::exception_ptr error = detail::call_error(total, reply.error());
    if (reply) record_usage(call.record, reply.value());
    finish(call, error);
    if (error) std::rethrow_exception(error);
    co_return std::move(reply).value();
}

template <class Reply>
Task<Reply> Client::State::plain_attempt(detail::Call& call, Reply (*parse)(std::string body)) {
    http::ClientResponse response = co_await attempt(call);
    std::string text = co_await detail::awaiting_server(call, detail::Wait::Reply, response.text());
    co_return parse(std::move(text));  // a body that is not what the API defines is retried
}

Task<ChatResponse> Client::chat(ChatRequest request) {
    return chat(std::move(request), nullptr);
}

namespace {
Task<ChatResponse> assembled(Task<ChatStream> opening) {
    ChatStream stream = co_await std::move(opening);
    while (co_await stream.next()) {
    }
    co_return stream.response();
}
}  // namespace

Task<Recorded<ChatResponse>> Client::chat_recorded(ChatRequest request, Delivery delivery) {
    RequestRecord record;  // outlives the call: the call writes it as it ends
    Task<ChatResponse> call = delivery == Delivery::Whole ? chat(std::move(request), &record)
                                                          : assembled(chat_stream(std::move(request), &record));
    Outcome<ChatResponse> outcome = co_await capture(std::move(call));
    co_return Recorded<ChatResponse>{std::move(outcome), std::move(record)};
}

Task<ChatResponse> Client::chat(ChatRequest request, RequestRecord* record) {
    detail::Call call = state_->prepare("chat", request.model, "/chat/completions");
    call.record_out = record;
    call.body = to_json(request, false);
    call.estimated_tokens = request_tokens(request, state_->options.token_counting);
    // The reply keeps the body it was parsed from: every field, known or not.
    return state_->plain_call<ChatResponse>(std::move(call), [](std::string body) {
        ChatResponse reply = parse_chat_response(body);
        reply.raw_body = std::move(body);
        return reply;
    });
}

Task<EmbeddingResponse> Client::embeddings(EmbeddingRequest request) {
    detail::Call call = state_->prepare("embeddings", request.model, "/embeddings");
    call.body = to_json(request);
    for (const std::string& input : request.input)
        call.estimated_tokens += text_tokens(request.model, input, state_->options.token_counting);
    return state_->plain_call<EmbeddingResponse>(std::move(call),
                                                 [](std::string body) { return parse_embedding_response(body); });
}

Task<std::vector<Model>> Client::models() {
    return state_->plain_call<std::vector<Model>>(state_->prepare("models", "", "/models"),
                                                  [](std::string body) { return parse_model_list(body); });
}

}  // namespace agentio::llm
