// llm.hpp: the llm layer in one include: the OpenAI-compatible llm::Client
// (chat plain and streamed, tool calls, embeddings, models), its options,
// retry policy, rate limiter, errors, pricing and request records.
#pragma once

#include "agentio/core.hpp"
#include "agentio/llm/chat.hpp"
#include "agentio/llm/chat_stream.hpp"
#include "agentio/llm/client.hpp"
#include "agentio/llm/client_options.hpp"
#include "agentio/llm/embeddings.hpp"
#include "agentio/llm/errors.hpp"
#include "agentio/llm/message.hpp"
#include "agentio/llm/pricing.hpp"
#include "agentio/llm/rate_limiter.hpp"
#include "agentio/llm/request_record.hpp"
#include "agentio/llm/retry_policy.hpp"
#include "agentio/llm/stream_accumulator.hpp"
#include "agentio/llm/token_count.hpp"
#include "agentio/llm/tokenizer.hpp"
