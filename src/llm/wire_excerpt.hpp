// wire_excerpt.hpp (internal): the start of a payload, fit to quote in an error message.
//
// Error messages quote what the server sent so that a malformed chunk can be
// recognised in a log, but never more than a short prefix (a body may be
// megabytes) and never raw control bytes or broken UTF-8 (a log line must stay
// one printable line).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace agentio::llm::detail {

// At most `max_bytes` of `text` (cut at a character boundary), with control
// bytes and invalid UTF-8 written as \n, \r, \t or \xNN, and "..." plus the
// total size appended when it was cut.
std::string excerpt(std::string_view text, std::size_t max_bytes = 200);

}  // namespace agentio::llm::detail
