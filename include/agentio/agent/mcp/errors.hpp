// errors.hpp: what the MCP client and server throw.
//
// Every error derives from agent::AgentError (so from agentio::Error) and its
// message names the peer ("mcp server 'everything': ..."), so a program with
// several servers can tell which one failed.
// - RpcError: the peer answered a request with a JSON-RPC error object; its
//   code (-32601 method not found, -32602 invalid params, ...) and data are
//   kept as sent.
// - TransportError: the conversation itself broke: the process exited or
//   closed its output, it wrote something that is not JSON-RPC, an HTTP request
//   failed. Every request still waiting fails with it: nothing hangs on a dead
//   peer.
// - SessionExpired: a Streamable HTTP server no longer knows our session
//   (HTTP 404); the client starts a new one.
// - ProtocolError: the peer broke the protocol's rules where no JSON-RPC error
//   reply fits (an unsupported protocol version, a malformed result).
// - AuthorizationError: the OAuth flow a protected server asked for failed;
//   the message names the step (discovery, registration, the user's
//   authorization, the token endpoint) and what the server said.
#pragma once

#include <string>

#include "agentio/agent/errors.hpp"
#include "agentio/llm/message.hpp"

namespace agentio::agent::mcp {

class McpError : public AgentError {
public:
    using AgentError::AgentError;
};

class RpcError : public McpError {
public:
    RpcError(int code, const std::string& message, llm::Json data = nullptr)
        : McpError(message), code_(code), data_(std::move(data)) {}
    int code() const noexcept { return code_; }
    const llm::Json& data() const noexcept { return data_; }

private:
    int code_;
    llm::Json data_;
};

class TransportError : public McpError {
public:
    using McpError::McpError;
};

// The peer closed its end (end of file on a pipe). It may still read: a
// session answers the requests it already received. A message the end cut
// off is dropped, and what() says so.
class EndOfInput : public TransportError {
public:
    using TransportError::TransportError;
};

class SessionExpired : public TransportError {
public:
    using TransportError::TransportError;
};

class ProtocolError : public McpError {
public:
    using McpError::McpError;
};

class AuthorizationError : public McpError {
public:
    using McpError::McpError;
};

}  // namespace agentio::agent::mcp
