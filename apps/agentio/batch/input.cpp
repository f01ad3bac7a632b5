// input.cpp: both input forms, validated line by line.
#include "batch/input.hpp"

#include <fmt/core.h>

#include <fstream>
#include <agentio/llm/json.hpp>
#include <unordered_map>

#include "agentio/core/errors.hpp"
#include "agentio/llm/wire.hpp"

namespace agentio::cli::batch {
namespace {

using Json = agentio::llm::Json;

std::string excerpt(std::string_view text) {
    constexpr std::size_t kMax = 60;
    return text.size() <= kMax ? std::string(text) : std::string(text.substr(0, kMax)) + "...";
}

std::string id_text(const Json& id) {
    if (id.is_string()) return id.get<std::string>();
    if (id.is_number_integer()) return std::to_string(id.get<std::int64_t>());
    throw Error("\"id\" must be a string or an integer");
}

Item batch_api_line(const Json& line, std::size_t number) {
    Item item;
    item.line = number;
    const auto id = line.find("custom_id");
    if (id == line.end() || !id->is_string() || id->get<std::string>().empty())
        throw Error("\"custom_id\" must be a non-empty string");
    item.custom_id = id->get<std::string>();
    if (line.contains("method") && line["method"] != "POST")
        throw Error("\"method\" must be \"POST\", got " + line["method"].dump());
    if (line.contains("url") && line["url"] != "/v1/chat/completions" && line["url"] != "/chat/completions")
        throw Error("only \"url\": \"/v1/chat/completions\" is supported, got " + line["url"].dump());
    if (!line.contains("body") || !line["body"].is_object()) throw Error("\"body\" must be an object");
    try {
        item.request = llm::parse_chat_request(line["body"].dump());
    } catch (const std::exception& e) {
        throw Error(std::string("\"body\": ") + e.what());
    }
    if (item.request.messages.empty()) throw Error("\"body\" has no messages");
    return item;
}

Item short_line(const Json& line, std::size_t number) {
    Item item;
    item.line = number;
    item.custom_id = line.contains("id") ? id_text(line["id"]) : "line-" + std::to_string(number);
    if (item.custom_id.empty()) throw Error("\"id\" must not be empty");
    Json body = Json::object();
    if (line.contains("prompt")) {
        if (!line["prompt"].is_string()) throw Error("\"prompt\" must be a string");
        if (line.contains("messages")) throw Error("give \"prompt\" or \"messages\", not both");
        body["messages"] = Json::array({{{"role", "user"}, {"content", line["prompt"]}}});
    } else if (line.contains("messages")) {
        if (!line["messages"].is_array() || line["messages"].empty())
            throw Error("\"messages\" must be a non-empty array");
        body["messages"] = line["messages"];
    } else {
        throw Error("a line needs \"custom_id\" and \"body\" (Batch API form), or \"prompt\" or \"messages\"");
    }
    // Every other field (model, max_tokens, temperature, tools, seed, ...)
    // is the request's, as in a Batch API body.
    for (const auto& [field, value] : line.items())
        if (field != "id" && field != "prompt" && field != "messages") body[field] = value;
    try {
        item.request = llm::parse_chat_request(body.dump());
    } catch (const std::exception& e) {
        throw Error(e.what());
    }
    return item;
}

}  // namespace

Item parse_line(std::string_view text, std::size_t line, const std::string& default_model) {
    Json json = Json::parse(text, nullptr, false);
    if (json.is_discarded()) throw Error("not JSON: " + excerpt(text));
    if (!json.is_object()) throw Error("a line must be a JSON object, got: " + excerpt(text));
    Item item = json.contains("custom_id") || json.contains("body") ? batch_api_line(json, line) : short_line(json, line);
    // Streaming is the runner's choice (--stream), not the line's.
    item.request.extra.erase("stream");
    item.request.extra.erase("stream_options");
    if (item.request.model.empty()) item.request.model = default_model;
    if (item.request.model.empty()) throw Error("no \"model\" (give one in the line, or pass --model)");
    return item;
}

Input read_input(const std::string& path, const std::string& default_model) {
    std::ifstream file(path, std::ios::binary);
    if (!file) throw Error("cannot read " + path);
    Input input;
    std::unordered_map<std::string, std::size_t> first_line;  // custom_id -> its line
    std::string text;
    for (std::size_t number = 1; std::getline(file, text); ++number) {
        if (!text.empty() && text.back() == '\r') text.pop_back();
        if (text.find_first_not_of(" \t") == std::string::npos) continue;
        try {
            Item item = parse_line(text, number, default_model);
            const auto [seen, fresh] = first_line.emplace(item.custom_id, number);
            if (!fresh)
                throw Error(fmt::format("duplicate custom_id \"{}\" (first on line {})", item.custom_id, seen->second));
            input.items.push_back(std::move(item));
        } catch (const Error& e) {
            input.problems.push_back(fmt::format("{}:{}: {}", path, number, e.what()));
        }
    }
    if (file.bad()) throw Error("cannot read " + path);
    return input;
}

}  // namespace agentio::cli::batch
