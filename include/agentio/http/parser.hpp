// parser.hpp: the whole HTTP/1.1 codec in one include. Each part has its own
// header, where its promises are written down:
//
//   limits.hpp           Limits: sizes, and the `lenient` switch for responses
//   parse_error.hpp      ParseError: what was wrong, where, and the status to answer
//   head_parser.hpp      parse_request_head / parse_response_head
//   body_framing.hpp     request_framing / response_framing (RFC 9112 6)
//   chunked_decoder.hpp  ChunkedDecoder (RFC 9112 7.1)
//   message_writer.hpp   write_request_head / write_response_head / write_chunk
//
// All of it is pure functions (and one small state machine) over bytes, with
// no I/O: http::Server, http::Client and BodyReader drive it.
#pragma once

#include "agentio/http/body_framing.hpp"
#include "agentio/http/chunked_decoder.hpp"
#include "agentio/http/head_parser.hpp"
#include "agentio/http/limits.hpp"
#include "agentio/http/message_writer.hpp"
#include "agentio/http/parse_error.hpp"
