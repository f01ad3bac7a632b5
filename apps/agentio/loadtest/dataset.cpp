#include "loadtest/dataset.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>

#include "agentio/llm/token_count.hpp"
#include "agentio/llm/tokenizer.hpp"
#include "batch/input.hpp"

namespace agentio::cli::loadtest {

namespace {

// A prompt of exactly `tokens` tokens of `encoding`: each word is one token
// of o200k_base and of cl100k_base, with its leading space and without, and
// the split patterns cut the text between words. Checked, not assumed.
std::string prompt_of(int tokens, const llm::Encoding& encoding, std::mt19937_64& random) {
    static constexpr const char* kWords[] = {"agent", "tool", "plan", "call", "wait", "stream", "token", "model",
                                             "retry", "limit", "batch", "reply", "query", "index", "cache", "route"};
    std::string text;
    for (int i = 0; i < tokens; ++i) {
        if (i) text += ' ';
        text += kWords[random() % std::size(kWords)];
    }
    if (encoding.count(text) != static_cast<std::size_t>(tokens))
        throw DatasetError(fmt::format("--dataset random: a prompt of {} words is {} tokens of {}, not {}", tokens,
                                       encoding.count(text), encoding.name(), tokens));
    return text;
}

int drawn_length(int length, double ratio, std::mt19937_64& random) {
    if (ratio <= 0) return length;
    const int low = std::max(1, static_cast<int>(length * (1 - ratio)));
    const int high = std::max(low, static_cast<int>(length * (1 + ratio)));
    return std::uniform_int_distribution<int>(low, high)(random);
}

llm::ChatRequest user_request(const std::string& model, std::string text, int max_tokens) {
    llm::ChatRequest request;
    request.model = model;
    request.messages = {llm::Message::user(std::move(text))};
    request.max_completion_tokens = max_tokens;
    return request;
}

std::vector<llm::ChatRequest> random_requests(const DatasetOptions& options) {
    std::mt19937_64 random(options.seed);
    const llm::Encoding& encoding = llm::Encoding::for_model(options.model);
    std::vector<llm::ChatRequest> out;
    out.reserve(static_cast<std::size_t>(options.num_prompts));
    for (int i = 0; i < options.num_prompts; ++i) {
        std::string prompt = prompt_of(drawn_length(options.input_len, options.range_ratio, random), encoding, random);
        out.push_back(user_request(options.model, std::move(prompt), drawn_length(options.output_len, options.range_ratio, random)));
    }
    return out;
}

std::vector<llm::ChatRequest> jsonl_requests(const DatasetOptions& options) {
    batch::Input input;
    try {
        input = batch::read_input(options.path, options.model);
    } catch (const Error& e) {
        throw DatasetError(fmt::format("--dataset jsonl: {}", e.what()));
    }
    if (!input.problems.empty()) {
        std::string text = fmt::format("--dataset jsonl: {} line(s) are not requests:", input.problems.size());
        for (std::size_t i = 0; i < std::min<std::size_t>(input.problems.size(), 10); ++i) text += "\n  " + input.problems[i];
        throw DatasetError(text);
    }
    if (input.items.empty()) throw DatasetError(fmt::format("--dataset jsonl: {} holds no request", options.path));
    std::vector<llm::ChatRequest> out;
    out.reserve(static_cast<std::size_t>(options.num_prompts));
    for (int i = 0; i < options.num_prompts; ++i) {
        llm::ChatRequest request = input.items[static_cast<std::size_t>(i) % input.items.size()].request;
        request.model = options.model;
        if (!request.max_tokens && !request.max_completion_tokens) request.max_completion_tokens = options.output_len;
        out.push_back(std::move(request));
    }
    return out;
}

// The tokens of `text` alone (role and framing are not the text's), under
// the benched model's encoding, as vllm counts a ShareGPT turn with the
// model's tokenizer.
std::int64_t tokens_of(const std::string& text, const std::string& model) {
    return llm::text_tokens(model, text);
}

std::vector<llm::ChatRequest> sharegpt_requests(const DatasetOptions& options) {
    std::ifstream file(options.path, std::ios::binary);
    if (!file) throw DatasetError(fmt::format("--dataset sharegpt: cannot read {}: {}", options.path, std::strerror(errno)));
    std::ostringstream text;
    text << file.rdbuf();
    const nlohmann::json data = nlohmann::json::parse(text.str(), nullptr, false);
    if (data.is_discarded() || !data.is_array())
        throw DatasetError(fmt::format("--dataset sharegpt: {} is not a JSON array of conversations", options.path));
    // (prompt, reply) pairs, as vllm reads them: the first two turns.
    std::vector<std::pair<std::string, std::string>> pairs;
    for (std::size_t i = 0; i < data.size(); ++i) {
        const nlohmann::json& entry = data[i];
        const auto turns = entry.is_object() ? entry.find("conversations") : entry.end();
        if (!entry.is_object() || turns == entry.end() || !turns->is_array())
            throw DatasetError(fmt::format("--dataset sharegpt: {}: entry {} has no \"conversations\" array", options.path, i));
        if (turns->size() < 2) continue;
        const nlohmann::json& prompt = (*turns)[0];
        const nlohmann::json& reply = (*turns)[1];
        const auto value_of = [&](const nlohmann::json& turn) -> std::string {
            const auto value = turn.is_object() ? turn.find("value") : turn.end();
            if (!turn.is_object() || value == turn.end() || !value->is_string())
                throw DatasetError(fmt::format("--dataset sharegpt: {}: entry {}: a turn without a string \"value\"",
                                               options.path, i));
            return value->get<std::string>();
        };
        pairs.emplace_back(value_of(prompt), value_of(reply));
    }
    std::mt19937_64 random(options.seed);
    std::shuffle(pairs.begin(), pairs.end(), random);
    std::vector<llm::ChatRequest> usable;
    for (auto& [prompt, reply] : pairs) {
        if (usable.size() == static_cast<std::size_t>(options.num_prompts)) break;
        const std::int64_t in = tokens_of(prompt, options.model), out = tokens_of(reply, options.model);
        if (in < 4 || out < 4 || in > 1024 || in + out > 2048) continue;
        usable.push_back(user_request(options.model, std::move(prompt), static_cast<int>(out)));
    }
    if (usable.empty())
        throw DatasetError(fmt::format("--dataset sharegpt: {} has no conversation of a usable length (a prompt of 4 to "
                                       "1,024 tokens and a reply of 4 or more, 2,048 together)",
                                       options.path));
    // As vllm: too few usable pairs are drawn again to make up the number.
    for (std::size_t i = 0; usable.size() < static_cast<std::size_t>(options.num_prompts); ++i) {
        llm::ChatRequest again = usable[i];
        usable.push_back(std::move(again));
    }
    return usable;
}

}  // namespace

std::vector<llm::ChatRequest> load_requests(const DatasetOptions& options) {
    if (options.kind == "random") return random_requests(options);
    if (options.kind == "jsonl") return jsonl_requests(options);
    if (options.kind == "sharegpt") return sharegpt_requests(options);
    throw DatasetError(fmt::format("--dataset: unknown dataset \"{}\" (known: random, jsonl FILE, sharegpt FILE)", options.kind));
}

}  // namespace agentio::cli::loadtest
