// transport.hpp: Transport, how JSON-RPC messages travel to one MCP peer.
//
// A Session (session.hpp) speaks JSON-RPC over one Transport: a child
// process's pipes (process_transport.hpp), our own stdin/stdout
// (pipe_transport.hpp), a Streamable HTTP endpoint (http_client_transport.hpp),
// or one session of our Streamable HTTP server. The transport moves message
// texts; it does not interpret them beyond what its wire needs (an HTTP
// transport must know a request from a notification). A transport that had
// to decode a message for that hands it over decoded (Incoming), so that no
// message is decoded twice.
//
// Promises every transport keeps:
// - receive() returns the next message in the order the peer sent it,
//   nullopt once close() was called, and throws TransportError naming the peer
//   when the peer went away or broke the framing: a dead peer is never a hang.
// - send() sends one message whole; concurrent sends never interleave.
// - close() is idempotent and bounded in time.
// Only one task calls receive() at a time (the session's reader).
#pragma once

#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <variant>

#include "agentio/agent/mcp/json_rpc.hpp"
#include "agentio/core/task.hpp"

namespace agentio::agent::mcp {

// One message on its way out, with what a transport may need to route it.
struct Outgoing {
    std::string text;               // the encoded message, without a line end
    Message::Kind kind = Message::Kind::Notification;
    Json id;                        // a request's or a response's id
    std::string method;             // a request's or a notification's method
    // The peer's request this message belongs to (our response to it, or a
    // progress notification about it); null when none. A Streamable HTTP
    // server sends such a message on that request's response stream.
    Json related_request;
};

// One message from the peer: its text, or the message itself when the
// transport decoded it already (the session decodes a text, and answers one
// that is not JSON-RPC with an error).
using Incoming = std::variant<std::string, Message>;

class Transport {
public:
    // Fails one of our requests that the wire lost (an HTTP response stream
    // that ended before the answer): the session fails the waiting call.
    using RequestFailure = std::function<void(const Json& id, std::exception_ptr error)>;

    virtual ~Transport() = default;

    virtual Task<std::optional<Incoming>> receive() = 0;
    virtual Task<> send(Outgoing message) = 0;
    virtual Task<> close() = 0;

    // Who the peer is, for messages: "mcp server 'everything'".
    virtual const std::string& peer() const noexcept = 0;

    // The session tells the transport where lost requests go (see RequestFailure).
    virtual void set_request_failure(RequestFailure) {}
    // The protocol version both sides agreed on (Streamable HTTP sends it in
    // a header on every later request).
    virtual void set_protocol_version(const std::string&) {}
    // The session will not answer the peer's request `id` (it was cancelled):
    // a transport waiting to deliver that answer stops waiting.
    virtual void request_abandoned(const Json&) {}
    // Ends the stream the answer to the peer's request `id` travels on, so
    // that the peer resumes it later (RequestContext::close_stream()).
    virtual void close_request_stream(const Json&) {}
};

}  // namespace agentio::agent::mcp
