// content.hpp: MCP content blocks, the pieces of a tool result or a prompt
// message: text, an image, audio, an embedded resource, a link to a resource.
//
// compile-context: extern std::string png_base64;
//     mcp::CallToolResult result;
//     result.content = {mcp::content::text("a red dot:"), mcp::content::image(png_base64, "image/png")};
//
// Binary data (images, audio) travels as base64 text, given here already
// encoded, as the wire carries it.
#pragma once

#include <string>

#include "agentio/agent/mcp/json_rpc.hpp"
#include "agentio/agent/mcp/resources.hpp"

namespace agentio::agent::mcp::content {

Json text(std::string text);
Json image(std::string base64, std::string mime_type);
Json audio(std::string base64, std::string mime_type);
// The resource's contents inside the block ("type": "resource").
Json resource(const ResourceContents& contents);
// A pointer the client may read later ("type": "resource_link").
Json resource_link(const ResourceInfo& resource);

}  // namespace agentio::agent::mcp::content
