// agentio.hpp: the whole public API in one include: every layer's umbrella
// (core, net, http, llm, sim, db, agent). Each layer can also be included alone, e.g.
// <agentio/core.hpp> for the runtime without the network layers.
#pragma once

#include "agentio/agent.hpp"
#include "agentio/core.hpp"
#include "agentio/db.hpp"
#include "agentio/http.hpp"
#include "agentio/llm.hpp"
#include "agentio/net.hpp"
#include "agentio/sim.hpp"
