// Seed "asyncio Fundamentals for AI Engineers": The Event Loop (sequential awaits).
//
// Python:
//     async def agent_step(step_name: str, delay: float) -> str:
//         print(f"[{time.monotonic():.2f}] Starting {step_name}")
//         await asyncio.sleep(delay)
//         print(f"[{time.monotonic():.2f}] Completed {step_name}")
//         return f"{step_name} done"
//     async def main():
//         start = time.monotonic()
//         # Sequential execution — total time is sum of delays
//         r1 = await agent_step("retrieve_context", 1.0)
//         r2 = await agent_step("call_llm", 2.0)
//         print(f"Sequential: {time.monotonic() - start:.2f}s")
//     asyncio.run(main())
//     # Output: Sequential: ~3.00s
#include <agentio/agentio.hpp>

#include <cstdio>
#include <string>

using namespace agentio;
using namespace std::chrono_literals;

Task<std::string> agent_step(std::string step_name, std::chrono::duration<double> delay) {
    std::printf("[%.2f] Starting %s\n", monotonic(), step_name.c_str());
    co_await sleep(delay);
    std::printf("[%.2f] Completed %s\n", monotonic(), step_name.c_str());
    co_return step_name + " done";
}

Task<> main_task() {
    double start = monotonic();
    // Sequential execution — total time is sum of delays
    std::string r1 = co_await agent_step("retrieve_context", 1.0s);
    std::string r2 = co_await agent_step("call_llm", 2.0s);
    std::printf("Sequential: %.2fs\n", monotonic() - start);
}

int main() { agentio::run(main_task()); }
