// Seed "asyncio Fundamentals for AI Engineers": Coroutines, the building blocks.
//
// Python:
//     async def call_llm(prompt: str) -> str:
//         print(f"Sending prompt: {prompt[:40]}...")
//         await asyncio.sleep(1.5)  # Simulates network round-trip
//         return f"Response to: {prompt[:20]}"
//     async def main():
//         result = await call_llm("Explain quantum computing in one sentence")
//         print(result)
//     asyncio.run(main())
#include <agentio/agentio.hpp>

#include <cstdio>
#include <string>

using namespace agentio;
using namespace std::chrono_literals;

// Simulate an LLM API call with network latency.
Task<std::string> call_llm(std::string prompt) {
    std::printf("Sending prompt: %s...\n", prompt.substr(0, 40).c_str());
    co_await sleep(1.5s);  // Simulates network round-trip
    co_return "Response to: " + prompt.substr(0, 20);
}

Task<> main_task() {
    // Awaiting a single coroutine
    std::string result = co_await call_llm("Explain quantum computing in one sentence");
    std::printf("%s\n", result.c_str());
}

int main() { agentio::run(main_task()); }
