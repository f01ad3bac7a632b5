// sim.hpp: the sim layer in one include: the embedded OpenAI-compatible
// simulator (sim::Server) and what configures it.
#pragma once

#include "agentio/core.hpp"
#include "agentio/sim/config.hpp"
#include "agentio/sim/server.hpp"
