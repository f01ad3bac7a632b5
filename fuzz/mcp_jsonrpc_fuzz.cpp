// mcp_jsonrpc_fuzz: MCP's stdio framing and JSON-RPC decoding on arbitrary bytes.
//
// The input is split into lines as the stdio transport splits its stream
// ('\n', a trailing '\r' dropped, blank lines skipped). Invariants for each
// line: decode_message() either throws RpcError with -32700 (not JSON) or
// -32600 (not a valid message), and nothing else; or it returns a message
// whose encoding decodes back to the same message, with no newline in it (so
// it frames as one line).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "agentio/agent/mcp/json_rpc.hpp"

using namespace agentio::agent::mcp;

namespace {

bool same(const Message& a, const Message& b) {
    return a.kind == b.kind && a.id == b.id && a.method == b.method && a.params == b.params && a.result == b.result &&
           a.error_code == b.error_code && a.error_message == b.error_message && a.error_data == b.error_data;
}

void check_line(std::string_view line) {
    Message message;
    try {
        message = decode_message(line);
    } catch (const RpcError& error) {
        if (error.code() != error_code::parse_error && error.code() != error_code::invalid_request) std::abort();
        return;
    }
    const std::string encoded = encode(message);
    if (encoded.find('\n') != std::string::npos) std::abort();
    Message back;
    try {
        back = decode_message(encoded);
    } catch (const RpcError&) {
        std::abort();
    }
    // Invalid UTF-8 in strings is replaced on encoding, so only a second
    // round trip is exact.
    if (!same(back, decode_message(encode(back)))) std::abort();
    if (encoded == line && !same(message, back)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    while (!input.empty()) {
        const std::size_t newline = input.find('\n');
        std::string_view line = input.substr(0, newline);
        input = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
        check_line(line);
    }
    return 0;
}
