// server_context.hpp: ServerContext, what a server's handler (a tool, a
// resource reader, a prompt) can do with the client whose request it answers.
//
// compile-context: extern mcp::ServerContext& context;
//     co_await context.log(mcp::LogLevel::info, "starting");
//     co_await context.report_progress(50, 100);
//     Json request = {{"messages", Json::array()}, {"maxTokens", 100}};
//     Json reply = co_await context.create_message(std::move(request));
//     Json schema = {{"type", "object"}, {"properties", {{"name", {{"type", "string"}}}}}};
//     mcp::ElicitResult answer = co_await context.elicit("Your name?", std::move(schema));
//
// Everything sent here belongs to the request being answered: over Streamable
// HTTP it travels on that request's response stream, before its answer.
// - log(): a notifications/message, sent only when `level` is at or above
//   the level the client chose with logging/setLevel (info until it does).
// - report_progress(): notifications/progress, when the client asked for
//   progress (a progressToken); else nothing.
// - create_message() / elicit(): the spec's requests from server to client,
//   awaited like any call; the client's JSON-RPC error comes back as RpcError.
//   A client that did not declare the capability (sampling, elicitation) is
//   not asked: ProtocolError naming it.
// - close_stream(): ends the response stream now while the handler goes on
//   (SSE polling, SEP-1699); the client resumes it with Last-Event-ID.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "agentio/agent/mcp/protocol.hpp"
#include "agentio/agent/mcp/session.hpp"

namespace agentio::agent::mcp {

namespace detail {
struct ClientState;  // server.cpp: what initialize told about the client, its log level
}

class ServerContext {
public:
    ServerContext(RequestContext& request, std::shared_ptr<detail::ClientState> client) noexcept
        : request_(request), client_(std::move(client)) {}

    // From the client's initialize: its capabilities and clientInfo objects,
    // and the protocol revision agreed on.
    const Json& client_capabilities() const noexcept;
    const Json& client_info() const noexcept;
    const std::string& protocol_version() const noexcept;
    // Did the client declare `capability` ("sampling", "elicitation", "roots")?
    bool client_supports(std::string_view capability) const;

    Task<> log(LogLevel level, Json data, std::string logger = {});
    Task<> report_progress(double progress, std::optional<double> total = std::nullopt, std::string message = {});
    // sampling/createMessage with `params` as the spec has them; the client's result.
    Task<Json> create_message(Json params);
    // elicitation/create (form mode): `message` for the user and the schema of the answer.
    Task<ElicitResult> elicit(std::string message, Json requested_schema);
    void close_stream();

    RequestContext& request() noexcept { return request_; }

private:
    RequestContext& request_;
    std::shared_ptr<detail::ClientState> client_;
};

}  // namespace agentio::agent::mcp
