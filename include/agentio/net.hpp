// net.hpp: the net layer in one include: TCP streams and listeners, DNS on the
// loop, TLS, buffered byte streams, signals as awaitables.
#pragma once

#include "agentio/core.hpp"
#include "agentio/net/buffered_reader.hpp"
#include "agentio/net/connect.hpp"
#include "agentio/net/errors.hpp"
#include "agentio/net/resolver.hpp"
#include "agentio/net/signals.hpp"
#include "agentio/net/socket_address.hpp"
#include "agentio/net/stream.hpp"
#include "agentio/net/tcp_listener.hpp"
#include "agentio/net/tcp_stream.hpp"
#include "agentio/net/tls_context.hpp"
#include "agentio/net/tls_stream.hpp"
