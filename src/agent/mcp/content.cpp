// content.cpp: the content block builders.
#include "agentio/agent/mcp/content.hpp"

namespace agentio::agent::mcp::content {

Json text(std::string text) {
    Json block = Json::object();  // what an initializer list would copy, moved in
    block["type"] = "text";
    block["text"] = std::move(text);
    return block;
}

Json image(std::string base64, std::string mime_type) {
    return {{"type", "image"}, {"data", std::move(base64)}, {"mimeType", std::move(mime_type)}};
}

Json audio(std::string base64, std::string mime_type) {
    return {{"type", "audio"}, {"data", std::move(base64)}, {"mimeType", std::move(mime_type)}};
}

Json resource(const ResourceContents& contents) { return {{"type", "resource"}, {"resource", contents.to_json()}}; }

Json resource_link(const ResourceInfo& resource) {
    Json out = resource.to_json();
    out["type"] = "resource_link";
    return out;
}

}  // namespace agentio::agent::mcp::content
