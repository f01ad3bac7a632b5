// Seed "asyncio Fundamentals for AI Engineers": Gathering results.
//
// Python:
//     async def process_agent_batch(prompts: list[str]) -> list[str]:
//         """Process a batch of prompts concurrently."""
//         results = await asyncio.gather(
//             *[call_llm(prompt) for prompt in prompts]
//         )
//         return results
//     async def main():
//         prompts = [
//             "Summarize this document",
//             "Extract key entities",
//             "Generate follow-up questions",
//             "Classify sentiment",
//         ]
//         results = await process_agent_batch(prompts)
//         for prompt, result in zip(prompts, results):
//             print(f"{prompt[:30]} -> {result}")
//     asyncio.run(main())
//
// The results keep the input order, whichever call finishes first.
#include <agentio/agentio.hpp>

#include <cstdio>
#include <string>
#include <vector>

using namespace agentio;
using namespace std::chrono_literals;

Task<std::string> call_llm(std::string prompt) {
    std::printf("Sending prompt: %s...\n", prompt.substr(0, 40).c_str());
    co_await sleep(1.5s);  // Simulates network round-trip
    co_return "Response to: " + prompt.substr(0, 20);
}

// Process a batch of prompts concurrently.
Task<std::vector<std::string>> process_agent_batch(const std::vector<std::string>& prompts) {
    std::vector<Task<std::string>> calls;
    for (const auto& prompt : prompts) calls.push_back(call_llm(prompt));
    std::vector<std::string> results = co_await gather(std::move(calls));
    co_return results;
}

Task<> main_task() {
    std::vector<std::string> prompts = {
        "Summarize this document",
        "Extract key entities",
        "Generate follow-up questions",
        "Classify sentiment",
    };
    double start = monotonic();
    std::vector<std::string> results = co_await process_agent_batch(prompts);
    for (std::size_t i = 0; i < prompts.size(); ++i)
        std::printf("%s -> %s\n", prompts[i].substr(0, 30).c_str(), results[i].c_str());
    std::printf("Batch of %zu: %.2fs\n", prompts.size(), monotonic() - start);
}

int main() { agentio::run(main_task()); }
