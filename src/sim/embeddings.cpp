// embeddings.cpp: POST /v1/embeddings.
//
// Input may be a string, an array of strings, an array of token ids or an
// array of such arrays, as the API accepts; token ids are embedded as their
// decimal text. Vectors are lexical (embedding.hpp), of the request's
// `dimensions` or Config::embedding_dimensions. The reply comes after one
// time-to-first-token delay of the model's latency. Faults apply as to a
// plain chat reply.
#include <fmt/format.h>

#include "agentio/core/sleep.hpp"
#include "agentio/llm/message.hpp"
#include "agentio/net/errors.hpp"
#include "agentio/sim/embedding.hpp"
#include "agentio/sim/latency.hpp"
#include "agentio/sim/prng.hpp"
#include "agentio/sim/wire_writer.hpp"
#include "service.hpp"

namespace agentio::sim::detail {

namespace {

using Json = llm::Json;

struct EmbeddingCall {
    std::string model;
    std::vector<std::string> inputs;
    std::int64_t tokens = 0;
    int dimensions = 0;
    bool base64 = false;
};

// A request the API would refuse: (message, param).
struct Refusal {
    std::string message;
    std::optional<std::string> param;
};

bool is_token_array(const Json& value) {
    if (!value.is_array() || value.empty()) return false;
    for (const Json& item : value)
        if (!item.is_number_integer()) return false;
    return true;
}

std::string token_text(const Json& tokens) {
    std::string text;
    for (const Json& token : tokens) {
        if (!text.empty()) text.push_back(',');
        text += std::to_string(token.get<std::int64_t>());
    }
    return text;
}

std::optional<Refusal> read_input(const Json& input, EmbeddingCall& call) {
    const Refusal invalid{"'input' must be a non-empty string, an array of non-empty strings, or an array of token ids "
                          "(or of arrays of them).",
                          "input"};
    if (input.is_string()) {
        if (input.get_ref<const std::string&>().empty()) return invalid;
        call.inputs.push_back(input.get<std::string>());
        call.tokens += std::max<std::int64_t>(1, static_cast<std::int64_t>((call.inputs.back().size() + 3) / 4));
        return std::nullopt;
    }
    if (!input.is_array() || input.empty()) return invalid;
    if (is_token_array(input)) {
        call.inputs.push_back(token_text(input));
        call.tokens += static_cast<std::int64_t>(input.size());
        return std::nullopt;
    }
    for (const Json& item : input) {
        if (item.is_string() && !item.get_ref<const std::string&>().empty()) {
            call.inputs.push_back(item.get<std::string>());
            call.tokens += std::max<std::int64_t>(1, static_cast<std::int64_t>((call.inputs.back().size() + 3) / 4));
        } else if (is_token_array(item)) {
            call.inputs.push_back(token_text(item));
            call.tokens += static_cast<std::int64_t>(item.size());
        } else {
            return invalid;
        }
    }
    return std::nullopt;
}

std::optional<Refusal> read_call(std::string_view body, int default_dimensions, int max_dimensions, EmbeddingCall& call) {
    Json json;
    try {
        json = llm::parse_json(body);
    } catch (const llm::JsonError& e) {
        return Refusal{std::string("We could not parse the JSON body of your request: ") + e.what(), std::nullopt};
    }
    if (!json.is_object()) return Refusal{std::string("The body must be a JSON object, not ") + json.type_name() + ".", std::nullopt};
    call.dimensions = default_dimensions;
    const auto model = json.find("model");
    if (model == json.end() || !model->is_string() || model->get_ref<const std::string&>().empty())
        return Refusal{"you must provide a model parameter", std::nullopt};
    call.model = model->get<std::string>();
    const auto input = json.find("input");
    if (input == json.end()) return Refusal{"Missing required parameter: 'input'.", "input"};
    if (auto refusal = read_input(*input, call)) return refusal;
    if (const auto dimensions = json.find("dimensions"); dimensions != json.end() && !dimensions->is_null()) {
        if (!dimensions->is_number_integer())
            return Refusal{fmt::format("Invalid type for 'dimensions': expected an integer, but got {} instead.",
                                       dimensions->type_name()),
                           "dimensions"};
        // A JSON integer >= 0 is unsigned here, one below 0 signed.
        if (!dimensions->is_number_unsigned() || dimensions->get<std::uint64_t>() < 1)
            return Refusal{fmt::format("Invalid 'dimensions': integer below minimum value. Expected a value >= 1, but got "
                                       "{} instead.",
                                       dimensions->dump()),
                           "dimensions"};
        if (dimensions->get<std::uint64_t>() > static_cast<std::uint64_t>(max_dimensions))
            return Refusal{fmt::format("This model does not support specifying dimensions larger than {}.", max_dimensions),
                           "dimensions"};
        call.dimensions = static_cast<int>(dimensions->get<std::uint64_t>());
    }
    if (const auto format = json.find("encoding_format"); format != json.end() && !format->is_null()) {
        if (*format == "base64") call.base64 = true;
        else if (*format != "float")
            return Refusal{"Invalid 'encoding_format': expected 'float' or 'base64'.", "encoding_format"};
    }
    return std::nullopt;
}

struct ReadCall {
    EmbeddingCall call;
    std::optional<Refusal> refusal;
};

}  // namespace

Task<http::Response> Service::embeddings(std::shared_ptr<Service> self, http::Request& request) {
    Service& service = *self;
    Exchange exchange = service.begin();
    ++service.stats_.requests;
    if (auto denied = service.check_key(request, exchange, kEmbeddingsRoute)) co_return std::move(*denied);

    std::string body = co_await request.text();
    const int default_dimensions = std::max(1, service.config_.embedding_dimensions);
    const int max_dimensions = std::max(default_dimensions, kMaxEmbeddingDimensions);
    Task<ReadCall> parsing = parse_body(std::move(body), [default_dimensions, max_dimensions](const std::string& text) {
        ReadCall read;
        read.refusal = read_call(text, default_dimensions, max_dimensions, read.call);
        return read;
    });
    ReadCall read = co_await std::move(parsing);
    EmbeddingCall& call = read.call;
    if (const std::optional<Refusal>& refusal = read.refusal)
        co_return service.error(exchange, kEmbeddingsRoute, 400, refusal->message, "invalid_request_error", refusal->param);
    if (!service.serves(call.model))
        co_return service.error(exchange, kEmbeddingsRoute, 404,
                                fmt::format("The model `{}` does not exist or you do not have access to it.", call.model),
                                "invalid_request_error", std::nullopt, "model_not_found");
    exchange.model = call.model;

    const RateLimitVerdict verdict = service.limits_.admit(call.tokens, exchange.started);
    if (!verdict.allowed) co_return service.limited(exchange, kEmbeddingsRoute, verdict);
    const auto [fault, fault_seed] = service.pick(exchange);
    if (fault == Fault::status_429 || fault == Fault::status_500 || fault == Fault::status_503)
        co_return service.injected_status(exchange, kEmbeddingsRoute, fault, fault_seed);

    Hasher request_hash(service.config_.seed);
    for (const std::string& input : call.inputs) request_hash.add(input);
    LatencySampler latency(service.config_.latency_for(call.model), request_hash.add("latency").value());
    Duration wait = latency.time_to_first_token();
    if (fault == Fault::stall) wait += service.config_.faults.stall_for;
    co_await sleep(wait);
    if (fault == Fault::reset) throw net::ConnectionError("simulated connection reset (fault injection)");

    std::vector<std::vector<float>> vectors;
    vectors.reserve(call.inputs.size());
    for (const std::string& input : call.inputs) vectors.push_back(embed(input, call.dimensions));
    std::string json = embeddings_json(call.model, vectors, call.tokens, call.base64);
    if (fault == Fault::malformed) json.resize(json.size() / 2);
    else service.count_completed(call.tokens, 0);
    co_return service.finish(exchange, kEmbeddingsRoute, http::Response::json(std::move(json)));
}

}  // namespace agentio::sim::detail
