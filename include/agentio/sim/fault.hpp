// fault.hpp: Fault, the failure the simulator injects into one request, and
// how it is picked.
//
// pick_fault() maps one uniform draw u in [0, 1) onto the configured rates
// laid end to end in a fixed order (429, 500, 503, reset, stall, malformed),
// so each kind gets its own rate and at most one fault hits a request. Rates
// summing past 1 leave the kinds at the end of that order less than asked.
//
// What each does on the wire (server.hpp's routes):
//   status_429   429 rate_limit_exceeded with retry-after-ms (100-1000 ms)
//                and retry-after; status_500 500 server_error; status_503
//                503 "overloaded". Before any work, like the API's own.
//   reset        streaming: the connection is reset (TCP RST) after a few
//                content chunks; plain: closed before any response byte.
//   stall        streaming: after the role chunk, before any content, the
//                response sends nothing for Faults::stall_for (the
//                connection stays open), then goes on; plain: the response
//                comes stall_for late.
//   malformed    streaming: one `data:` event that is not JSON, among the
//                content chunks; plain: a 200 whose JSON body is cut short.
#pragma once

#include <string_view>

#include "agentio/sim/config.hpp"

namespace agentio::sim {

enum class Fault { none, status_429, status_500, status_503, reset, stall, malformed };

Fault pick_fault(const Faults& faults, double u) noexcept;

// Its label in /metrics: "429", "500", "503", "reset", "stall", "malformed" ("none").
std::string_view fault_name(Fault fault) noexcept;

}  // namespace agentio::sim
