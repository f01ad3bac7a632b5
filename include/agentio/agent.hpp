// agent.hpp: the agent layer in one include: tools with schemas from C++
// types, the agent loop, handoffs, guardrails, sessions, fan-out, and the MCP
// client whose servers' tools become agent tools, and the MCP server that
// offers agent tools to other runtimes.
#pragma once

#include "agentio/agent/agent.hpp"
#include "agentio/agent/describe.hpp"
#include "agentio/agent/errors.hpp"
#include "agentio/agent/guardrail.hpp"
#include "agentio/agent/mcp/client.hpp"
#include "agentio/agent/mcp/http_client_transport.hpp"
#include "agentio/agent/mcp/pipe_transport.hpp"
#include "agentio/agent/mcp/process_transport.hpp"
#include "agentio/agent/mcp/server.hpp"
#include "agentio/agent/mcp/streamable_http_server.hpp"
#include "agentio/agent/run.hpp"
#include "agentio/agent/run_all.hpp"
#include "agentio/agent/run_planned.hpp"
#include "agentio/agent/run_validated.hpp"
#include "agentio/agent/run_stream.hpp"
#include "agentio/agent/tracing.hpp"
#include "agentio/agent/postgres_session.hpp"
#include "agentio/agent/redis_session.hpp"
#include "agentio/agent/session.hpp"
#include "agentio/agent/tool.hpp"
