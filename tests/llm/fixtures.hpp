// fixtures.hpp: OpenAI wire-format bodies as the API documents them, shared by
// the llm and sim tests.
//
// Each is the exact text a server sends (pretty-printed where the API
// pretty-prints, one line per chunk in streams), so tests read them through
// the same parsers as real traffic. Streams are SSE text, [DONE] included.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "agentio/http/sse.hpp"

namespace agentio::llm::fixtures {

// The `data` of each event of an SSE stream, in order ("[DONE]" included).
inline std::vector<std::string> sse_data(std::string_view stream) {
    http::SseDecoder decoder;
    decoder.feed(stream);
    decoder.finish();
    std::vector<std::string> data;
    while (auto event = decoder.next()) data.push_back(std::move(event->data));
    return data;
}

// POST /v1/chat/completions, a plain answer.
inline constexpr std::string_view kChatCompletion = R"json({
  "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
  "object": "chat.completion",
  "created": 1741569952,
  "model": "gpt-4o-2024-08-06",
  "choices": [
    {
      "index": 0,
      "message": {
        "role": "assistant",
        "content": "Hello! How can I assist you today?",
        "refusal": null,
        "annotations": []
      },
      "logprobs": null,
      "finish_reason": "stop"
    }
  ],
  "usage": {
    "prompt_tokens": 19,
    "completion_tokens": 10,
    "total_tokens": 29,
    "prompt_tokens_details": {
      "cached_tokens": 0,
      "audio_tokens": 0
    },
    "completion_tokens_details": {
      "reasoning_tokens": 0,
      "audio_tokens": 0,
      "accepted_prediction_tokens": 0,
      "rejected_prediction_tokens": 0
    }
  },
  "service_tier": "default",
  "system_fingerprint": "fp_fc9f1d7035"
})json";

// The model calls two functions at once (parallel tool calls); content is null.
inline constexpr std::string_view kChatCompletionToolCalls = R"json({
  "id": "chatcmpl-9xPGjx7uVb3MZ0ePZ5ZgYr2zEHq8d",
  "object": "chat.completion",
  "created": 1723900000,
  "model": "gpt-4o-mini-2024-07-18",
  "choices": [
    {
      "index": 0,
      "message": {
        "role": "assistant",
        "content": null,
        "tool_calls": [
          {
            "id": "call_Vf1RqkNdtSg6MZ4tFXo1Yx2a",
            "type": "function",
            "function": {
              "name": "get_weather",
              "arguments": "{\"location\": \"Paris, France\", \"unit\": \"celsius\"}"
            }
          },
          {
            "id": "call_Jq8bDwzC2TmKxR7nUe3Lp5Hs",
            "type": "function",
            "function": {
              "name": "get_weather",
              "arguments": "{\"location\": \"Tokyo, Japan\", \"unit\": \"celsius\"}"
            }
          }
        ],
        "refusal": null,
        "annotations": []
      },
      "logprobs": null,
      "finish_reason": "tool_calls"
    }
  ],
  "usage": {
    "prompt_tokens": 1182,
    "completion_tokens": 54,
    "total_tokens": 1236,
    "prompt_tokens_details": {
      "cached_tokens": 1024,
      "audio_tokens": 0
    },
    "completion_tokens_details": {
      "reasoning_tokens": 0,
      "audio_tokens": 0,
      "accepted_prediction_tokens": 0,
      "rejected_prediction_tokens": 0
    }
  },
  "service_tier": "default",
  "system_fingerprint": "fp_48196bc67a"
})json";

// A streamed answer ("Hello world!") with stream_options.include_usage: the
// role chunk, content chunks, the finish chunk, the usage chunk (no choices),
// then [DONE]. Chunks carry the `obfuscation` padding the API adds.
inline constexpr std::string_view kStreamedCompletion =
    R"sse(data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","service_tier":"default","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"Jx3"}

data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","service_tier":"default","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"k8vQ"}

data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","service_tier":"default","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"content":" world"},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"Q1"}

data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","service_tier":"default","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"content":"!"},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"pZ0kT"}

data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","service_tier":"default","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null,"obfuscation":"m"}

data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","service_tier":"default","system_fingerprint":"fp_44709d6fcb","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"obfuscation":"Xb2"}

data: [DONE]

)sse";

// A streamed answer with two parallel tool calls whose deltas interleave by
// index: each call's first delta brings id and name, later ones append
// argument text. Ends with finish_reason "tool_calls", the usage chunk, [DONE].
inline constexpr std::string_view kStreamedToolCalls =
    R"sse(data: {"id":"chatcmpl-456","object":"chat.completion.chunk","created":1723900100,"model":"gpt-4o-mini","system_fingerprint":"fp_48196bc67a","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_weather_1","type":"function","function":{"name":"get_weather","arguments":""}}],"refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-456","object":"chat.completion.chunk","created":1723900100,"model":"gpt-4o-mini","system_fingerprint":"fp_48196bc67a","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"loc"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-456","object":"chat.completion.chunk","created":1723900100,"model":"gpt-4o-mini","system_fingerprint":"fp_48196bc67a","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_time_2","type":"function","function":{"name":"get_time","arguments":""}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-456","object":"chat.completion.chunk","created":1723900100,"model":"gpt-4o-mini","system_fingerprint":"fp_48196bc67a","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\"tz\": "}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-456","object":"chat.completion.chunk","created":1723900100,"model":"gpt-4o-mini","system_fingerprint":"fp_48196bc67a","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"ation\": \"Paris\"}"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-456","object":"chat.completion.chunk","created":1723900100,"model":"gpt-4o-mini","system_fingerprint":"fp_48196bc67a","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"\"Europe/Paris\"}"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-456","object":"chat.completion.chunk","created":1723900100,"model":"gpt-4o-mini","system_fingerprint":"fp_48196bc67a","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}],"usage":null}

data: {"id":"chatcmpl-456","object":"chat.completion.chunk","created":1723900100,"model":"gpt-4o-mini","system_fingerprint":"fp_48196bc67a","choices":[],"usage":{"prompt_tokens":88,"completion_tokens":41,"total_tokens":129,"prompt_tokens_details":{"cached_tokens":64,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}

data: [DONE]

)sse";

// HTTP 429 body.
inline constexpr std::string_view kErrorRateLimit = R"json({
    "error": {
        "message": "Rate limit reached for gpt-4o-mini in organization org-Zq3R8sTnV2uW on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more.",
        "type": "requests",
        "param": null,
        "code": "rate_limit_exceeded"
    }
}
)json";

// HTTP 401 body (the API masks the key it quotes).
inline constexpr std::string_view kErrorInvalidApiKey = R"json({
    "error": {
        "message": "Incorrect API key provided: sk-proj-********************************************Ab3d. You can find your API key at https://platform.openai.com/account/api-keys.",
        "type": "invalid_request_error",
        "param": null,
        "code": "invalid_api_key"
    }
}
)json";

// POST /v1/embeddings, two inputs.
inline constexpr std::string_view kEmbeddings = R"json({
  "object": "list",
  "data": [
    {
      "object": "embedding",
      "index": 0,
      "embedding": [
        -0.006929283495992422,
        -0.005336422007530928,
        0.00047350498218968624,
        -0.024047505110502243
      ]
    },
    {
      "object": "embedding",
      "index": 1,
      "embedding": [
        0.0023064255,
        -0.009327292,
        0.015797347,
        -0.0077780345
      ]
    }
  ],
  "model": "text-embedding-3-small",
  "usage": {
    "prompt_tokens": 8,
    "total_tokens": 8
  }
})json";

// GET /v1/models.
inline constexpr std::string_view kModels = R"json({
  "object": "list",
  "data": [
    {
      "id": "gpt-4o-mini",
      "object": "model",
      "created": 1721172741,
      "owned_by": "system"
    },
    {
      "id": "text-embedding-3-small",
      "object": "model",
      "created": 1705948997,
      "owned_by": "system"
    },
    {
      "id": "ft:gpt-4o-mini-2024-07-18:acme::9xQ2bLmN",
      "object": "model",
      "created": 1726000000,
      "owned_by": "user-abc123"
    }
  ]
})json";

}  // namespace agentio::llm::fixtures
