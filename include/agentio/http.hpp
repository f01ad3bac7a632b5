// http.hpp: the http layer in one include: http::Client with its pools,
// http::Server with its router, requests, responses, headers, URLs and SSE.
// The codec's parts (head parser, chunked decoder, writers) have their own
// headers under agentio/http/ for those who frame HTTP themselves.
#pragma once

#include "agentio/core.hpp"
#include "agentio/http/client.hpp"
#include "agentio/http/client_response.hpp"
#include "agentio/http/headers.hpp"
#include "agentio/http/message.hpp"
#include "agentio/http/request.hpp"
#include "agentio/http/response.hpp"
#include "agentio/http/router.hpp"
#include "agentio/http/server.hpp"
#include "agentio/http/sse.hpp"
#include "agentio/http/url.hpp"
#include "agentio/net.hpp"
