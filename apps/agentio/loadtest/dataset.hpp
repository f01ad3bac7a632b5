// dataset.hpp: the requests `agentio bench` sends, drawn as `vllm bench
// serve` draws them.
//
//   random          made-up prompts of about --input-len tokens and
//                   --output-len max tokens each (both +- --range-ratio)
//   jsonl FILE      one request per line, as `agentio batch` reads them: a
//                   {"prompt"} or {"messages"} line, or an OpenAI Batch line;
//                   in file order, repeated from the top if --num-prompts asks
//                   for more; a line's own max_tokens is kept
//   sharegpt FILE   ShareGPT JSON (an array of {"conversations": [{"from":
//                   "human", "value"}, {"from": "gpt", "value"}, ...]}), as
//                   vllm samples it: shuffled by --seed, each conversation's
//                   first turn the prompt and the reply's length its max
//                   tokens; pairs whose prompt is under 4 or over 1024 tokens,
//                   whose reply is under 4, or that add up to over 2048, are
//                   skipped
// Every request goes to the benchmarked model. Whatever is wrong with a
// dataset (a missing file, a line that is not a request, no usable
// conversation) is a DatasetError naming the file and the place, thrown
// before anything is sent.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agentio/core/errors.hpp"
#include "agentio/llm/chat.hpp"

namespace agentio::cli::loadtest {

struct DatasetError : Error {
    using Error::Error;
};

struct DatasetOptions {
    std::string kind = "random";  // random, jsonl, sharegpt
    std::string path;             // for jsonl and sharegpt
    int num_prompts = 200;
    int input_len = 64;
    int output_len = 128;
    double range_ratio = 0.0;
    std::uint64_t seed = 0;
    std::string model;
};

std::vector<llm::ChatRequest> load_requests(const DatasetOptions& options);

}  // namespace agentio::cli::loadtest
