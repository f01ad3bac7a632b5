// excerpt.hpp (internal): a peer's text as MCP's error messages quote it, cut
// short so that one bad message cannot flood a log.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace agentio::agent::mcp::detail {

inline std::string excerpt(std::string_view text, std::size_t max_bytes = 120) {
    return text.size() <= max_bytes ? std::string(text) : std::string(text.substr(0, max_bytes)) + "...";
}

}  // namespace agentio::agent::mcp::detail
