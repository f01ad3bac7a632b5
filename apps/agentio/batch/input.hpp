// input.hpp: the lines of a batch file, read and checked before any request
// is sent.
//
// Two forms per line, mixable in one file:
//   OpenAI Batch API  {"custom_id": "...", "method": "POST",
//                      "url": "/v1/chat/completions", "body": {...}}
//   short             {"prompt": "..."} or {"messages": [...]}, optional "id"
//                     (else "line-N"); any other field ("model",
//                     "max_tokens", "tools", ...) goes into the request.
// Every problem names the file and line ("in.jsonl:17: not JSON: ..."). A
// duplicate custom_id is an error too: resume keys on it, so two lines with
// one id could not both be accounted for.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "agentio/llm/chat.hpp"

namespace agentio::cli::batch {

struct Item {
    std::string custom_id;
    llm::ChatRequest request;
    std::size_t line = 0;  // 1-based, in the input file
};

struct Input {
    std::vector<Item> items;
    std::vector<std::string> problems;  // "file:line: what", in line order
};

// Reads every line of `path`; blank lines are skipped. Lines with problems are
// left out of `items` and described in `problems`. `default_model` fills
// requests that name none; when it is empty, such a request is a problem. Throws agentio::Error when the file cannot be read.
Input read_input(const std::string& path, const std::string& default_model);

// One line's request, or throws agentio::Error saying what is wrong with it
// (without the file and line, which the caller adds).
Item parse_line(std::string_view text, std::size_t line, const std::string& default_model);

}  // namespace agentio::cli::batch
