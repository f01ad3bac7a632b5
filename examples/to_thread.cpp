// Seed "asyncio Fundamentals for AI Engineers": FAQ, mixing sync and async code.
//
// Python:
//     result = await asyncio.to_thread(some_blocking_function, arg1)
//
// The blocking call runs on a worker thread while the loop keeps serving the
// other task (an LLM call here); the results come back on the loop thread.
#include <agentio/agentio.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

using namespace agentio;
using namespace std::chrono_literals;

// A library call with no async equivalent: it blocks its thread.
std::string some_blocking_function(std::string path) {
    std::this_thread::sleep_for(200ms);  // e.g. a synchronous file or driver read
    return "loaded " + path;
}

Task<std::string> call_llm(std::string prompt) {
    co_await sleep(1.5s);
    co_return "Response to: " + prompt.substr(0, 20);
}

Task<> main_task() {
    std::string arg1 = "knowledge_base.parquet";
    std::string result = co_await to_thread(some_blocking_function, arg1);
    std::printf("%s\n", result.c_str());

    // The loop stays free while the thread works.
    double start = monotonic();
    auto [rows, reply] = co_await gather(to_thread(some_blocking_function, arg1), call_llm("Summarize the rows"));
    std::printf("%s | %s | %.2fs\n", rows.c_str(), reply.c_str(), monotonic() - start);
}

int main() { agentio::run(main_task()); }
