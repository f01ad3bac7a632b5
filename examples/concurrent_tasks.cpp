// Seed "asyncio Fundamentals for AI Engineers": Tasks, running coroutines concurrently.
//
// Python:
//     async def main():
//         start = time.monotonic()
//         # Concurrent execution — total time is max of delays
//         task1 = asyncio.create_task(agent_step("retrieve_context", 1.0))
//         task2 = asyncio.create_task(agent_step("call_llm", 2.0))
//         task3 = asyncio.create_task(agent_step("fetch_tools", 1.5))
//         # Wait for all tasks to complete
//         r1 = await task1
//         r2 = await task2
//         r3 = await task3
//         print(f"Concurrent: {time.monotonic() - start:.2f}s")
//     asyncio.run(main())
//     # Output: Concurrent: ~2.00s (limited by slowest task)
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
    // Concurrent execution — total time is max of delays
    auto task1 = create_task(agent_step("retrieve_context", 1.0s));
    auto task2 = create_task(agent_step("call_llm", 2.0s));
    auto task3 = create_task(agent_step("fetch_tools", 1.5s));
    // Wait for all tasks to complete
    std::string r1 = co_await task1;
    std::string r2 = co_await task2;
    std::string r3 = co_await task3;
    std::printf("Concurrent: %.2fs\n", monotonic() - start);
}

int main() { agentio::run(main_task()); }
