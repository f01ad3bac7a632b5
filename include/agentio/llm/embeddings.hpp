// embeddings.hpp: embedding requests and responses, and the model list entry.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agentio/llm/chat.hpp"

namespace agentio::llm {

struct EmbeddingRequest {
    std::string model;
    std::vector<std::string> input;
    std::optional<int> dimensions;
    Json extra = Json::object();
};

struct EmbeddingResponse {
    std::string model;
    // data[i] is the vector of input[i] (the wire's `index` puts them in order).
    std::vector<std::vector<float>> data;
    Usage usage;
};

// An entry of GET /v1/models.
struct Model {
    std::string id;
    std::string owned_by;
    std::int64_t created = 0;
};

}  // namespace agentio::llm
